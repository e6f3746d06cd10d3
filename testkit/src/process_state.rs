//! Probes of the process table that see zombies too.
//!
//! [`crate::process_running`] looks for a marker in `ps`'s argument column,
//! and a zombie (a process that ended and that its parent has not `wait`ed
//! for) has no arguments there: it cannot tell "reaped" from "left a
//! zombie". These probes look a process up by its pid, or by the name it
//! was started under, and say whether it is alive, a zombie, or gone:
//!
//! - Linux: `/proc/<pid>/stat`, whose third field is the state (`Z` for a
//!   zombie) and whose second, `(comm)`, is the name (the first 15 bytes of
//!   the file name that was executed). No process runs to ask.
//! - macOS (and other Unix systems without `/proc`): `ps -o stat= -p PID`
//!   and `ps -A -o pid=,stat=,comm=`, whose `stat` starts with `Z` for a
//!   zombie.
//!
//! Only a process's parent can reap it, so a zombie the test can blame on
//! the code under test is one of the test process's own children (a stage
//! of a pipeline, a child of a time-out). A grandchild whose parent died is
//! reaped by init, or by a subreaper (`kata` is one on Linux) when it gets
//! round to it: do not expect those gone at once.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What the process table says about a process that is in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessState {
    /// Running, sleeping, stopped, …: the state letter `ps` shows (`R`,
    /// `S`, `D`, `T`, `I`, …).
    Alive(char),
    /// Ended (exited or killed), and not yet reaped by its parent: `Z`,
    /// `<defunct>` in `ps`.
    Zombie,
}

impl ProcessState {
    fn from_letter(letter: char) -> ProcessState {
        if letter == 'Z' {
            ProcessState::Zombie
        } else {
            ProcessState::Alive(letter)
        }
    }
}

/// The state of process `pid`, zombies included; `None` if there is no
/// such process (it never existed, or it ended and was reaped).
///
/// A pid is reused once its process is reaped: ask only about a process the
/// test knows to be unreaped, or one whose parent is the test itself (its
/// pid cannot be reused before the test reaps it).
pub fn process_state(pid: u32) -> Option<ProcessState> {
    #[cfg(target_os = "linux")]
    {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
        parse_stat(&stat).map(|(_, state)| state)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let ps = std::process::Command::new("ps")
            .args(["-o", "stat=", "-p", &pid.to_string()])
            .output()
            .expect("run `ps -o stat= -p PID`");
        let text = String::from_utf8_lossy(&ps.stdout);
        text.trim().chars().next().map(ProcessState::from_letter)
    }
}

/// Every process started under the name `name` (the file name that was
/// executed, without its folder), zombies included, as `(pid, state)`.
///
/// The kernel keeps 15 bytes of the name (Linux; macOS keeps 16): give the
/// processes to look for a name of at most 15 bytes that nothing else on
/// the machine has, e.g. a link to a program made by
/// [`link_under_unique_name`]. Panics on a longer name.
pub fn pids_named(name: &str) -> Vec<(u32, ProcessState)> {
    assert!(
        name.len() <= 15 && !name.is_empty(),
        "the kernel keeps only 15 bytes of a process's name: {name:?} cannot be found"
    );
    #[cfg(target_os = "linux")]
    {
        proc_stats()
            .filter_map(|(pid, stat)| {
                let (comm, state) = parse_stat(&stat)?;
                (comm == name).then_some((pid, state))
            })
            .collect()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let ps = std::process::Command::new("ps")
            .args(["-A", "-o", "pid=,stat=,comm="])
            .output()
            .expect("run `ps -A -o pid=,stat=,comm=`");
        String::from_utf8_lossy(&ps.stdout)
            .lines()
            .filter_map(|line| {
                let mut fields = line.split_whitespace();
                let pid = fields.next()?.parse::<u32>().ok()?;
                let state = fields.next()?.chars().next()?;
                let comm: Vec<&str> = fields.collect();
                let comm = comm.join(" ");
                // A full path for a live process; `(name)`, or the name
                // and ` <defunct>`, for a zombie: compare the file name.
                let comm = comm.trim_end_matches(" <defunct>");
                let comm = comm.trim_start_matches('(').trim_end_matches(')');
                let base = comm.rsplit('/').next().unwrap_or(comm);
                (base == name).then_some((pid, ProcessState::from_letter(state)))
            })
            .collect()
    }
}

