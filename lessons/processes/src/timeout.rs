//! Exercise 5: a time limit that kills everything the command started.
//!
//! Python's `subprocess.run(cmd, capture_output=True, timeout=5)` kills the
//! child when time is up, and only the child: a `sh -c 'make; make test'`
//! loses its shell while `make` and the compiler it started run on, holding
//! the output pipes open, and `run` waits for them anyway. The Unix answer
//! is a **process group**: start the child as the leader of a new group
//! (`CommandExt::process_group(0)`: the group's id is the child's pid);
//! everything it forks joins that group; `killpg(group, SIGKILL)` (the
//! `nix` crate: `nix::sys::signal::killpg`, `nix::unistd::Pid`) kills them
//! all at once. (`kill -9 -- -PGID` in a shell.)
//!
//! And a killed process still has to be **reaped**: until its parent calls
//! `wait`, it stays in the process table as a zombie (`<defunct>` in `ps`).
//! `Child::wait` reaps; a `Child` that is just dropped is not reaped.
//!
//! One way to build [`run_with_timeout`], with no polling:
//!
//! - spawn with stdin `Stdio::null()`, stdout and stderr piped, and
//!   `process_group(0)`; note `child.id()` (a `u32`) for the group;
//! - three threads, each sending one report into one `mpsc` channel: one
//!   reads stdout to the end, one reads stderr to the end, one owns the
//!   `Child` and `wait`s for it (so it is reaped whatever happens);
//! - this thread takes the three reports with `recv_timeout(time left until
//!   the deadline)`. If one does not come in time: `killpg` with `SIGKILL`,
//!   then take the missing reports with `recv()`: once the whole group is
//!   dead, the pipes close and the waiter reaps the child, so they come.
//!
//! The limit covers the output too: a background process that keeps the
//! pipes open after the child exited is killed with it when time is up.
//! Within the limit, nothing is killed and the result is what `run` would
//! give: `Ok(Output)`, or the error from `check_status`. After a kill, the
//! result is `RunError::TimedOut` with the limit and the output so far
//! (lossy UTF-8, like `run`): never `Killed`, though SIGKILL is what ended
//! it.
//!
//! Run the tests with `cargo kata check processes/timeout`.

use std::time::Duration;

use crate::run::{Cmd, Output, RunError};

/// Runs `cmd` (stdin empty) and returns what it wrote, like `run`, unless it
/// has not exited and closed its output within `limit`: then it and every
/// process it started are killed and reaped, and the error carries the
/// output so far.
pub fn run_with_timeout(cmd: &Cmd, limit: Duration) -> Result<Output, RunError> {
    todo!("run {cmd:?} in a process group of its own, and kill the whole group after {limit:?}")
}
