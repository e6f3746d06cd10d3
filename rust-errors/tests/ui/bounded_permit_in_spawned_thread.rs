// threads/bounded: a `Permit<'_>` borrowed from a local semaphore, moved into
// a thread from `thread::spawn` (not a scoped one).
use std::sync::Mutex;
use std::thread;

pub struct Semaphore {
    permits: Mutex<usize>,
}

pub struct Permit<'a> {
    semaphore: &'a Semaphore,
}

impl Semaphore {
    pub fn acquire(&self) -> Permit<'_> {
        *self.permits.lock().unwrap() -= 1;
        Permit { semaphore: self }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *self.semaphore.permits.lock().unwrap() += 1;
    }
}

fn main() {
    let places = Semaphore { permits: Mutex::new(10) };
    let mut handles = Vec::new();
    for server in ["web-1", "web-2"] {
        let permit = places.acquire();
        handles.push(thread::spawn(move || {
            let _permit = permit;
            println!("checking {server}");
        }));
    }
    for handle in handles {
        handle.join().unwrap();
    }
}
