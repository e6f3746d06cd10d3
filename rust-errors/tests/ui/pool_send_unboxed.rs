// threads/pool: `execute` sends the closure itself, not a boxed one.
use std::sync::mpsc;

type Job = Box<dyn FnOnce() + Send + 'static>;

pub struct ThreadPool {
    sender: mpsc::Sender<Job>,
}

impl ThreadPool {
    pub fn execute<F>(&self, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        self.sender.send(job).unwrap();
    }
}

fn main() {
    let (sender, receiver) = mpsc::channel();
    ThreadPool { sender }.execute(|| println!("job"));
    receiver.recv().unwrap()();
}
