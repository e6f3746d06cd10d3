//! Exercise 6: publish–subscribe with topics and slow subscribers.

use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use queues::pubsub::{Broker, Delivery, PatternError, Subscription};
use testkit::asleep::watch;
use testkit::{DEFAULT_LIMIT, within};

use crate::{QUICK, WOKEN};

/// Everything waiting in `sub`, oldest first, without blocking.
fn drain<M>(sub: &Subscription<M>) -> Vec<M> {
    std::iter::from_fn(|| sub.try_recv().map(|d| d.message)).collect()
}

// Catches: pubsub-one-subscriber (a "pub-sub" that hands each message to
// one subscriber only: that is fan-out, a work queue).
#[test]
fn every_subscriber_gets_its_own_copy() {
    within(QUICK, "subscribe, publish, try_recv", || {
        let broker = Broker::new(16);
        let subs: Vec<_> = (0..3)
            .map(|_| broker.subscribe("deploy").unwrap())
            .collect();
        assert_eq!(broker.publish("deploy", "v1.2".to_string()), 3);
        for sub in &subs {
            assert_eq!(
                sub.try_recv(),
                Some(Delivery {
                    topic: "deploy".to_string(),
                    message: "v1.2".to_string()
                })
            );
            assert_eq!(sub.try_recv(), None);
        }
    });
}

// Catches: pubsub-lifo (messages popped from the back: a subscriber must
// see them in publish order).
#[test]
fn each_subscriber_sees_messages_in_publish_order() {
    within(QUICK, "publish and drain", || {
        let broker = Broker::new(100);
        let a = broker.subscribe("metrics.*").unwrap();
        let b = broker.subscribe("*").unwrap();
        for seq in 0..50 {
            broker.publish("metrics.cpu", seq);
        }
        assert_eq!(drain(&a), (0..50).collect::<Vec<_>>());
        assert_eq!(drain(&b), (0..50).collect::<Vec<_>>());
    });
}

// Catches: pubsub-prefix-without-dot (`deploy.*` as "starts with
// `deploy`": `deployment.x` too), pubsub-prefix-matches-bare-topic
// (`deploy.*` matches `deploy` itself), pubsub-star-is-one-segment
// (`deploy.*` misses `deploy.web.canary`), pubsub-counts-every-subscriber
// (`publish` returns how many subscribers there are, not how many
// matched).
#[test]
fn patterns_match_exact_topics_prefixes_and_everything() {
    within(QUICK, "subscribe, publish and drain", || {
        let broker = Broker::new(16);
        let exact = broker.subscribe("deploy.web").unwrap();
        let prefix = broker.subscribe("deploy.*").unwrap();
        let all = broker.subscribe("*").unwrap();
        let mut delivered = Vec::new();
        for topic in [
            "deploy.web",
            "deploy.db",
            "deploy.web.canary",
            "deploy",
            "deployment.x",
            "alerts",
        ] {
            delivered.push((topic, broker.publish(topic, topic)));
        }
        assert_eq!(drain(&exact), ["deploy.web"]);
        assert_eq!(
            drain(&prefix),
            ["deploy.web", "deploy.db", "deploy.web.canary"],
            "`deploy.*` matches every topic under `deploy.`, and neither `deploy` nor `deployment.x`"
        );
        assert_eq!(drain(&all).len(), 6);
        assert_eq!(
            delivered,
            [
                ("deploy.web", 3),
                ("deploy.db", 2),
                ("deploy.web.canary", 2),
                ("deploy", 1),
                ("deployment.x", 1),
                ("alerts", 1)
            ],
            "publish returns how many subscribers matched the topic"
        );
    });
}

// Catches: pubsub-accepts-empty-segments (only the place of `*` checked).
#[test]
fn malformed_patterns_are_refused() {
    within(QUICK, "subscribe", malformed_patterns_are_refused_by);
}

fn malformed_patterns_are_refused_by() {
    let broker: Broker<u8> = Broker::new(1);
    for pattern in [
        "",
        "deploy.",
        ".web",
        "deploy..web",
        "dep*",
        "*.web",
        "a.*.b",
        "**",
    ] {
        assert_eq!(
            broker.subscribe(pattern).err(),
            Some(PatternError {
                pattern: pattern.to_string()
            }),
            "{pattern:?}"
        );
    }
}

