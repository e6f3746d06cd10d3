//! Probes that tell when the code under test has settled: every one of its
//! threads waits (for a child, a pipe, a lock), and no child process is
//! about to appear. For scenarios that run in a process of their own
//! ([`crate::in_a_process_of_its_own`]), where every thread and every child
//! of the test process belongs to the scenario.
//!
//! Why not a pause: "no fourth command starts" or "this reader has
//! finished" cannot be seen by waiting a while, only by seeing that nothing
//! is left that could still do it. A thread that is asleep in the kernel,
//! with all the others, can only be woken by the outside world (a child
//! that exits or writes, a file the test creates): so what it was about to
//! do, it has done, or will do only once the test lets it.
//!
//! Linux reads `/proc`. Elsewhere [`others_asleep`] falls back to a pause
//! of 200 ms (the tests then depend on timing again, but keep running).

#[cfg(target_os = "linux")]
use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// The pids of this process's children, zombies included: a child that was
/// forked but has not yet run its program counts, as does one that has
/// ended and not been reaped.
pub fn children() -> BTreeSet<u32> {
    let me = std::process::id();
    #[cfg(target_os = "linux")]
    {
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return BTreeSet::new();
        };
        entries
            .flatten()
            .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
            .filter(|&pid| {
                // `pid (comm) state ppid …`; the name may hold `)`.
                std::fs::read_to_string(format!("/proc/{pid}/stat"))
                    .ok()
                    .and_then(|stat| {
                        let rest = stat.get(stat.rfind(')')? + 1..)?;
                        rest.split_whitespace().nth(1)?.parse::<u32>().ok()
                    })
                    == Some(me)
            })
            .collect()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let ps = std::process::Command::new("ps")
            .args(["-A", "-o", "pid=,ppid="])
            .output()
            .expect("run `ps -A -o pid=,ppid=`");
        String::from_utf8_lossy(&ps.stdout)
            .lines()
            .filter_map(|line| {
                let mut fields = line.split_whitespace();
                let pid = fields.next()?.parse::<u32>().ok()?;
                let ppid = fields.next()?.parse::<u32>().ok()?;
                (ppid == me).then_some(pid)
            })
            .collect()
    }
}

/// Whether every thread of this process but the calling one is asleep in
/// the kernel and stays asleep over 30 ms: the same threads, each in state
/// `S` with the same count of voluntary context switches in four looks. A
/// thread that runs, is woken (even for a moment), starts or ends in that
/// time makes it `false`.
#[cfg(target_os = "linux")]
pub fn others_asleep() -> bool {
    let Some(first) = sleepers() else {
        return false;
    };
    for _ in 0..3 {
        std::thread::sleep(std::time::Duration::from_millis(10));
        if sleepers().as_ref() != Some(&first) {
            return false;
        }
    }
    true
}

/// Without `/proc`: a pause of 200 ms, then `true`.
#[cfg(not(target_os = "linux"))]
pub fn others_asleep() -> bool {
    std::thread::sleep(std::time::Duration::from_millis(200));
    true
}

/// Every other thread of this process and its count of voluntary context
/// switches, if every one of them is asleep (state `S`) now.
#[cfg(target_os = "linux")]
fn sleepers() -> Option<BTreeMap<u32, u64>> {
    let me = std::fs::read_link("/proc/thread-self").ok()?;
    let me: u32 = me.file_name()?.to_str()?.parse().ok()?;
    let mut asleep = BTreeMap::new();
    for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let tid: u32 = task.file_name().to_str()?.parse().ok()?;
        if tid == me {
            continue;
        }
        // A thread that ended since the listing is not asleep: look again.
        let status = std::fs::read_to_string(task.path().join("status")).ok()?;
        let field = |name: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(name))
                .map(str::trim)
        };
        if !field("State:")?.starts_with('S') {
            return None;
        }
        asleep.insert(tid, field("voluntary_ctxt_switches:")?.parse().ok()?);
    }
    Some(asleep)
}

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
