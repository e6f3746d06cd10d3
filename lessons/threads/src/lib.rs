//! # Lesson `threads`: threads and semaphores
//!
//! Many things at once inside one process: threads are cooks in one kitchen,
//! sharing the recipe (the process's memory) and the stove (its CPUs). Rust
//! checks at compile time that no two cooks write the same pot at once (no
//! data races), but not that they agree on who does what: that part, the
//! race conditions, is what these exercises are about.
//!
//! Work through the exercises in order; each module is one exercise and
//! `cargo kata check threads/<exercise>` runs its tests. Later exercises use
//! earlier ones once you have written them: `panic_message` (exercise 1)
//! everywhere a panic becomes an error, the `Semaphore` (exercise 3) in
//! `bounded`, and the `ThreadPool` (exercise 5) in `pipeline`. The book
//! chapter (`cargo kata book --open`) explains the ideas behind each one.

#[cfg_attr(
    feature = "solution",
    path = "../../../solutions/threads/spawn_join.rs"
)]
pub mod spawn_join;

#[cfg_attr(feature = "solution", path = "../../../solutions/threads/race.rs")]
pub mod race;

#[cfg_attr(feature = "solution", path = "../../../solutions/threads/semaphore.rs")]
pub mod semaphore;

#[cfg_attr(feature = "solution", path = "../../../solutions/threads/bounded.rs")]
pub mod bounded;

#[cfg_attr(feature = "solution", path = "../../../solutions/threads/pool.rs")]
pub mod pool;

#[cfg_attr(feature = "solution", path = "../../../solutions/threads/pipeline.rs")]
pub mod pipeline;
