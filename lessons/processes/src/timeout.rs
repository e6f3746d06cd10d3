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
//! **The limit bounds the call, always.** Python's `subprocess.run(...,
//! timeout=0.5)` returns after half a second even when a daemon the command
//! started (`setsid`, a new session) still holds the output pipes. So must
//! yours: a reader blocked in `read_to_end` on such a pipe never returns,
//! so never wait for it past the deadline.
//!
//! One way to build [`run_with_timeout`], with no polling:
//!
//! - spawn with stdin `Stdio::null()`, stdout and stderr piped, and
//!   `process_group(0)`; note `child.id()` (a `u32`) for the group;
//! - three threads, each sending its reports into one `mpsc` channel: two
//!   read a pipe a chunk at a time into an `Arc<Mutex<Vec<u8>>>` that you
//!   keep a clone of (so the output so far can be taken at any moment),
//!   and report when their pipe ends; one owns the `Child` and `wait`s for
//!   it, and reports its status (so it is reaped whatever happens);
//! - this thread takes the three reports with `recv_timeout(time left until
//!   the deadline)`. If they have not all come by the deadline: `killpg`
//!   with `SIGKILL`; then wait, for a bounded while (a second or two), for
//!   the waiter's report: the child is in the group, so it dies and is
//!   reaped at once; then give the pipes a moment (100 ms) to close, and
//!   return with what the buffers hold. A reader still blocked is left
//!   behind: it ends when the last holder of its pipe closes it.
//!
//! What that guarantees, on Linux and macOS alike:
//!
//! - the call returns within `limit` plus the short bounded waits above;
//! - on a time-out, `SIGKILL` reaches the child and every process still in
//!   its group (whatever it forked, and they forked, unless they moved
//!   out); the child is reaped before the call returns; the others are
//!   reaped by init (or a subreaper), since their parent is dead;
//! - a process that left the group (`setsid`, `setpgid`, a shell's job
//!   control with `set -m`: what daemons do) is **not** killed: no portable
//!   call finds it (Linux's cgroups and `PR_SET_CHILD_SUBREAPER` can, with
//!   more work). If it holds the pipes, the call still returns at the
//!   limit, and the output it writes later is lost.
//!
//! The limit covers the output too: a background process that keeps the
//! pipes open after the child exited is killed with it when time is up
//! (and if it is out of the group's reach, the call is `TimedOut` all the
//! same). Within the limit, nothing is killed and the result is what `run`
//! would give: `Ok(Output)`, or the error from `check_status`. After a kill,
//! the result is `RunError::TimedOut` with the limit and the output so far
//! (lossy UTF-8, like `run`): never `Killed`, though SIGKILL is what ended
//! it.
//!
//! Run the tests with `cargo kata check processes/timeout`.

use std::time::Duration;

use crate::run::{Cmd, Output, RunError};

/// Runs `cmd` (stdin empty) and returns what it wrote, like `run`, unless it
/// has not exited and closed its output within `limit`: then its process
/// group (it, and every process it started that stayed in the group) is
/// killed with `SIGKILL`, the child is reaped, and the error carries the
/// output so far. Returns soon after `limit` in every case, even when a
/// process out of the group's reach holds the output pipes.
pub fn run_with_timeout(cmd: &Cmd, limit: Duration) -> Result<Output, RunError> {
    todo!("run {cmd:?} in a process group of its own, and kill the whole group after {limit:?}")
}
