// queues/pubsub: a `Weak` is not a pointer you can use; `upgrade` first.
use std::sync::{Arc, Mutex, Weak};

fn deliver(inbox: &Weak<Mutex<Vec<String>>>, message: &str) -> bool {
    inbox.lock().unwrap().push(message.to_string());
    true
}

fn main() {
    let inbox = Arc::new(Mutex::new(Vec::new()));
    println!("{}", deliver(&Arc::downgrade(&inbox), "deploy"));
}