/// Whether every thread of process `pid` is asleep and stays asleep: each
/// in state `S` with the same count of voluntary context switches, and no
/// thread come or gone, in six looks over 50 ms. `Some(false)` if one runs,
/// wakes up, starts or ends in that time (or the process is gone or a
/// zombie); `None` where there is no `/proc` to look in (macOS): the caller
/// cannot tell, and says so.
///
/// A process whose every thread sleeps that long waits for the outside
/// world (an answer on a socket, a child, a signal): it starts nothing new
/// until that comes. A thread just spawned and not yet run is runnable
/// (`R`), not asleep, and so is a thread woken by a connection or an
/// answer, so "all asleep" also means "nothing about to happen".
///
/// For tests of another process that must not conclude "it never does X"
/// while it may still be getting round to X: wait (bounded) until it is
/// asleep, then look.
pub fn process_asleep(pid: u32) -> Option<bool> {
    #[cfg(target_os = "linux")]
    {
        let Some(first) = thread_sleep_counts(pid, None).filter(|f| !f.is_empty()) else {
            return Some(false);
        };
        for _ in 0..5 {
            std::thread::sleep(std::time::Duration::from_millis(10));
            if thread_sleep_counts(pid, None).as_ref() != Some(&first) {
                return Some(false);
            }
        }
        Some(true)
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        None
    }
}

/// Every thread of `pid` but `except` as `(tid, voluntary context
/// switches)`, sorted, if every one is asleep (state `S`); `None` if one is
/// not, or there is no `/proc/<pid>/task` (no such process, or no `/proc`).
#[cfg(target_os = "linux")]
pub(crate) fn thread_sleep_counts(pid: u32, except: Option<u32>) -> Option<Vec<(u32, u64)>> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let mut counts = Vec::new();
    for task in tasks.flatten() {
        let Some(tid) = task.file_name().to_str().and_then(|t| t.parse().ok()) else {
            continue;
        };
        if Some(tid) == except {
            continue;
        }
        // A thread that ends between the listing and this read has changed.
        let status = std::fs::read_to_string(task.path().join("status")).ok()?;
        counts.push((tid, crate::asleep::status_sleep_count(&status)?));
    }
    counts.sort_unstable();
    Some(counts)
}

/// The pids of this process's children, zombies included: a child that
/// was forked but has not yet run its program counts, as does one that has
/// ended and not been reaped. Linux reads `/proc/<pid>/stat`; elsewhere
/// `ps -A -o pid=,ppid=`.
pub fn children() -> BTreeSet<u32> {
    let me = std::process::id();
    #[cfg(target_os = "linux")]
    {
        proc_stats()
            .filter(|(_, stat)| parent_in_stat(stat) == Some(me))
            .map(|(pid, _)| pid)
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

/// Every process in `/proc` with its `stat` line (one that ends between
/// the listing and the read is left out).
#[cfg(target_os = "linux")]
fn proc_stats() -> impl Iterator<Item = (u32, String)> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            Some((
                pid,
                std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?,
            ))
        })
}

/// The parent's pid in a `/proc/<pid>/stat` line: `pid (comm) state ppid
/// …`, where `comm` may hold spaces and `)`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
fn parent_in_stat(stat: &str) -> Option<u32> {
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    rest.split_whitespace().nth(1)?.parse().ok()
}

