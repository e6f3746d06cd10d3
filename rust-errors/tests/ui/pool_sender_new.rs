// threads/pool: a channel's two ends are made together, by `mpsc::channel()`.
use std::sync::mpsc;

type Job = Box<dyn FnOnce() + Send + 'static>;

fn main() {
    let sender: mpsc::Sender<Job> = mpsc::Sender::new();
    sender.send(Box::new(|| println!("job"))).unwrap();
}