// Catches: pubsub-publisher-blocks (a publisher that waits for room in a
// full inbox: one slow subscriber stalls everybody), pubsub-drop-newest
// (a full inbox refuses the new message), pubsub-drop-uncounted (drops
// without counting).
#[test]
fn a_slow_subscriber_keeps_the_newest_and_counts_what_it_lost() {
    let broker = Arc::new(Broker::new(4));
    let slow = broker.subscribe("logs").unwrap();
    let fast = broker.subscribe("logs").unwrap();
    // A reader that keeps up as well as it can, in parallel: every message
    // must reach it or be counted as lost, in order.
    let reader = thread::spawn(move || {
        let mut got = Vec::new();
        while (got.len() as u64) + fast.lost() < 10 {
            match fast.recv_timeout(QUICK) {
                Some(delivery) => got.push(delivery.message),
                None => break,
            }
        }
        (got, fast.lost())
    });
    let publisher = Arc::clone(&broker);
    within(QUICK, "publishing past a full inbox", move || {
        for seq in 0..10 {
            publisher.publish("logs", seq);
        }
    });
    let (kept, lost) = within(QUICK, "drain and lost", move || (drain(&slow), slow.lost()));
    assert_eq!(kept, [6, 7, 8, 9]);
    assert_eq!(lost, 6);
    let (got, lost) = within(QUICK * 2, "the fast reader", move || reader.join())
        .expect("the reader does not panic");
    assert_eq!(
        got.len() as u64 + lost,
        10,
        "a message neither arrived nor was counted"
    );
    assert!(got.windows(2).all(|w| w[0] < w[1]), "out of order: {got:?}");
}

// Catches: pubsub-buffer-zero (a buffer of 0 taken at its word: every
// message counted lost, or none kept).
#[test]
fn a_buffer_of_zero_keeps_one_message() {
    let (kept, lost) = within(QUICK, "publish and drain", || {
        let broker = Broker::new(0);
        let sub = broker.subscribe("cpu").unwrap();
        for load in [97, 98, 99] {
            assert_eq!(broker.publish("cpu", load), 1);
        }
        (drain(&sub), sub.lost())
    });
    assert_eq!(kept, [99], "a buffer of 0 counts as 1");
    assert_eq!(lost, 2);
}

// Catches: pubsub-strong-references (the broker keeps each inbox alive:
// a dropped subscription is still delivered to, and memory grows
// forever), pubsub-subscribers-counts-dropped (`subscribers()` counts the
// list, dropped ones too), pubsub-removal-skips-next (forgetting a dropped
// subscription while walking the list by index skips the one after it).
#[test]
fn a_dropped_subscription_stops_receiving_and_the_others_go_on() {
    within(QUICK, "subscribe, publish, drop", || {
        let broker = Broker::new(8);
        let gone_first = broker.subscribe("alerts").unwrap();
        let keep = broker.subscribe("alerts").unwrap();
        let gone = broker.subscribe("alerts").unwrap();
        assert_eq!(broker.subscribers(), 3);
        assert_eq!(broker.publish("alerts", 1), 3);
        drop(gone_first);
        drop(gone);
        assert_eq!(broker.subscribers(), 1);
        assert_eq!(broker.publish("alerts", 2), 1);
        assert_eq!(broker.publish("alerts", 3), 1);
        assert_eq!(drain(&keep), [1, 2, 3]);
    });
}

// Catches: pubsub-recv-timeout-sleeps (sleeps its whole timeout, then
// looks), pubsub-publish-does-not-notify (the message arrives and the
// sleeping subscriber is never told). The subscriber has a minute; it is
// seen asleep, then a message is published, and it must take it at once.
#[test]
fn recv_timeout_takes_a_message_published_while_it_waits() {
    let broker = Arc::new(Broker::new(4));
    let sub = within(QUICK, "subscribe", {
        let broker = Arc::clone(&broker);
        move || broker.subscribe("jobs.*").unwrap()
    });
    let waiter = watch("recv_timeout(60 s)", move || {
        sub.recv_timeout(Duration::from_secs(60))
    });
    waiter.wait_asleep(QUICK);
    let delivered = within(QUICK, "publish", move || {
        broker.publish("jobs.backup", "nightly")
    });
    assert_eq!(delivered, 1);
    assert_eq!(
        waiter.join_within(WOKEN),
        Some(Delivery {
            topic: "jobs.backup".to_string(),
            message: "nightly"
        })
    );
}

// Catches: pubsub-recv-timeout-does-not-wait (gives up at once, like
// `try_recv`).
#[test]
fn recv_timeout_on_a_quiet_topic_waits_then_gives_none() {
    let (got, waited) = within(QUICK, "recv_timeout(100 ms)", || {
        let broker: Broker<u8> = Broker::new(4);
        let idle = broker.subscribe("idle").unwrap();
        broker.publish("busy", 1);
        let start = Instant::now();
        (
            idle.recv_timeout(Duration::from_millis(100)),
            start.elapsed(),
        )
    });
    assert_eq!(got, None);
    assert!(
        waited >= Duration::from_millis(100),
        "recv_timeout(100 ms) gave up after {waited:?}, before its timeout"
    );
}

