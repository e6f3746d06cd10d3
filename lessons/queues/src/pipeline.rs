//! Exercise 5: stages joined by bounded channels, and a dead-letter list.
//!
//! The course's pipeline: one pool inserts a row, another mails about it.
//! Each stage has its own number of workers (mail is slower: give it
//! more), and the stages are joined by bounded channels so that a slow
//! stage holds back the one before it instead of letting work pile up.
//!
//! ```text
//!  input ──▶ [ch 0] ──▶ insert ×3 ──▶ [ch 1] ──▶ mail ×2 ──▶ [ch 2] ──▶ done
//!                          │                      │
//!                          └────── failures ──────┴──▶ dead letters
//! ```
//!
//! How [`Pipeline::run`] can work:
//!
//! - One `mpsc::sync_channel(capacity)` before each stage and one after
//!   the last. Stage `i`'s workers share the receiver of channel `i`
//!   (`Arc<Mutex<Receiver<T>>>`, as in exercise 4) and each holds a
//!   **clone** of the sender of channel `i + 1`.
//! - **Shutdown ripples in order.** Feed the input from a thread of its
//!   own, then drop that sender. A worker whose `recv` fails (input closed
//!   *and* drained) ends, dropping its sender clone; when the last worker
//!   of a stage ends, the next channel closes; and so on. Keep no sender
//!   clone of your own, or a stage never sees its input close. A stage that
//!   stopped at the end of its input without draining it would lose items.
//! - **Dead letters.** When `work` returns `Err(error)`, the item goes to a
//!   channel of [`DeadLetter`]s with the stage's name and the error, and
//!   the worker goes on with the next item. `work` takes the item by value,
//!   so pass it a clone and keep the original for the dead letter
//!   (`T: Clone`).
//! - `std::thread::scope` lets the workers borrow the stages. Collect the
//!   last channel (its items, in the order they come out) and the dead
//!   letters into a [`Report`].
//!
//! A `capacity` or `workers` of 0 counts as 1.
//!
//! Run the tests with `cargo kata check queues/pipeline`.

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

impl<T: Clone + Send + 'static> Pipeline<T> {
    /// A pipeline with no stages whose channels hold at most `capacity`
    /// items each (0 counts as 1).
    pub fn new(capacity: usize) -> Pipeline<T> {
        todo!("a pipeline with no stages and channels of capacity {capacity}")
    }

    /// Adds a stage at the end, run by `workers` threads (0 counts as 1).
    pub fn stage(
        self,
        name: &str,
        workers: usize,
        work: impl Fn(T) -> Result<T, String> + Send + Sync + 'static,
    ) -> Pipeline<T> {
        todo!(
            "add the stage {name:?} with {workers} workers running {} after {self:?}",
            std::any::type_name_of_val(&work)
        )
    }

    /// Feeds `input` to the first stage, closes it, and returns once every
    /// stage has drained.
    pub fn run(self, input: Vec<T>) -> Report<T> {
        let work: Option<&Work<T>> = self.stages.first().map(|s| &s.work);
        todo!(
            "feed {} items through {self:?} (first stage's work given: {}), collecting the output and the dead letters",
            input.len(),
            work.is_some()
        )
    }
}
