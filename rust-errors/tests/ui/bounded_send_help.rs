// threads/bounded: the given signature, and `move` takes `f` into each thread.
use std::thread;

pub fn map_bounded<T, R, F>(items: Vec<T>, f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    thread::scope(|scope| {
        let mut handles = Vec::new();
        for item in items {
            handles.push(scope.spawn(move || f(item)));
        }
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

fn main() {
    println!("{:?}", map_bounded(vec![1, 2, 3], |n| n * 2));
}
