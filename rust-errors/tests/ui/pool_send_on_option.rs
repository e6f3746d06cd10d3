// threads/pool: the sender field is an `Option`, used as if it were the sender.
use std::sync::mpsc;

type Job = Box<dyn FnOnce() + Send + 'static>;

pub struct ThreadPool {
    sender: Option<mpsc::Sender<Job>>,
}

impl ThreadPool {
    pub fn execute<F>(&self, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        self.sender.send(Box::new(job)).unwrap();
    }
}

fn main() {
    let (sender, receiver) = mpsc::channel();
    ThreadPool { sender: Some(sender) }.execute(|| println!("job"));
    receiver.recv().unwrap()();
}
