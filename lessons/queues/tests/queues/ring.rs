//! Exercise 1: a fixed-capacity FIFO, by hand, checked against `VecDeque`.

use std::collections::VecDeque;

use proptest::prelude::*;
use queues::ring::RingBuffer;

// Wrong solution caught: a LIFO (`Vec::push` + `Vec::pop`).
#[test]
fn items_come_out_in_the_order_they_went_in() {
    let mut ring = RingBuffer::with_capacity(4);
    for seq in 1..=4 {
        ring.push(seq).unwrap();
    }
    let out: Vec<i32> = std::iter::from_fn(|| ring.pop()).collect();
    assert_eq!(out, [1, 2, 3, 4]);
    assert_eq!(ring.pop(), None);
}

// Wrong solutions caught: a ring that overwrites its oldest item when full,
// or one that drops the item it refuses.
#[test]
fn a_full_ring_gives_the_item_back_and_keeps_what_it_has() {
    let mut ring = RingBuffer::with_capacity(2);
    ring.push("job-1".to_string()).unwrap();
    ring.push("job-2".to_string()).unwrap();
    assert!(ring.is_full());
    assert_eq!(ring.push("job-3".to_string()), Err("job-3".to_string()));
    assert_eq!(ring.len(), 2);
    assert_eq!(ring.pop().as_deref(), Some("job-1"));
    assert_eq!(ring.pop().as_deref(), Some("job-2"));
}

// Wrong solution caught: indices that do not wrap around the end of the
// slots, so the ring works until its first lap and then fails.
#[test]
fn it_keeps_working_after_wrapping_around() {
    let mut ring = RingBuffer::with_capacity(3);
    let mut next_in = 0;
    let mut next_out = 0;
    for _ in 0..10 {
        while ring.push(next_in).is_ok() {
            next_in += 1;
        }
        for _ in 0..2 {
            assert_eq!(ring.pop(), Some(next_out));
            next_out += 1;
        }
    }
    assert_eq!(ring.len(), 1);
    assert_eq!(ring.capacity(), 3);
}

#[test]
fn iter_goes_from_front_to_back_across_the_wrap() {
    let mut ring = RingBuffer::with_capacity(4);
    for seq in 0..4 {
        ring.push(seq).unwrap();
    }
    ring.pop();
    ring.pop();
    ring.push(4).unwrap();
    ring.push(5).unwrap();
    assert_eq!(ring.iter().copied().collect::<Vec<_>>(), [2, 3, 4, 5]);
    assert_eq!(ring.peek(), Some(&2));
    assert_eq!(ring.len(), 4, "iter and peek take nothing out");
}

#[test]
fn a_ring_of_capacity_zero_refuses_everything() {
    let mut ring = RingBuffer::with_capacity(0);
    assert!(ring.is_empty());
    assert!(ring.is_full());
    assert_eq!(ring.push(1), Err(1));
    assert_eq!(ring.pop(), None);
    assert_eq!(ring.iter().count(), 0);
}

/// One step of the state machine test.
#[derive(Debug, Clone)]
enum Op {
    Push(u16),
    Pop,
    Peek,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => any::<u16>().prop_map(Op::Push),
        2 => Just(Op::Pop),
        1 => Just(Op::Peek),
    ]
}

proptest! {
    // No regression files: a learner's failing run must not write into
    // tests/ (the seal would then see the tests as changed).
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    // The model: a `VecDeque` that refuses pushes beyond the capacity.
    // After every step, the ring and the model agree on the answer, the
    // length, fullness and every item from front to back.
    #[test]
    fn behaves_like_a_vecdeque_of_the_same_capacity(
        capacity in 0usize..6,
        ops in prop::collection::vec(op(), 0..60),
    ) {
        let mut ring = RingBuffer::with_capacity(capacity);
        let mut model: VecDeque<u16> = VecDeque::new();
        for op in ops {
            match op {
                Op::Push(item) => {
                    let expected = if model.len() < capacity {
                        model.push_back(item);
                        Ok(())
                    } else {
                        Err(item)
                    };
                    prop_assert_eq!(ring.push(item), expected);
                }
                Op::Pop => prop_assert_eq!(ring.pop(), model.pop_front()),
                Op::Peek => prop_assert_eq!(ring.peek(), model.front()),
            }
            prop_assert_eq!(ring.len(), model.len());
            prop_assert_eq!(ring.is_empty(), model.is_empty());
            prop_assert_eq!(ring.is_full(), model.len() == capacity);
            prop_assert_eq!(
                ring.iter().copied().collect::<Vec<_>>(),
                model.iter().copied().collect::<Vec<_>>()
            );
        }
    }
}
