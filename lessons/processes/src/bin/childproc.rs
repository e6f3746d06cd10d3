//! `childproc`: a TEST FIXTURE, not an exercise. The lesson's tests run it
//! as a child process that behaves in one precise, known way; it is the same
//! program whether the tests run against the stubs or the solutions.
//!
//! ```text
//! childproc exit CODE            exit with CODE
//! childproc signal ABRT|KILL|TERM
//!                                die by that signal (ABRT through abort(),
//!                                KILL and TERM sent to itself with `kill`)
//! childproc spew BYTES           write BYTES bytes to stdout AND BYTES to
//!                                stderr, in 4 KiB turns, as 64-byte lines
//!                                ("ooo…\n" and "eee…\n"), then exit 0
//! childproc echo                 copy each line of stdin to stdout at once
//!                                (flushed), until stdin ends
//! childproc slot DIR             (the parallel limit) create DIR/held/PID,
//!                                wait until DIR/go-PID exists (its own
//!                                ticket), print `released`
//! childproc relay WAIT MARK TEXT wait until the file WAIT exists, print TEXT,
//!                                create the file MARK ("-": no file to wait
//!                                for, or to create)
//! childproc route                copy each line of stdin at once (flushed) to
//!                                stdout, or to stderr if it starts with
//!                                `err `, until stdin ends
//! childproc late-err WAIT MARK TEXT
//!                                (a pipeline stage) copy stdin to stdout and
//!                                close stdout; wait until the file WAIT
//!                                exists ("-": no wait); print TEXT on stderr
//!                                and close stderr; create the file MARK
//!                                ("-": none)
//! childproc setsid PIDFILE       move to a session (and process group) of
//!                                its own, write its pid to PIDFILE, keep
//!                                stdout and stderr open and wait (20 s at
//!                                most): what a daemon does, out of reach of
//!                                its old group's `killpg`
//! ```
//!
//! Every wait is bounded (20 s): a fixture that is never released exits
//! with 3 and says why, instead of hanging a test run forever.

use std::fs;
use std::io::{self, BufRead, Write};
use std::path::Path;
use std::process::{Command, ExitCode};
use std::thread;
use std::time::{Duration, Instant};

const WAIT_LIMIT: Duration = Duration::from_secs(20);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args[..] {
        ["exit", code] => match code.parse::<u8>() {
            Ok(code) => ExitCode::from(code),
            Err(_) => usage(&format!("not an exit code: {code}")),
        },
        ["signal", name] => die_by(name),
        ["spew", bytes] => match bytes.parse::<usize>() {
            Ok(bytes) => spew(bytes),
            Err(_) => usage(&format!("not a byte count: {bytes}")),
        },
        ["echo"] => echo(),
        ["slot", dir] => slot(Path::new(dir)),
        ["relay", wait, mark, text] => relay(wait, mark, text),
        ["route"] => route(),
        ["late-err", wait, mark, text] => late_err(wait, mark, text),
        ["setsid", pidfile] => setsid(Path::new(pidfile)),
        _ => usage(&format!("unknown arguments {args:?}")),
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("childproc: {problem} (see the doc comment of src/bin/childproc.rs)");
    ExitCode::from(64)
}

fn die_by(name: &str) -> ExitCode {
    match name {
        "ABRT" => std::process::abort(),
        "KILL" | "TERM" => {
            let pid = std::process::id().to_string();
            if let Err(e) = Command::new("kill").args(["-s", name, &pid]).status() {
                eprintln!("childproc: cannot run kill: {e}");
                return ExitCode::from(3);
            }
            // The signal may take a moment to land; it ends this loop.
            let start = Instant::now();
            while start.elapsed() < WAIT_LIMIT {
                thread::sleep(Duration::from_millis(10));
            }
            eprintln!("childproc: SIG{name} did not arrive");
            ExitCode::from(3)
        }
        _ => usage(&format!("unknown signal {name}")),
    }
}

fn spew(bytes: usize) -> ExitCode {
    let line = |c: u8| {
        let mut l = vec![c; 63];
        l.push(b'\n');
        l
    };
    let out_pattern: Vec<u8> = line(b'o').repeat(64); // 4 KiB
    let err_pattern: Vec<u8> = line(b'e').repeat(64);
    let mut stdout = io::stdout().lock();
    let mut stderr = io::stderr().lock();
    let mut left = bytes;
    while left > 0 {
        let n = left.min(out_pattern.len());
        // Alternate: a parent that reads one stream to its end before the
        // other leaves this process blocked on the other one.
        if stdout.write_all(&out_pattern[..n]).is_err()
            || stderr.write_all(&err_pattern[..n]).is_err()
        {
            return ExitCode::from(3);
        }
        left -= n;
    }
    let _ = stdout.flush();
    ExitCode::SUCCESS
}

