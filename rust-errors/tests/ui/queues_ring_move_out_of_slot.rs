// queues/ring: taking an item out of a slot of a `Vec`.
struct RingBuffer<T> {
    slots: Vec<Option<T>>,
    head: usize,
    len: usize,
}

impl<T> RingBuffer<T> {
    fn pop(&mut self) -> Option<T> {
        if self.len == 0 {
            return None;
        }
        let item = self.slots[self.head];
        self.head = (self.head + 1) % self.slots.len();
        self.len -= 1;
        item
    }
}

fn main() {
    let mut ring = RingBuffer { slots: vec![Some("a".to_string()), None], head: 0, len: 1 };
    println!("{:?}", ring.pop());
}
