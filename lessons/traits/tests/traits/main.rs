//! The one test binary of lesson `traits`: a module per exercise.
//! These tests are the lesson's spec; they run unchanged against the stubs in
//! `src/` and against the reference solutions (`--features solution`).

mod checks;
mod decorators;
mod display;
mod equality;
mod server;
