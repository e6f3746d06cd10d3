// queues/pubsub: one message, several subscribers.
fn publish<M: Clone>(inboxes: &mut [Vec<M>], message: M) -> usize {
    for inbox in inboxes.iter_mut() {
        inbox.push(message);
    }
    inboxes.len()
}

fn main() {
    let mut inboxes = vec![Vec::new(), Vec::new()];
    println!("{}", publish(&mut inboxes, "deploy".to_string()));
}
