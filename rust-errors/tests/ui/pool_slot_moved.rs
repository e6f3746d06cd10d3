// threads/pool: the slot goes into the job, and then the promise wants it.
use std::sync::{Arc, Mutex};
use std::thread;

pub struct Promise<T> {
    slot: Arc<Mutex<Option<T>>>,
}

pub fn submit<T, F>(f: F) -> Promise<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let slot = Arc::new(Mutex::new(None));
    thread::spawn(move || {
        *slot.lock().unwrap() = Some(f());
    });
    Promise { slot }
}

fn main() {
    let promise = submit(|| 42);
    println!("{:?}", promise.slot.lock().unwrap());
}