/// How many sockets process `pid` has open (its file descriptors that are
/// sockets: TCP connections, listeners, Unix sockets, …), from
/// `/proc/<pid>/fd`; `None` where there is no `/proc` (macOS) or no such
/// process. Together with [`process_asleep`]: a monitor asleep with N
/// sockets open has N checks in flight, whether or not the server side has
/// accepted them yet.
pub fn open_sockets(pid: u32) -> Option<usize> {
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?;
    Some(
        fds.flatten()
            .filter_map(|fd| std::fs::read_link(fd.path()).ok())
            .filter(|target| target.to_string_lossy().starts_with("socket:"))
            .count(),
    )
}

/// `comm` and the state from the text of `/proc/<pid>/stat`:
/// `1234 (name with ) maybe) S 1 …`. The name may hold spaces and
/// parentheses, so it runs to the *last* `)`.
#[cfg(target_os = "linux")]
fn parse_stat(stat: &str) -> Option<(&str, ProcessState)> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let comm = stat.get(open + 1..close)?;
    let state = stat.get(close + 1..)?.trim_start().chars().next()?;
    Some((comm, ProcessState::from_letter(state)))
}

/// A hard link to the executable `program`, in `dir`, under a name of 15
/// bytes that no other process has (`kp` and digits): a process started
/// from it can be found with [`pids_named`], alive or zombie, whatever its
/// arguments. Returns the link's path and its name.
///
/// `dir` should be on the same file system as `program` (a temporary folder
/// next to it): then nothing is copied. Otherwise the file is copied, and a
/// copy that was just written can fail to start with "text file busy" while
/// another thread of the test process forks (the copy's open file leaks into
/// the fork for a moment): prefer the link.
pub fn link_under_unique_name(program: &Path, dir: &Path) -> (PathBuf, String) {
    let marker = crate::unique_marker();
    // The tail of the marker changes fastest (a counter, then nanoseconds).
    let name = format!("kp{}", &marker[marker.len().saturating_sub(13)..]);
    let link = dir.join(&name);
    if std::fs::hard_link(program, &link).is_err() {
        std::fs::copy(program, &link).unwrap_or_else(|e| {
            panic!(
                "cannot link or copy {} to {}: {e}",
                program.display(),
                link.display()
            )
        });
    }
    (link, name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DEFAULT_LIMIT, wait_for};
    use std::process::Command;

    #[test]
    fn children_are_seen_from_the_fork_to_the_reaping_zombies_too() {
        let mut child = Command::new("true").spawn().expect("spawn true");
        let pid = child.id();
        // Ended, not yet reaped: still a child.
        wait_for(DEFAULT_LIMIT, "`true` to end", || {
            process_state(pid) == Some(ProcessState::Zombie)
        });
        assert!(children().contains(&pid), "a zombie child is a child");
        child.wait().unwrap();
        assert!(!children().contains(&pid), "a reaped child is gone");
        assert!(!children().contains(&std::process::id()));
    }

    #[test]
    fn the_parent_is_read_past_a_name_with_spaces_and_parentheses() {
        assert_eq!(parent_in_stat("42 (a) b (c) S 7 42 42 0"), Some(7));
        assert_eq!(parent_in_stat("42 (sleep) Z 1 0"), Some(1));
        assert_eq!(parent_in_stat("garbage"), None);
    }

    #[test]
    fn a_process_is_alive_then_a_zombie_then_gone() {
        let mut sleeper = Command::new("sleep")
            .arg("30")
            .spawn()
            .expect("spawn sleep");
        let pid = sleeper.id();
        assert!(
            matches!(process_state(pid), Some(ProcessState::Alive(_))),
            "{:?}",
            process_state(pid)
        );
        sleeper.kill().expect("kill sleep");
        // Killed but not waited for: a zombie, once the signal has landed.
        wait_for(DEFAULT_LIMIT, "the killed sleep a zombie", || {
            process_state(pid) == Some(ProcessState::Zombie)
        });
        sleeper.wait().expect("reap sleep");
        assert_eq!(process_state(pid), None);
    }

    #[test]
    fn pids_named_finds_live_processes_and_zombies_until_they_are_reaped() {
        let mut sleeper = Command::new("sleep")
            .arg("30")
            .spawn()
            .expect("spawn sleep");
        let pid = sleeper.id();
        let mine = || {
            pids_named("sleep")
                .into_iter()
                .find(|(p, _)| *p == pid)
                .map(|(_, state)| state)
        };
        assert!(
            matches!(mine(), Some(ProcessState::Alive(_))),
            "{:?}",
            mine()
        );
        sleeper.kill().expect("kill sleep");
        wait_for(DEFAULT_LIMIT, "the killed sleep a zombie", || {
            mine() == Some(ProcessState::Zombie)
        });
        sleeper.wait().expect("reap sleep");
        assert_eq!(mine(), None);
    }

    #[test]
    fn a_link_under_a_unique_name_is_found_by_that_name() {
        let dir = tempfile_dir();
        let script = dir.join("script");
        // Waits for its stdin to end. Linux names a process started from a
        // script after the script; macOS after the interpreter (`sh`).
        std::fs::write(&script, "#!/bin/sh\nread line\n").unwrap();
        std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let (link, name) = link_under_unique_name(&script, &dir);
        assert_eq!(name.len(), 15);
        assert!(link.ends_with(&name));
        let (_, other) = link_under_unique_name(&script, &dir);
        assert_ne!(name, other);
        assert!(pids_named(&name).is_empty());
        let mut child = Command::new(&link)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("run the link");
        if cfg!(target_os = "linux") {
            assert_eq!(
                pids_named(&name)
                    .into_iter()
                    .map(|(p, _)| p)
                    .collect::<Vec<_>>(),
                [child.id()]
            );
        }
        drop(child.stdin.take());
        child.wait().expect("reap the script");
        assert!(pids_named(&name).is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_process_waiting_on_its_stdin_is_asleep_and_one_that_spins_is_not() {
        let mut waiting = Command::new("sh")
            .args(["-c", "read line"])
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("spawn sh");
        let mut spinning = Command::new("sh")
            .args(["-c", "while :; do :; done"])
            .spawn()
            .expect("spawn sh");
        if cfg!(target_os = "linux") {
            wait_for(DEFAULT_LIMIT, "the waiting sh asleep", || {
                process_asleep(waiting.id()) == Some(true)
            });
            for _ in 0..5 {
                assert_eq!(process_asleep(spinning.id()), Some(false));
            }
        } else {
            assert_eq!(process_asleep(waiting.id()), None);
        }
        spinning.kill().expect("kill the spinning sh");
        spinning.wait().expect("reap it");
        drop(waiting.stdin.take());
        waiting.wait().expect("reap the waiting sh");
        assert_ne!(
            process_asleep(waiting.id()),
            Some(true),
            "gone is not asleep"
        );
    }

    #[test]
    fn open_sockets_counts_the_sockets_of_a_process() {
        // A child whose stdin is a socket, and one without any.
        let (ours, theirs) = std::os::unix::net::UnixStream::pair().unwrap();
        let start = |stdin: std::process::Stdio| {
            Command::new("sleep")
                .arg("30")
                .stdin(stdin)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("spawn sleep")
        };
        let with_socket = start(std::os::fd::OwnedFd::from(theirs).into());
        let without = start(std::process::Stdio::null());
        if cfg!(target_os = "linux") {
            assert_eq!(open_sockets(with_socket.id()), Some(1));
            assert_eq!(open_sockets(without.id()), Some(0));
        }
        drop(ours);
        for mut child in [with_socket, without] {
            child.kill().expect("kill sleep");
            child.wait().expect("reap sleep");
            assert_eq!(open_sockets(child.id()), None);
        }
    }

    #[test]
    #[should_panic(expected = "only 15 bytes")]
    fn a_name_the_kernel_cuts_short_is_refused() {
        pids_named("a-name-longer-than-15");
    }

    #[test]
    fn no_process_has_a_huge_pid() {
        assert_eq!(process_state(u32::MAX), None);
    }

    /// A fresh folder under the system's temporary folder.
    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("testkit-{}", crate::unique_marker()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
