//! Helpers for the harness's own tests: a fresh copy of the fixture course,
//! the `kata` binary pointed at it, and a way to talk to a long-running
//! `kata watch` with bounded waits.

#![allow(dead_code)] // each test binary uses its own share of these

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use assert_cmd::Command;

/// The variables that choose kata's language (harness/src/lang.rs): the
/// tests clear them, so the machine's locale does not leak into the output.
pub const LANGUAGE_VARIABLES: &[&str] = &["KATA_LANG", "LC_ALL", "LC_MESSAGES", "LANG"];

/// The `kata` binary with colour off and no course or language chosen by the
/// environment.
pub fn kata_bin() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("kata"));
    cmd.env("NO_COLOR", "1")
        .env_remove("KATA_ROOT")
        .env_remove("KATA_STATE_DIR")
        .env_remove("CLICOLOR_FORCE");
    for name in LANGUAGE_VARIABLES {
        cmd.env_remove(name);
    }
    cmd
}

/// `kata` for a fixture course (`--root` when given). Builds of fixture
/// courses share one target folder, so the toolchain's work is not repeated
/// per test.
pub fn kata_with(root: Option<&Path>) -> Command {
    let mut cmd = kata_bin();
    let target = root.map_or_else(fixture_target, target_of);
    cmd.env("CARGO_TARGET_DIR", target)
        .timeout(Duration::from_secs(600));
    if let Some(root) = root {
        cmd.arg("--root").arg(root);
    }
    cmd
}

/// The target folder of one fixture copy: its own. Copies of the fixture
/// are the same packages at other paths, which cargo gives the same build
/// outputs: tests that share a target folder would overwrite each other's
/// test binaries while they run at the same time.
pub fn target_of(root: &Path) -> PathBuf {
    root.join("target")
}

/// Runs `cmd`, asserts its exit code, and returns its stdout as text.
pub fn stdout_of(cmd: &mut Command, code: i32) -> String {
    let output = cmd.assert().code(code).get_output().stdout.clone();
    String::from_utf8(output).expect("kata prints UTF-8")
}

pub fn fixture_target() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("fixture-target")
}

/// A copy of tests/fixtures/course in a temporary folder.
pub struct Fixture {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

impl Fixture {
    pub fn new() -> Fixture {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root = dir.path().join("course");
        copy_tree(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/course"),
            &root,
        );
        Fixture { _dir: dir, root }
    }

    pub fn kata(&self) -> Command {
        kata_with(Some(&self.root))
    }

    /// Makes the fixture a git checkout with everything committed.
    pub fn git_commit_all(&self) {
        for args in [
            &["init", "-q"][..],
            &["add", "-A"],
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "commit",
                "-qm",
                "fixture",
            ],
        ] {
            let ok = StdCommand::new("git")
                .args(args)
                .current_dir(&self.root)
                .status()
                .expect("git runs")
                .success();
            assert!(ok, "git {args:?} failed");
        }
    }

    /// Starts `kata ARGS` in the background, its stdout read line by line.
    pub fn spawn_kata(&self, args: &[&str]) -> Running {
        self.spawn_kata_with_env(args, &[])
    }

    /// [`Fixture::spawn_kata`] with extra environment variables.
    pub fn spawn_kata_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Running {
        let mut command = StdCommand::new(assert_cmd::cargo::cargo_bin!("kata"));
        for name in LANGUAGE_VARIABLES {
            command.env_remove(name);
        }
        let mut child = command
            .arg("--root")
            .arg(&self.root)
            .args(args)
            .envs(env.iter().copied())
            .env("NO_COLOR", "1")
            .env("CARGO_TARGET_DIR", target_of(&self.root))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("kata starts");
        let stdout = child.stdout.take().expect("piped");
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Running {
            child,
            lines,
            seen: Vec::new(),
        }
    }
}

/// A `kata` process running in the background.
pub struct Running {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Running {
    /// Waits, at most `limit`, for a line of output containing `needle`.
    pub fn expect_line(&mut self, needle: &str, limit: Duration) {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let found = line.contains(needle);
                    self.seen.push(line);
                    if found {
                        return;
                    }
                }
                Err(_) => panic!(
                    "no line with {needle:?} within {limit:?}; output so far:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }

    /// Asserts that no line containing `needle` comes within `quiet`.
    pub fn expect_no_line(&mut self, needle: &str, quiet: Duration) {
        let deadline = Instant::now() + quiet;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let found = line.contains(needle);
                    self.seen.push(line);
                    assert!(
                        !found,
                        "unexpected line with {needle:?} within {quiet:?}; output so far:\n{}",
                        self.seen.join("\n")
                    );
                }
                Err(mpsc::RecvTimeoutError::Timeout) => return,
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    panic!("kata ended; output so far:\n{}", self.seen.join("\n"))
                }
            }
        }
    }

    /// The process id of `kata`.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Its exit status if it has exited.
    pub fn try_wait(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().expect("wait for kata")
    }

    /// Waits, at most `limit`, for `kata` to exit on its own.
    pub fn wait(mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for kata") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "kata did not exit within {limit:?}"
            );
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// Every line seen so far (after [`Running::wait`], read the rest first
    /// with [`Running::drain`]).
    pub fn drain(&mut self, limit: Duration) -> Vec<String> {
        let deadline = Instant::now() + limit;
        while let Ok(line) = self
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            self.seen.push(line);
        }
        self.seen.clone()
    }

    /// Sends SIGINT (what Ctrl-C sends) and waits, at most `limit`, for the exit.
    pub fn interrupt(mut self, limit: Duration) -> ExitStatus {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).expect("signal kata");
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for kata") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("kata did not exit within {limit:?} of Ctrl-C");
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create folder");
    for entry in fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("fixture entry");
        let name = entry.file_name();
        if name == "target" || name == ".kata" {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&src, &dst);
        } else {
            fs::copy(&src, &dst).expect("copy fixture file");
        }
    }
}
