//! # Lesson `processes`: processes, pipes and exit codes
//!
//! Running other programs the way an ops tool must: arguments that no shell
//! gets to reinterpret, an exit status that is never ignored, a command line
//! tool with an exit-code contract, pipelines that cannot deadlock, output
//! streamed line by line, time limits that leave nothing behind, and many
//! commands at once. Unix (Linux, macOS) only: signals and process groups
//! are Unix ideas.
//!
//! Work through the exercises in order; each module is one exercise and
//! `cargo kata check processes/<exercise>` runs its tests. The later
//! exercises use the types of `run` (exercise 1), and its functions once
//! you have written them. The book chapter (`cargo kata book --open`)
//! explains the ideas behind each one.
//!
//! Two binaries come with the lesson: `svcctl` (exercise 2; its `main` is
//! yours to write in `exit_codes.rs`) and `childproc`, a test fixture.

#[cfg_attr(feature = "solution", path = "../../../solutions/processes/run.rs")]
pub mod run;

#[cfg_attr(
    feature = "solution",
    path = "../../../solutions/processes/exit_codes.rs"
)]
pub mod exit_codes;

#[cfg_attr(feature = "solution", path = "../../../solutions/processes/pipes.rs")]
pub mod pipes;

#[cfg_attr(
    feature = "solution",
    path = "../../../solutions/processes/streaming.rs"
)]
pub mod streaming;

#[cfg_attr(feature = "solution", path = "../../../solutions/processes/timeout.rs")]
pub mod timeout;

#[cfg_attr(
    feature = "solution",
    path = "../../../solutions/processes/parallel.rs"
)]
pub mod parallel;
