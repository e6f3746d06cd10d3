//! Exercise 6: publish–subscribe with topics and slow subscribers.

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use queues::pubsub::{Broker, Delivery, PatternError, Subscription};
use testkit::{DEFAULT_LIMIT, within};

/// Everything waiting in `sub`, oldest first, without blocking.
fn drain<M>(sub: &Subscription<M>) -> Vec<M> {
    std::iter::from_fn(|| sub.try_recv().map(|d| d.message)).collect()
}

// Wrong solution caught: a "pub-sub" that hands each message to one
// subscriber only: that is fan-out, a work queue.
#[test]
fn every_subscriber_gets_its_own_copy() {
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
}

// Wrong solution caught: messages stored in a `Vec` and popped from the
// back: a subscriber must see them in publish order.
#[test]
fn each_subscriber_sees_messages_in_publish_order() {
    let broker = Broker::new(100);
    let a = broker.subscribe("metrics.*").unwrap();
    let b = broker.subscribe("*").unwrap();
    for seq in 0..50 {
        broker.publish("metrics.cpu", seq);
    }
    assert_eq!(drain(&a), (0..50).collect::<Vec<_>>());
    assert_eq!(drain(&b), (0..50).collect::<Vec<_>>());
}

#[test]
fn patterns_match_exact_topics_prefixes_and_everything() {
    let broker = Broker::new(16);
    let exact = broker.subscribe("deploy.web").unwrap();
    let prefix = broker.subscribe("deploy.*").unwrap();
    let all = broker.subscribe("*").unwrap();
    for topic in [
        "deploy.web",
        "deploy.db",
        "deploy.web.canary",
        "deploy",
        "deployment.x",
        "alerts",
    ] {
        broker.publish(topic, topic);
    }
    assert_eq!(drain(&exact), ["deploy.web"]);
    assert_eq!(
        drain(&prefix),
        ["deploy.web", "deploy.db", "deploy.web.canary"],
        "`deploy.*` matches every topic under `deploy.`, and neither `deploy` nor `deployment.x`"
    );
    assert_eq!(drain(&all).len(), 6);
}

#[test]
fn malformed_patterns_are_refused() {
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

// Wrong solutions caught: a publisher that blocks on a full subscriber
// (one slow consumer stalls everybody), and a buffer that drops the newest
// messages, or drops without counting.
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
            match fast.recv_timeout(DEFAULT_LIMIT) {
                Some(delivery) => got.push(delivery.message),
                None => break,
            }
        }
        (got, fast.lost())
    });
    let publisher = Arc::clone(&broker);
    within(DEFAULT_LIMIT, "publishing past a full inbox", move || {
        for seq in 0..10 {
            publisher.publish("logs", seq);
        }
    });
    assert_eq!(drain(&slow), [6, 7, 8, 9]);
    assert_eq!(slow.lost(), 6);
    let (got, lost) = within(DEFAULT_LIMIT, "the fast reader", move || reader.join())
        .expect("the reader does not panic");
    assert_eq!(
        got.len() as u64 + lost,
        10,
        "a message neither arrived nor was counted"
    );
    assert!(got.windows(2).all(|w| w[0] < w[1]), "out of order: {got:?}");
}

// Wrong solution caught: a dropped subscription that is still delivered to
// (memory grows forever), or whose removal disturbs the others.
#[test]
fn a_dropped_subscription_stops_receiving_and_the_others_go_on() {
    let broker = Broker::new(8);
    let keep = broker.subscribe("alerts").unwrap();
    let gone = broker.subscribe("alerts").unwrap();
    assert_eq!(broker.subscribers(), 2);
    assert_eq!(broker.publish("alerts", 1), 2);
    drop(gone);
    assert_eq!(broker.subscribers(), 1);
    assert_eq!(broker.publish("alerts", 2), 1);
    assert_eq!(drain(&keep), [1, 2]);
}

#[test]
fn recv_timeout_waits_for_a_message_published_later() {
    let broker = Arc::new(Broker::new(4));
    let sub = broker.subscribe("jobs.*").unwrap();
    let waiter = thread::spawn(move || sub.recv_timeout(DEFAULT_LIMIT));
    broker.publish("jobs.backup", "nightly");
    let got = within(DEFAULT_LIMIT * 2, "recv_timeout", move || waiter.join())
        .expect("the subscriber does not panic");
    assert_eq!(
        got,
        Some(Delivery {
            topic: "jobs.backup".to_string(),
            message: "nightly"
        })
    );
    let idle = broker.subscribe("idle").unwrap();
    assert_eq!(idle.recv_timeout(Duration::from_millis(20)), None);
}
