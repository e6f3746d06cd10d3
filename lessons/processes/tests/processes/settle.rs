//! Tickets for fixtures that wait for the test's word: a child process or
//! a shell waits for a file, which the test creates once the code under
//! test has settled (testkit's `others_asleep` and `children`, in a process
//! of its own: [`crate::in_a_process_of_its_own`]).

use std::path::PathBuf;

/// Creates each of its files (empty) when dropped: the tickets a fixture
/// waits for, so that a test that fails leaves no child waiting for one.
pub struct CreateOnDrop(pub Vec<PathBuf>);

impl Drop for CreateOnDrop {
    fn drop(&mut self) {
        for file in &self.0 {
            let _ = std::fs::write(file, "");
        }
    }
}
