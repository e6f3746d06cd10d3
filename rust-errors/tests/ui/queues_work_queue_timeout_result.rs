// queues/work_queue: `wait_timeout` says whether it timed out in a type of
// its own.
use std::sync::{Condvar, Mutex};
use std::time::Duration;

fn wait_until_done(unfinished: &Mutex<usize>, done: &Condvar, limit: Duration) -> bool {
    let mut left = unfinished.lock().unwrap();
    while *left > 0 {
        let (guard, timed_out) = done.wait_timeout(left, limit).unwrap();
        left = guard;
        if timed_out {
            return false;
        }
    }
    true
}

fn main() {
    println!("{}", wait_until_done(&Mutex::new(0), &Condvar::new(), Duration::from_millis(1)));
}
