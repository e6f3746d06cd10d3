//! Exercise 6: publish–subscribe with topics, and a policy for slow
//! subscribers.
//!
//! Reference solution. The broker keeps a `Weak` reference to each
//! subscriber's inbox: the `Subscription` owns the inbox, so dropping it
//! frees the inbox, and the next `publish` forgets it. Each inbox is a
//! small bounded queue of its own (`Mutex<VecDeque>` + `Condvar`); a full
//! inbox drops its oldest message and counts it, so one slow subscriber
//! never blocks the publisher or the others.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

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

/// What a pattern matches.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pattern {
    /// `*`
    Everything,
    /// `deploy.*`, stored as `deploy.`
    Prefix(String),
    /// `deploy.web`
    Exact(String),
}

impl Pattern {
    fn parse(pattern: &str) -> Result<Pattern, PatternError> {
        let error = || PatternError {
            pattern: pattern.to_string(),
        };
        if pattern == "*" {
            return Ok(Pattern::Everything);
        }
        let (body, prefix) = match pattern.strip_suffix(".*") {
            Some(body) => (body, true),
            None => (pattern, false),
        };
        // Every segment non-empty, and no `*` anywhere else.
        if body
            .split('.')
            .any(|segment| segment.is_empty() || segment.contains('*'))
        {
            return Err(error());
        }
        Ok(if prefix {
            Pattern::Prefix(format!("{body}."))
        } else {
            Pattern::Exact(body.to_string())
        })
    }

    fn matches(&self, topic: &str) -> bool {
        match self {
            Pattern::Everything => true,
            Pattern::Prefix(prefix) => topic.len() > prefix.len() && topic.starts_with(prefix),
            Pattern::Exact(exact) => topic == exact,
        }
    }
}

/// One subscriber's bounded buffer.
#[derive(Debug)]
struct Inbox<M> {
    pattern: Pattern,
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

impl<M> Inbox<M> {
    fn lock(&self) -> MutexGuard<'_, InboxState<M>> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
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

// ANCHOR: broker
impl<M: Clone> Broker<M> {
    /// A broker whose subscribers each buffer at most `buffer` messages
    /// (0 counts as 1).
    pub fn new(buffer: usize) -> Broker<M> {
        Broker {
            buffer: buffer.max(1),
            inboxes: Mutex::new(Vec::new()),
        }
    }

    /// Subscribes to `pattern`: a topic (`deploy.web`), every topic under a
    /// prefix (`deploy.*`), or every topic (`*`).
    pub fn subscribe(&self, pattern: &str) -> Result<Subscription<M>, PatternError> {
        let inbox = Arc::new(Inbox {
            pattern: Pattern::parse(pattern)?,
            state: Mutex::new(InboxState {
                messages: VecDeque::with_capacity(self.buffer),
                lost: 0,
            }),
            arrived: Condvar::new(),
        });
        self.inboxes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(Arc::downgrade(&inbox));
        Ok(Subscription { inbox })
    }

    /// Gives every subscriber whose pattern matches `topic` its own copy of
    /// `message`, and returns how many got one. Never waits for a
    /// subscriber: a full inbox drops its oldest message instead.
    pub fn publish(&self, topic: &str, message: M) -> usize {
        // Holding the broker's lock for the whole publish keeps every
        // subscriber's messages in the same (publish) order.
        let mut inboxes = self
            .inboxes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Forget the subscriptions that were dropped.
        inboxes.retain(|weak| weak.strong_count() > 0);
        let mut delivered = 0;
        for inbox in inboxes.iter().filter_map(Weak::upgrade) {
            if !inbox.pattern.matches(topic) {
                continue;
            }
            let mut state = inbox.lock();
            if state.messages.len() >= self.buffer {
                state.messages.pop_front();
                state.lost += 1;
            }
            state.messages.push_back(Delivery {
                topic: topic.to_string(),
                message: message.clone(),
            });
            drop(state);
            inbox.arrived.notify_one();
            delivered += 1;
        }
        delivered
    }

    /// How many subscriptions are alive.
    pub fn subscribers(&self) -> usize {
        self.inboxes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .filter(|weak| weak.strong_count() > 0)
            .count()
    }
}

impl<M> Subscription<M> {
    /// The oldest message waiting, if any.
    pub fn try_recv(&self) -> Option<Delivery<M>> {
        self.inbox.lock().messages.pop_front()
    }

    /// The oldest message, waiting at most `timeout` for one.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Delivery<M>> {
        let deadline = Instant::now() + timeout;
        let mut state = self.inbox.lock();
        loop {
            if let Some(delivery) = state.messages.pop_front() {
                return Some(delivery);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            state = self
                .inbox
                .arrived
                .wait_timeout(state, left)
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .0;
        }
    }

    /// How many messages this subscriber lost because its inbox was full.
    pub fn lost(&self) -> u64 {
        self.inbox.lock().lost
    }
}
// ANCHOR_END: broker
