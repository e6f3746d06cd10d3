// threads/pool: `Drop` joins the workers by looping over the field.
use std::thread;

pub struct ThreadPool {
    workers: Vec<thread::JoinHandle<()>>,
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        for worker in self.workers {
            worker.join().unwrap();
        }
    }
}

fn main() {
    let pool = ThreadPool { workers: vec![thread::spawn(|| {})] };
    drop(pool);
}
