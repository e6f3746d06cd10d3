// threads/bounded: `collect()` without saying into what.
use std::thread;

fn main() {
    let items = vec![1, 2, 3];
    thread::scope(|scope| {
        let handles = items.iter().map(|n| scope.spawn(move || n * 2)).collect();
        for handle in handles {
            println!("{}", handle.join().unwrap());
        }
    });
}
