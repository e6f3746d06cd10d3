//! The one test binary of lesson `threads`: a module per exercise.
//! These tests are the lesson's spec; they run unchanged against the stubs in
//! `src/` and against the reference solutions (`--features solution`).
//!
//! Threads are started together with a `Barrier` and handed work through
//! channels; a `sleep` in a test is work (a slow server, a slow insert),
//! never a way to make a race go away. Every wait is bounded with
//! `testkit::within`, so a deadlock fails a test within seconds instead of
//! hanging the run, and a panic in a thread the code under test started
//! (a `todo!`, say) reaches the test with its own message. The only network
//! used is a listener on 127.0.0.1.

mod bounded;
mod pipeline;
mod pool;
mod race;
mod semaphore;
mod spawn_join;
