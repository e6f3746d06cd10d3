//! Exercise 6: publish–subscribe with topics, and a policy for slow
//! subscribers.
//!
//! A queue hands each message to *one* consumer (fan-out). Pub-sub hands
//! each message to *every* subscriber whose pattern matches its topic:
//! the deploy notifier, the audit log and the chat bot all see
//! `deploy.web`. Patterns:
//!
//! - `deploy.web`: that topic only;
//! - `deploy.*`: every topic under `deploy.` (`deploy.web`,
//!   `deploy.web.canary`), but neither `deploy` nor `deployment.x`;
//! - `*`: every topic.
//!
//! Anything else is refused with a [`PatternError`]: an empty segment
//! (`""`, `deploy.`, `a..b`), or a `*` anywhere but as the whole last
//! segment (`dep*`, `*.web`, `a.*.b`).
//!
//! How it fits together (the private types below are a suggestion):
//!
//! - Each [`Subscription`] owns an `Arc<Inbox<M>>`: its pattern, a
//!   `Mutex<InboxState>` with a `VecDeque` of deliveries and a `lost`
//!   counter, and a `Condvar` for `recv_timeout`.
//! - The [`Broker`] keeps a `Weak<Inbox<M>>` per subscription
//!   (`Arc::downgrade`). Dropping the subscription frees the inbox; the
//!   broker notices (`Weak::upgrade` gives `None`, `strong_count()` is 0)
//!   and forgets it (`Vec::retain`) at the next publish. Nobody needs an
//!   `unsubscribe` call, and nothing grows forever.
//! - `publish` holds the broker's lock while it delivers, so every
//!   subscriber sees messages in one order: the publish order. It clones
//!   the message for each match.
//! - **Slow subscribers.** An inbox holds at most `buffer` messages. When
//!   it is full, `publish` drops the *oldest* message and adds 1 to
//!   `lost`: the publisher never waits for a subscriber, and the
//!   subscriber keeps the newest news. (Other policies exist: block the
//!   publisher, drop the newest, disconnect the laggard. Whichever you
//!   pick, count and say what is lost.)
//!
//! Run the tests with `cargo kata check queues/pubsub`.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::Duration;

/// A message as a subscriber receives it, with the topic it was published on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery<M> {
    pub topic: String,
    pub message: M,
}

/// A pattern that `subscribe` does not accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub pattern: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid pattern {:?}: use a topic (`deploy.web`), `prefix.*` or `*`",
            self.pattern
        )
    }
}

impl std::error::Error for PatternError {}

/// One subscriber's bounded buffer.
#[derive(Debug)]
struct Inbox<M> {
    /// The pattern as given; parse it into something quicker to match if
    /// you like.
    pattern: String,
    state: Mutex<InboxState<M>>,
    arrived: Condvar,
}

struct InboxState<M> {
    messages: VecDeque<Delivery<M>>,
    lost: u64,
}

/// Counts instead of the messages themselves, so `M` needs no `Debug`.
impl<M> fmt::Debug for InboxState<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InboxState")
            .field("messages", &self.messages.len())
            .field("lost", &self.lost)
            .finish()
    }
}

/// Routes published messages to every subscriber whose pattern matches.
#[derive(Debug)]
pub struct Broker<M> {
    /// How many messages each subscriber's inbox holds.
    buffer: usize,
    inboxes: Mutex<Vec<Weak<Inbox<M>>>>,
}

/// A subscriber's end: receives its own copy of each matching message.
/// Dropping it unsubscribes.
#[derive(Debug)]
pub struct Subscription<M> {
    inbox: Arc<Inbox<M>>,
}

impl<M: Clone> Broker<M> {
    /// A broker whose subscribers each buffer at most `buffer` messages
    /// (0 counts as 1).
    pub fn new(buffer: usize) -> Broker<M> {
        todo!("a broker with no subscribers, each inbox holding {buffer} messages")
    }

    /// Subscribes to `pattern`: a topic (`deploy.web`), every topic under a
    /// prefix (`deploy.*`), or every topic (`*`).
    pub fn subscribe(&self, pattern: &str) -> Result<Subscription<M>, PatternError> {
        todo!(
            "check the pattern {pattern:?}, create an inbox of {} messages and keep a Weak to it in {}",
            self.buffer,
            std::any::type_name_of_val(&self.inboxes)
        )
    }

    /// Gives every subscriber whose pattern matches `topic` its own copy of
    /// `message`, and returns how many got one. Never waits for a
    /// subscriber: a full inbox drops its oldest message instead.
    /// Keep the signature: clone `message`, do not add the `M: Copy` rustc suggests.
    pub fn publish(&self, topic: &str, message: M) -> usize {
        todo!(
            "deliver a copy of the message ({}) to every subscriber matching {topic:?}",
            std::any::type_name_of_val(&message)
        )
    }

    /// How many subscriptions are alive.
    pub fn subscribers(&self) -> usize {
        todo!("count the subscriptions not yet dropped")
    }
}

impl<M> Subscription<M> {
    /// The oldest message waiting, if any.
    pub fn try_recv(&self) -> Option<Delivery<M>> {
        todo!(
            "take the oldest message waiting in the inbox of {:?}, if any",
            self.inbox.pattern
        )
    }

    /// The oldest message, waiting at most `timeout` for one.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Delivery<M>> {
        todo!(
            "take the oldest message, waiting on {:?} at most {timeout:?}",
            self.inbox.arrived
        )
    }

    /// How many messages this subscriber lost because its inbox was full.
    pub fn lost(&self) -> u64 {
        todo!(
            "how many messages were lost, as counted in the {}",
            std::any::type_name_of_val(&self.inbox.state)
        )
    }
}
