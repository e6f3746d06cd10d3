//! The one test binary of lesson `fleet`: a module per exercise. These tests
//! are the lesson's spec; they run unchanged against the stubs in `src/` and
//! against the reference solutions (`--features solution`).
//!
//! Real parts only: testkit's fake fleet (HTTP servers on 127.0.0.1), real
//! child processes, the real `fleetmon` binary (assert_cmd), real parsers
//! (serde_json, and `prometheus-parse` for the metrics). Every wait is
//! bounded, so a wrong solution fails a test instead of hanging the run.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use fleet::checks::Check;

mod checks;
mod cli;
mod inventory;
mod report;
mod scheduler;
mod status_page;

/// A check the test drives: it counts how many run at once, waits at a gate
/// the test opens (if it has one), then answers as told. Clones share the
/// counters and the gate.
#[derive(Debug, Clone)]
pub struct Probe {
    pub name: String,
    pub outcome: Result<(), String>,
    pub shared: Arc<ProbeShared>,
    /// Wait for `shared.released >= ticket` before answering.
    pub ticket: Option<usize>,
}

#[derive(Debug, Default)]
pub struct ProbeShared {
    pub in_flight: AtomicUsize,
    pub max_in_flight: AtomicUsize,
    pub started: AtomicUsize,
    pub finished: Mutex<Vec<String>>,
    pub released: Mutex<usize>,
    pub release: Condvar,
}

impl ProbeShared {
    /// Lets the probes with tickets up to `n` answer.
    pub fn release_up_to(&self, n: usize) {
        let mut released = self.released.lock().unwrap();
        *released = (*released).max(n);
        self.release.notify_all();
    }
}

impl Probe {
    pub fn new(shared: &Arc<ProbeShared>, name: &str, ticket: Option<usize>) -> Probe {
        Probe {
            name: name.to_string(),
            outcome: Ok(()),
            shared: Arc::clone(shared),
            ticket,
        }
    }
}

impl Check for Probe {
    fn describe(&self) -> String {
        self.name.clone()
    }

    fn run(&self, _timeout: Duration) -> Result<(), String> {
        let now = self.shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
        self.shared.started.fetch_add(1, Ordering::SeqCst);
        if let Some(ticket) = self.ticket {
            let mut released = self.shared.released.lock().unwrap();
            while *released < ticket {
                released = self.shared.release.wait(released).unwrap();
            }
        }
        self.shared.finished.lock().unwrap().push(self.name.clone());
        self.shared.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.outcome.clone()
    }
}

/// Writes `text` to `name` in a fresh temporary folder; returns both.
pub fn write_temp(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write the file");
    (dir, path)
}
