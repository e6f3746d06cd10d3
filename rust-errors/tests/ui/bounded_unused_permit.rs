// threads/bounded: the permit is taken but never moved into the thread.
// (`deny` makes the warning an error, so that trybuild records its text.)
#![deny(unused_variables)]
use std::sync::Mutex;
use std::thread;

struct Semaphore(Mutex<usize>);
struct Permit<'a>(&'a Semaphore);

impl Semaphore {
    fn acquire(&self) -> Permit<'_> {
        *self.0.lock().unwrap() -= 1;
        Permit(self)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *self.0.0.lock().unwrap() += 1;
    }
}

fn main() {
    let places = Semaphore(Mutex::new(2));
    let f = |n: u32| n * 2;
    let f = &f;
    thread::scope(|scope| {
        for item in [1, 2, 3] {
            let permit = places.acquire();
            scope.spawn(move || f(item));
        }
    });
}
