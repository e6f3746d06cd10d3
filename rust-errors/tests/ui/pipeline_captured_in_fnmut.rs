// threads/pipeline: one `Arc` for every job, moved into the first one.
use std::sync::Arc;
use std::thread;

pub fn run<T, U, F>(items: Vec<T>, stage_one: F) -> Vec<U>
where
    T: Send + 'static,
    U: Send + 'static,
    F: Fn(T) -> U + Send + Sync + 'static,
{
    let stage_one = Arc::new(stage_one);
    let handles: Vec<_> = items
        .into_iter()
        .map(|item| thread::spawn(move || stage_one(item)))
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

fn main() {
    println!("{:?}", run(vec![1, 2, 3], |n| n * 2));
}
