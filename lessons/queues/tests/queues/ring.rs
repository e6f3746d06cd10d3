//! Exercise 1: a fixed-capacity FIFO, by hand, checked against `VecDeque`.

use std::collections::VecDeque;

use proptest::prelude::*;
use queues::ring::RingBuffer;

// Catches: ring-lifo (`Vec::push` + `Vec::pop`: the newest comes out first).
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

// Catches: ring-overwrites-oldest (a full ring makes room by dropping its
// oldest item), ring-drops-refused-item (says `Ok` and throws the item
// away), ring-full-one-early (refuses the item that would fill it).
#[test]
fn a_full_ring_gives_the_item_back_and_keeps_what_it_has() {
    let mut ring = RingBuffer::with_capacity(2);
    assert!(!ring.is_full());
    ring.push("job-1".to_string()).unwrap();
    assert!(!ring.is_full(), "one item in a ring of two is not full");
    ring.push("job-2".to_string()).unwrap();
    assert!(ring.is_full());
    assert_eq!(ring.push("job-3".to_string()), Err("job-3".to_string()));
    assert_eq!(ring.len(), 2);
    assert_eq!(ring.pop().as_deref(), Some("job-1"));
    assert_eq!(ring.pop().as_deref(), Some("job-2"));
}

// Catches: ring-no-wrap (the back is `head + len` without `% capacity`:
// the ring works for one lap, then refuses every push or panics).
// Bounded loops, so that a ring that never refuses fails quickly.
#[test]
fn it_keeps_working_after_wrapping_around() {
    let mut ring = RingBuffer::with_capacity(3);
    let mut next_in = 0;
    let mut next_out = 0;
    for lap in 0..10 {
        // Fill it up: 3 items the first time, then the 2 places the pops freed.
        let room = if lap == 0 { 3 } else { 2 };
        for _ in 0..room {
            assert_eq!(ring.push(next_in), Ok(()), "lap {lap}: push {next_in}");
            next_in += 1;
        }
        assert_eq!(ring.push(-1), Err(-1), "lap {lap}: the ring is full");
        for _ in 0..2 {
            assert_eq!(ring.pop(), Some(next_out), "lap {lap}");
            next_out += 1;
        }
    }
    assert_eq!(ring.len(), 1);
    assert_eq!(ring.capacity(), 3);
}

// Catches: ring-iter-ignores-head (iterates the slots from slot 0),
// ring-peek-back (peeks at the newest item instead of the front).
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

// Catches: ring-peek-without-check (`peek` reads `slots[head]` without
// asking whether the ring is empty: right for every capacity but 0, where
// there is no slot to read).
#[test]
fn a_ring_of_capacity_zero_refuses_everything() {
    let mut ring = RingBuffer::with_capacity(0);
    assert!(ring.is_empty());
    assert!(ring.is_full());
    assert_eq!(ring.push(1), Err(1));
    assert_eq!(ring.pop(), None);
    assert_eq!(ring.peek(), None);
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
        3 => (0u16..100).prop_map(Op::Push),
        2 => Just(Op::Pop),
        1 => Just(Op::Peek),
    ]
}

/// Runs `ops` on a ring of `capacity` and on the model, a `VecDeque` that
/// refuses pushes beyond the capacity. After every step they must agree on
/// the answer, the length, fullness and every item from front to back.
fn agrees_with_the_model(capacity: usize, ops: &[Op]) -> Result<(), TestCaseError> {
    let mut ring = RingBuffer::with_capacity(capacity);
    let mut model: VecDeque<u16> = VecDeque::new();
    for (step, op) in ops.iter().enumerate() {
        let at = format!("step {step} ({op:?}) on a ring of capacity {capacity}");
        match *op {
            Op::Push(item) => {
                let expected = if model.len() < capacity {
                    model.push_back(item);
                    Ok(())
                } else {
                    Err(item)
                };
                prop_assert_eq!(ring.push(item), expected, "{}", at);
            }
            Op::Pop => prop_assert_eq!(ring.pop(), model.pop_front(), "{}", at),
            Op::Peek => prop_assert_eq!(ring.peek(), model.front(), "{}", at),
        }
        prop_assert_eq!(ring.len(), model.len(), "{}: len", at);
        prop_assert_eq!(ring.is_empty(), model.is_empty(), "{}: is_empty", at);
        prop_assert_eq!(ring.is_full(), model.len() == capacity, "{}: is_full", at);
        prop_assert_eq!(
            ring.iter().copied().collect::<Vec<_>>(),
            model.iter().copied().collect::<Vec<_>>(),
            "{}: the items from front to back",
            at
        );
    }
    Ok(())
}

// Catches: ring-lifo, ring-overwrites-oldest, ring-no-wrap,
// ring-peek-without-check, ring-full-one-early, ring-iter-ignores-head,
// with a readable input at once: the cases a random
// search found before (the old regression file's seed among them), run
// first and always, before the random ones.
#[test]
fn known_sequences_behave_like_a_vecdeque() {
    use Op::{Peek, Pop, Push};
    let cases: [(usize, Vec<Op>); 5] = [
        (0, vec![]),
        (0, vec![Push(1), Peek, Pop]),
        (1, vec![Push(1), Push(2), Peek, Pop, Push(3), Pop, Pop]),
        (
            2,
            vec![Push(1), Push(2), Push(3), Pop, Push(4), Pop, Pop, Peek],
        ),
        (
            3,
            vec![
                Push(1),
                Push(2),
                Push(3),
                Pop,
                Pop,
                Push(4),
                Push(5),
                Push(6),
                Pop,
                Pop,
                Push(7),
                Pop,
                Pop,
                Peek,
                Pop,
            ],
        ),
    ];
    for (capacity, ops) in cases {
        if let Err(failure) = agrees_with_the_model(capacity, &ops) {
            panic!("{failure}");
        }
    }
}

proptest! {
    // No regression file (`failure_persistence: None`): a learner's failing
    // run must not write into tests/ (the seal would then see the tests as
    // changed); the inputs worth keeping are in the test above instead.
    // Short sequences and a bounded shrink: a wrong ring is reported, with
    // a small input, within seconds, never after minutes of shrinking.
    #![proptest_config(ProptestConfig {
        cases: 256,
        max_shrink_iters: 1024,
        max_shrink_time: 5_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    // Anything a `VecDeque` of the same capacity would not do, found at
    // random and shrunk to a short input. No catch is claimed here: a
    // random search finds a mistake nearly always, not always; the tests
    // above, known_sequences_behave_like_a_vecdeque among them, catch the
    // gallery's ring mistakes every time.
    #[test]
    fn behaves_like_a_vecdeque_of_the_same_capacity(
        capacity in 0usize..6,
        ops in prop::collection::vec(op(), 0..40),
    ) {
        agrees_with_the_model(capacity, &ops)?;
    }
}
