// queues/bounded: a queue shared by a producer thread and a consumer thread.
use std::collections::VecDeque;
use std::sync::Mutex;
use std::thread;

struct Queue<T> {
    items: Mutex<VecDeque<T>>,
}

impl<T> Queue<T> {
    fn push(&self, item: T) {
        self.items.lock().unwrap().push_back(item);
    }
}

fn main() {
    let queue = Queue { items: Mutex::new(VecDeque::new()) };
    let producer = thread::spawn(|| queue.push(1));
    producer.join().unwrap();
    println!("{}", queue.items.lock().unwrap().len());
}