fn echo() -> ExitCode {
    let mut stdout = io::stdout().lock();
    for line in io::stdin().lock().lines() {
        let Ok(line) = line else {
            return ExitCode::from(3);
        };
        if writeln!(stdout, "{line}")
            .and_then(|()| stdout.flush())
            .is_err()
        {
            return ExitCode::from(3);
        }
    }
    ExitCode::SUCCESS
}

/// Waits (bounded) until `path` exists.
fn wait_for(path: &Path) -> bool {
    let start = Instant::now();
    while !path.exists() {
        if start.elapsed() > WAIT_LIMIT {
            eprintln!("childproc: {} never appeared", path.display());
            return false;
        }
        thread::sleep(Duration::from_millis(2));
    }
    true
}

fn slot(dir: &Path) -> ExitCode {
    let pid = std::process::id().to_string();
    let held = dir.join("held");
    if fs::create_dir_all(&held).is_err() || fs::write(held.join(&pid), "").is_err() {
        eprintln!("childproc: cannot write in {}", dir.display());
        return ExitCode::from(3);
    }
    // Released one at a time, by the test, when it has seen how many hold a
    // place at once.
    if !wait_for(&dir.join(format!("go-{pid}"))) {
        return ExitCode::from(3);
    }
    println!("released");
    ExitCode::SUCCESS
}

fn relay(wait: &str, mark: &str, text: &str) -> ExitCode {
    if wait != "-" && !wait_for(Path::new(wait)) {
        return ExitCode::from(3);
    }
    println!("{text}");
    if mark != "-" && fs::write(mark, "").is_err() {
        eprintln!("childproc: cannot create {mark}");
        return ExitCode::from(3);
    }
    ExitCode::SUCCESS
}

fn route() -> ExitCode {
    let mut stdout = io::stdout().lock();
    let mut stderr = io::stderr().lock();
    for line in io::stdin().lock().lines() {
        let Ok(line) = line else {
            return ExitCode::from(3);
        };
        let written = match line.strip_prefix("err ") {
            Some(text) => writeln!(stderr, "{text}").and_then(|()| stderr.flush()),
            None => writeln!(stdout, "{line}").and_then(|()| stdout.flush()),
        };
        if written.is_err() {
            return ExitCode::from(3);
        }
    }
    ExitCode::SUCCESS
}

/// `/dev/null` in place of a standard stream: the pipe it was is closed
/// (by this process; the reader sees its end once no one else holds it).
fn close_stdout() -> bool {
    fs::File::options()
        .write(true)
        .open("/dev/null")
        .is_ok_and(|null| nix::unistd::dup2_stdout(null).is_ok())
}

fn close_stderr() -> bool {
    fs::File::options()
        .write(true)
        .open("/dev/null")
        .is_ok_and(|null| nix::unistd::dup2_stderr(null).is_ok())
}

fn late_err(wait: &str, mark: &str, text: &str) -> ExitCode {
    {
        let mut stdout = io::stdout().lock();
        if io::copy(&mut io::stdin().lock(), &mut stdout).is_err() || stdout.flush().is_err() {
            return ExitCode::from(3);
        }
    }
    if !close_stdout() {
        eprintln!("childproc: cannot close stdout");
        return ExitCode::from(3);
    }
    if wait != "-" && !wait_for(Path::new(wait)) {
        return ExitCode::from(3);
    }
    eprintln!("{text}");
    if !close_stderr() {
        return ExitCode::from(3);
    }
    if mark != "-" && fs::write(mark, "").is_err() {
        return ExitCode::from(3);
    }
    ExitCode::SUCCESS
}

fn setsid(pidfile: &Path) -> ExitCode {
    if let Err(e) = nix::unistd::setsid() {
        eprintln!("childproc: setsid failed (a process group leader cannot): {e}");
        return ExitCode::from(3);
    }
    // Written whole, then renamed: a reader never sees half a pid.
    let partial = pidfile.with_extension("partial");
    if fs::write(&partial, std::process::id().to_string()).is_err()
        || fs::rename(&partial, pidfile).is_err()
    {
        eprintln!("childproc: cannot write {}", pidfile.display());
        return ExitCode::from(3);
    }
    thread::sleep(WAIT_LIMIT);
    ExitCode::SUCCESS
}
