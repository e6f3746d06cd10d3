//! # Lesson `queues`: FIFO, blocking and bounded queues, pipelines and pub-sub
//!
//! The queues that join the parts of an ops system: a FIFO that does not
//! cost O(n) per pop, a work queue with `task_done` and `join` like
//! Python's `queue.Queue`, back pressure from a bounded queue, fan-out and
//! fan-in on std channels, a pipeline of stages with a dead-letter list, and
//! publish–subscribe where every subscriber gets its own copy.
//!
//! Work through the exercises in order; each module is one exercise and
//! `cargo kata check queues/<exercise>` runs its tests. The book chapter
//! (`cargo kata book --open`) explains the ideas behind each one.

#[cfg_attr(feature = "solution", path = "../../../solutions/queues/ring.rs")]
pub mod ring;

#[cfg_attr(feature = "solution", path = "../../../solutions/queues/work_queue.rs")]
pub mod work_queue;

#[cfg_attr(feature = "solution", path = "../../../solutions/queues/bounded.rs")]
pub mod bounded;

#[cfg_attr(feature = "solution", path = "../../../solutions/queues/fan.rs")]
pub mod fan;

#[cfg_attr(feature = "solution", path = "../../../solutions/queues/pipeline.rs")]
pub mod pipeline;

#[cfg_attr(feature = "solution", path = "../../../solutions/queues/pubsub.rs")]
pub mod pubsub;
