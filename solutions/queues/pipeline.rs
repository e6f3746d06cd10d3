//! Exercise 5: stages joined by bounded channels, and a dead-letter list.
//!
//! Reference solution. Stage `i` reads from channel `i` and writes to
//! channel `i + 1`; its workers share the receiving end. Each worker holds
//! a clone of the next channel's sender and drops it when it ends, so a
//! stage's output closes exactly when its last worker is done, which is
//! after its input closed and was drained. Closing the input therefore
//! ripples through the stages in order, and nothing in flight is lost.

use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread;

/// What a stage does to an item: the item for the next stage, or why not.
pub type Work<T> = Box<dyn Fn(T) -> Result<T, String> + Send + Sync>;

/// An item a stage refused, kept with the stage's name and its error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter<T> {
    pub stage: String,
    pub item: T,
    pub error: String,
}

/// What came out of a run: the items that went through every stage (in
/// the order they came out), and the dead letters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report<T> {
    pub done: Vec<T>,
    pub dead_letters: Vec<DeadLetter<T>>,
}

struct Stage<T> {
    name: String,
    workers: usize,
    work: Work<T>,
}

/// A chain of stages, built with [`Pipeline::stage`], run with
/// [`Pipeline::run`].
pub struct Pipeline<T> {
    capacity: usize,
    stages: Vec<Stage<T>>,
}

impl<T> std::fmt::Debug for Pipeline<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let stages: Vec<(&str, usize)> = self
            .stages
            .iter()
            .map(|s| (s.name.as_str(), s.workers))
            .collect();
        f.debug_struct("Pipeline")
            .field("capacity", &self.capacity)
            .field("stages", &stages)
            .finish()
    }
}

// ANCHOR: pipeline
impl<T: Clone + Send + 'static> Pipeline<T> {
    /// A pipeline with no stages whose channels hold at most `capacity`
    /// items each (0 counts as 1).
    pub fn new(capacity: usize) -> Pipeline<T> {
        Pipeline {
            capacity: capacity.max(1),
            stages: Vec::new(),
        }
    }

    /// Adds a stage at the end, run by `workers` threads (0 counts as 1).
    pub fn stage(
        mut self,
        name: &str,
        workers: usize,
        work: impl Fn(T) -> Result<T, String> + Send + Sync + 'static,
    ) -> Pipeline<T> {
        self.stages.push(Stage {
            name: name.to_string(),
            workers: workers.max(1),
            work: Box::new(work),
        });
        self
    }

    /// Feeds `input` to the first stage, closes it, and returns once every
    /// stage has drained.
    pub fn run(self, input: Vec<T>) -> Report<T> {
        let (input_tx, mut rx) = mpsc::sync_channel::<T>(self.capacity);
        let (dead_tx, dead_rx) = mpsc::channel::<DeadLetter<T>>();
        thread::scope(|scope| {
            for stage in &self.stages {
                let (tx, next_rx) = mpsc::sync_channel::<T>(self.capacity);
                let shared: Arc<Mutex<Receiver<T>>> = Arc::new(Mutex::new(rx));
                for _ in 0..stage.workers {
                    let shared = Arc::clone(&shared);
                    let tx: SyncSender<T> = tx.clone();
                    let dead_tx = dead_tx.clone();
                    scope.spawn(move || {
                        loop {
                            let next = shared.lock().expect("no worker panics").recv();
                            // Input closed and drained: this worker is done,
                            // and its `tx` clone goes with it.
                            let Ok(item) = next else { break };
                            // The original goes to the dead letters if the
                            // work fails.
                            match (stage.work)(item.clone()) {
                                Ok(out) => {
                                    if tx.send(out).is_err() {
                                        break;
                                    }
                                }
                                Err(error) => {
                                    let _ = dead_tx.send(DeadLetter {
                                        stage: stage.name.clone(),
                                        item,
                                        error,
                                    });
                                }
                            }
                        }
                    });
                }
                // Only the workers hold this stage's output sender now.
                drop(tx);
                rx = next_rx;
            }
            drop(dead_tx);
            scope.spawn(move || {
                for item in input {
                    if input_tx.send(item).is_err() {
                        break;
                    }
                }
            });
            // The last channel closes when the last stage has drained.
            let done: Vec<T> = rx.iter().collect();
            let dead_letters: Vec<DeadLetter<T>> = dead_rx.iter().collect();
            Report { done, dead_letters }
        })
    }
}
// ANCHOR_END: pipeline
