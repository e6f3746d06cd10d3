//! Helpers shared by the tests of every lesson. One place, so that every lesson
//! bounds its waits the same way and reports a hang the same way.
//!
//! The rule they serve: a wrong learner solution must make a test *fail*, with a
//! message, within seconds. A deadlock must never make the test binary hang.
//!
//! One module per kind of helper, each with its own tests; everything is also
//! re-exported here, so a test writes `testkit::within(..)`.

pub mod asleep;
pub mod fake_fleet;
pub mod io_double;
pub mod loopback;
pub mod multiset;
pub mod process_probe;
pub mod process_state;
pub mod rerun;
pub mod thread_probe;
pub mod wait;

pub use io_double::{RecordingWriter, ShortReads};
pub use loopback::{
    ClosedPort, closed_port, closed_port_v6, ipv6_loopback_available, loopback_pair,
};
pub use multiset::counts;
pub use process_probe::{process_running, unique_marker};
pub use thread_probe::{thread_cpu_time, thread_wakeups, threads_named};
pub use wait::{DEFAULT_LIMIT, wait_for, within, within_or};