/// A message whose `clone` can be made to stop in the middle of a publish:
/// the `pause_at`th clone (counted over every message of the same gate)
/// tells the test and waits until the test opens the gate.
#[derive(Debug)]
struct Gated {
    id: u32,
    gate: Arc<Gate>,
}

#[derive(Debug, Default)]
struct Gate {
    state: Mutex<GateState>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct GateState {
    /// How many clones of `gated_id` were made.
    clones: usize,
    /// The message whose clones are counted, and the clone that waits.
    gated_id: u32,
    pause_at: usize,
    paused: bool,
    open: bool,
}

impl Clone for Gated {
    fn clone(&self) -> Gated {
        let mut state = self.gate.state.lock().unwrap();
        if self.id == state.gated_id {
            state.clones += 1;
            if state.clones == state.pause_at {
                state.paused = true;
                self.gate.changed.notify_all();
                let deadline = Instant::now() + DEFAULT_LIMIT;
                while !state.open && Instant::now() < deadline {
                    state = self
                        .gate
                        .changed
                        .wait_timeout(state, DEFAULT_LIMIT)
                        .unwrap()
                        .0;
                }
            }
        }
        Gated {
            id: self.id,
            gate: Arc::clone(&self.gate),
        }
    }
}

// Catches: pubsub-delivers-after-unlock (a publisher that picks the
// matching inboxes under the broker's lock, then delivers after letting it
// go: two publishers at once then reach the subscribers in different
// orders). Message 1 (`deploy.web`, for all three subscribers) is stopped
// in the middle of its publish, at its second copy, the one for the middle
// subscriber; message 2 (`deploy.db`, for the first and the last) is
// published meanwhile, and seen to wait or finish; then message 1 goes on.
// The first and the last subscriber must have seen the two in the same
// order.
#[test]
fn concurrent_publishers_reach_every_subscriber_in_the_same_order() {
    let gate = Arc::new(Gate::default());
    {
        let mut state = gate.state.lock().unwrap();
        state.gated_id = 1;
        state.pause_at = 2;
    }
    let broker = Arc::new(Broker::new(8));
    let subs: Vec<Subscription<Gated>> = within(QUICK, "subscribe", {
        let broker = Arc::clone(&broker);
        move || {
            ["deploy.*", "deploy.web", "deploy.*"]
                .into_iter()
                .map(|pattern| broker.subscribe(pattern).unwrap())
                .collect()
        }
    });
    let first = {
        let broker = Arc::clone(&broker);
        let message = Gated {
            id: 1,
            gate: Arc::clone(&gate),
        };
        watch("publish message 1", move || {
            broker.publish("deploy.web", message)
        })
    };
    {
        // Until message 1's publish stops at its second copy.
        let mut state = gate.state.lock().unwrap();
        let deadline = Instant::now() + DEFAULT_LIMIT;
        while !state.paused {
            assert!(
                Instant::now() < deadline,
                "publishing to 3 subscribers made fewer than 2 copies"
            );
            state = gate.changed.wait_timeout(state, QUICK).unwrap().0;
        }
    }
    let second = {
        let broker = Arc::clone(&broker);
        let message = Gated {
            id: 2,
            gate: Arc::clone(&gate),
        };
        watch("publish message 2", move || {
            broker.publish("deploy.db", message)
        })
    };
    // Waiting for the broker (the reference), or done (a publisher that
    // does not keep the order).
    second.asleep_or_finished(QUICK);
    {
        let mut state = gate.state.lock().unwrap();
        state.open = true;
        gate.changed.notify_all();
    }
    assert_eq!(first.join_within(WOKEN), 3);
    assert_eq!(second.join_within(WOKEN), 2);
    let seen: Vec<Vec<u32>> = within(QUICK, "try_recv", move || {
        subs.iter()
            .map(|sub| std::iter::from_fn(|| sub.try_recv().map(|d| d.message.id)).collect())
            .collect()
    });
    assert_eq!(seen[1], [1], "`deploy.web` only");
    assert!(
        seen[0].len() == 2 && seen[0] == seen[2],
        "two subscribers of `deploy.*` saw the two messages in different orders: {:?} and {:?}",
        seen[0],
        seen[2]
    );
}
