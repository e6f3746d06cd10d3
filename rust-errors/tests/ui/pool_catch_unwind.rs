// threads/pool: `catch_unwind` around the caller's closure, as it is.
use std::panic;

pub fn run_caught<T, F>(f: F) -> Option<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    panic::catch_unwind(f).ok()
}

fn main() {
    println!("{:?}", run_caught(|| 42));
}
