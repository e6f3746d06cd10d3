//! Probes of processes: whether a process is still running, and markers
//! that make a test's processes easy to find.

/// Whether a live process has `needle` in its command line, as
/// `ps -A -o args=` shows it. Give the process a marker no other process
/// has, e.g. `sleep 60.<pid><nanos>` (see [`unique_marker`]). A zombie does
/// not count: `ps` shows it without its arguments (`[sleep] <defunct>`).
///
/// For tests that must prove a process is gone (a killed process group, a
/// time-out). Panics if `ps` cannot be run.
pub fn process_running(needle: &str) -> bool {
    let ps = std::process::Command::new("ps")
        .args(["-A", "-o", "args="])
        .output()
        .expect("run `ps -A -o args=`");
    String::from_utf8_lossy(&ps.stdout)
        .lines()
        .any(|line| line.contains(needle))
}

/// Digits unique to this call in this process and time (pid, then a
/// counter, then nanoseconds), for markers like `sleep 60.<marker>`:
/// valid as the fractional part of a number.
pub fn unique_marker() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}{}{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_running_sees_a_live_process_and_not_a_reaped_one() {
        let marker = format!("30.{}", unique_marker());
        assert!(!process_running(&marker));
        let mut sleeper = std::process::Command::new("sleep")
            .arg(&marker)
            .spawn()
            .expect("spawn sleep");
        assert!(process_running(&marker));
        sleeper.kill().expect("kill sleep");
        sleeper.wait().expect("reap sleep");
        assert!(!process_running(&marker));
    }

    #[test]
    fn unique_markers_differ() {
        assert_ne!(unique_marker(), unique_marker());
        assert!(unique_marker().bytes().all(|b| b.is_ascii_digit()));
    }
}
