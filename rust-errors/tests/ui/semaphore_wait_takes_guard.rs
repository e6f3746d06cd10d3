// threads/semaphore: `wait` is called as if it only borrowed the guard.
use std::sync::{Condvar, Mutex};

struct Semaphore {
    permits: Mutex<usize>,
    released: Condvar,
}

impl Semaphore {
    fn acquire(&self) {
        let mut free = self.permits.lock().unwrap();
        while *free == 0 {
            self.released.wait(free).unwrap();
        }
        *free -= 1;
    }
}

fn main() {
    let sem = Semaphore { permits: Mutex::new(1), released: Condvar::new() };
    sem.acquire();
}
