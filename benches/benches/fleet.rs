//! Lesson `fleet`: the reference `fleetmon` against the Python notes' way of
//! doing the same job, in one run, on the same fake fleet.
//!
//! - **A round.** testkit's `FakeFleet`, every server answering after 20 ms
//!   (`Behaviour::Slow`), one `http` check each, checked by `fleetmon check
//!   --format json` (the lesson's reference solution, run as a process:
//!   `src/bin/fleetmon-ref.rs`) and by `python/fleet_threadpool.py`
//!   (`ThreadPoolExecutor` + `urllib.request`), each reading the same
//!   inventory file. 200 servers 10 at a time, then 2,000 servers 100 at a
//!   time: both have an ideal round of 20 × 20 ms = 0.40 s. Each tool times
//!   its own round (fleetmon's `duration_seconds`, the script's `seconds`),
//!   and the bench times each whole process. Runs alternate between the two.
//!   A third row is the floor: the same requests sent by threads of the
//!   bench itself over bare `TcpStream`s, with no HTTP client at all.
//! - **Memory.** `fleetmon serve` over 100 short rounds (200 servers that
//!   answer at once, a round every 100 ms, `/` and `/metrics` fetched after
//!   each round): its resident memory (`VmRSS`) and threads, read from
//!   `/proc/<pid>/status` (Linux only) after each round.
//!
//! Not criterion: a measurement is a whole round of hundreds of
//! milliseconds compared with an ideal, or a process's memory over time.
//! `cargo bench -p benchmarks --bench fleet` measures (about a minute);
//! `cargo test` runs it without `--bench`: one small round of each and five
//! rounds of `serve`, a few seconds, to prove that it still works.
//! `FLEET_BENCH_ROUNDS=1000` watches the memory of `serve` for longer. The
//! figures are in `benches/results/fleet.md` (quoted by the book). Without
//! `python3` on the PATH the Python side is skipped, with a message.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;
use testkit::fake_fleet::{Behaviour, FakeFleet};

/// The reference fleetmon (the lesson's `fleet::cli::main`, solution build).
const FLEETMON: &str = env!("CARGO_BIN_EXE_fleetmon-ref");
/// The Python notes' approach.
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/python/fleet_threadpool.py");
/// How long each fake server takes to answer.
const LATENCY: Duration = Duration::from_millis(20);
/// The most any one process may take: a hang fails the bench, never hangs it.
const LIMIT: Duration = Duration::from_secs(120);

/// One comparison: `servers` checked `concurrency` at a time, `runs` times
/// by each tool.
struct Case {
    servers: usize,
    concurrency: usize,
    runs: usize,
    /// The target, as a multiple of the ideal round (none in the quick run).
    target: Option<f64>,
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test` does not.
    let full = std::env::args().any(|a| a == "--bench");
    let python = python3_works();
    if !python {
        println!("python3 not found (or it does not run): the Python side is skipped");
    }
    let cases = if full {
        vec![
            Case {
                servers: 200,
                concurrency: 10,
                runs: 15,
                target: Some(1.10),
            },
            Case {
                servers: 2_000,
                concurrency: 100,
                runs: 7,
                target: Some(1.20),
            },
        ]
    } else {
        vec![Case {
            servers: 20,
            concurrency: 10,
            runs: 1,
            target: None,
        }]
    };
    for case in &cases {
        round(case, python);
    }
    // FLEET_BENCH_ROUNDS=1000: watch the memory for longer.
    let rounds = std::env::var("FLEET_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if full { 100 } else { 5 });
    memory(rounds);
}

/// Runs each tool `case.runs` times on one fleet and prints a table.
fn round(case: &Case, python: bool) {
    let fleet = FakeFleet::uniform(case.servers, Behaviour::Slow(LATENCY));
    let dir = tempfile::tempdir().expect("a temporary folder");
    let inventory = dir.path().join("fleet.json");
    std::fs::write(&inventory, inventory_json(&fleet)).expect("write the inventory");
    let ideal = case.servers.div_ceil(case.concurrency) as f64 * LATENCY.as_secs_f64();
    let (mut ours, mut theirs, mut bare) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..case.runs {
        ours.push(fleetmon_check(&inventory, case));
        if python {
            theirs.push(python_check(&inventory, case));
        }
        bare.push(bare_round(&fleet, case.concurrency));
    }
    println!(
        "\n### {} servers × {} ms, {} at a time (ideal {ideal:.2} s), {}\n",
        case.servers,
        LATENCY.as_millis(),
        case.concurrency,
        match case.runs {
            1 => "one run each".to_string(),
            n => format!("{n} runs each"),
        }
    );
    println!("| tool | round (median) | × ideal | min – max | process |");
    println!("|---|---|---|---|---|");
    print_row("fleetmon", &ours, ideal);
    if python {
        print_row("Python", &theirs, ideal);
    } else {
        println!("| Python | skipped: no python3 | | | |");
    }
    print_row("floor", &bare, ideal);
    if let Some(target) = case.target {
        let median = stats(&ours.iter().map(|t| t.round).collect::<Vec<_>>()).0;
        let verdict = if median <= ideal * target {
            "met"
        } else {
            "MISSED"
        };
        println!(
            "\nfleetmon's target, its median round within {target:.2}× of the ideal: \
             {verdict} ({:.2}×)",
            median / ideal
        );
    }
    fleet.shutdown();
}

/// The times of one run: the round as the tool measured it, and the whole
/// process as the bench did.
#[derive(Debug, Clone, Copy)]
struct Times {
    round: f64,
    /// None when no process was started (the floor).
    process: Option<f64>,
}

fn fleetmon_check(inventory: &Path, case: &Case) -> Times {
    let ran = run(Command::new(FLEETMON).args([
        "check".as_ref(),
        inventory.as_os_str(),
        "--concurrency".as_ref(),
        case.concurrency.to_string().as_ref(),
        "--timeout".as_ref(),
        "2s".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
    ]));
    assert_eq!(ran.code, Some(0), "fleetmon check failed:\n{}", ran.stderr);
    let doc: Value = serde_json::from_str(&ran.stdout).expect("fleetmon's JSON report");
    assert_eq!(doc["summary"]["up"], case.servers, "{}", ran.stderr);
    Times {
        round: doc["duration_seconds"].as_f64().expect("duration_seconds"),
        process: Some(ran.wall.as_secs_f64()),
    }
}

fn python_check(inventory: &Path, case: &Case) -> Times {
    let ran = run(Command::new("python3").args([
        SCRIPT.as_ref(),
        inventory.as_os_str(),
        "--workers".as_ref(),
        case.concurrency.to_string().as_ref(),
        "--timeout".as_ref(),
        "2".as_ref(),
    ]));
    assert_eq!(
        ran.code,
        Some(0),
        "the Python script failed:\n{}",
        ran.stderr
    );
    let doc: Value = serde_json::from_str(&ran.stdout).expect("the script's JSON summary");
    assert_eq!(doc["up"], case.servers, "{}", ran.stderr);
    Times {
        round: doc["seconds"].as_f64().expect("seconds"),
        process: Some(ran.wall.as_secs_f64()),
    }
}

fn print_row(tool: &str, times: &[Times], ideal: f64) {
    let (median, min, max) = stats(&times.iter().map(|t| t.round).collect::<Vec<_>>());
    let process = match stats(&times.iter().filter_map(|t| t.process).collect::<Vec<_>>()) {
        (median, _, _) if median.is_nan() => "–".to_string(),
        (median, _, _) => format!("{median:.3} s"),
    };
    println!(
        "| {tool} | **{median:.3} s** | {:.2}× | {min:.3} – {max:.3} | {process} |",
        median / ideal
    );
}

/// (median, min, max); NaN for no values.
fn stats(values: &[f64]) -> (f64, f64, f64) {
    if values.is_empty() {
        return (f64::NAN, f64::NAN, f64::NAN);
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    (median, sorted[0], sorted[n - 1])
}

/// The floor of this machine and this fake fleet: `concurrency` threads of
/// this process, each taking the next server from a shared counter and
/// sending it a bare `GET` over a `std` `TcpStream` (no HTTP client, no
/// parsing, no process to start). What is left above the ideal here is
/// the fake fleet's and the kernel's, not a client's.
fn bare_round(fleet: &FakeFleet, concurrency: usize) -> Times {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let servers = fleet.servers();
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    thread::scope(|scope| {
        for _ in 0..concurrency.min(servers.len()) {
            scope.spawn(|| {
                while let Some(server) = servers.get(next.fetch_add(1, Ordering::SeqCst)) {
                    let mut stream = TcpStream::connect(server.addr).expect("connect");
                    stream
                        .set_read_timeout(Some(Duration::from_secs(10)))
                        .expect("a read timeout");
                    stream
                        .write_all(b"GET /health HTTP/1.1\r\nHost: bench\r\n\r\n")
                        .expect("send the request");
                    let mut response = Vec::new();
                    let _ = stream.read_to_end(&mut response);
                    assert!(response.starts_with(b"HTTP/1.1 200 OK"), "a bare GET");
                }
            });
        }
    });
    Times {
        round: started.elapsed().as_secs_f64(),
        process: None,
    }
}

/// The fleet as an inventory in fleetmon's JSON form, which the Python
/// script reads too: one `http` check of `/health` per server, expecting
/// 200 and `OK`.
fn inventory_json(fleet: &FakeFleet) -> String {
    let servers: Vec<Value> = fleet
        .servers()
        .iter()
        .map(|s| {
            serde_json::json!({
                "name": s.name,
                "address": "127.0.0.1",
                "checks": [{"http": {"port": s.addr.port(), "path": "/health",
                                      "expect_status": 200, "expect_text": "OK"}}],
            })
        })
        .collect();
    serde_json::json!({ "servers": servers }).to_string()
}

fn python3_works() -> bool {
    Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

struct Ran {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    wall: Duration,
}

/// Runs `command` to its end, within [`LIMIT`].
fn run(command: &mut Command) -> Ran {
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    let stdout = read_all(child.stdout.take().expect("piped stdout"));
    let stderr = read_all(child.stderr.take().expect("piped stderr"));
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the child") {
            break status;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{command:?} took more than {LIMIT:?}");
        }
        thread::sleep(Duration::from_millis(1));
    };
    let wall = started.elapsed();
    Ran {
        code: status.code(),
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
        wall,
    }
}

fn read_all(mut from: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = from.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

/// `fleetmon serve` over `rounds` short rounds: its memory and threads
/// after each round, from `/proc/<pid>/status`.
fn memory(rounds: u64) {
    if !Path::new("/proc/self/status").exists() {
        println!("\nno /proc: the memory of `fleetmon serve` is measured on Linux only");
        return;
    }
    let fleet = FakeFleet::uniform(200, Behaviour::Healthy);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let inventory = dir.path().join("fleet.json");
    std::fs::write(&inventory, inventory_json(&fleet)).expect("write the inventory");
    let mut child = Command::new(FLEETMON)
        .arg("serve")
        .arg(&inventory)
        .args(["--listen", "127.0.0.1:0", "--interval", "100ms"])
        .args(["--concurrency", "10", "--timeout", "2s"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start fleetmon serve");
    let pid = child.id();
    let stderr = child.stderr.take().expect("piped stderr");
    let (tx, lines) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let next_line = || {
        lines
            .recv_timeout(LIMIT)
            .expect("fleetmon serve wrote nothing for too long")
    };
    let mut addr = None;
    let mut samples: Vec<(u64, u64, u64, String)> = Vec::new();
    let mut round = 0;
    while round < rounds {
        let line = next_line();
        if let Some(rest) = line.split("status page at http://").nth(1) {
            addr = rest.split('/').next().map(str::to_string);
            continue;
        }
        let Some(rest) = line.strip_prefix("fleetmon: round ") else {
            continue;
        };
        let (number, summary) = rest.split_once(": ").expect("round N: summary");
        round = number.parse().expect("a round number");
        let addr = addr.as_deref().expect("the page's address comes first");
        for path in ["/", "/metrics"] {
            assert!(get(addr, path).starts_with("HTTP/1.1 200"), "GET {path}");
        }
        let (rss, threads) = proc_status(pid);
        samples.push((round, rss, threads, summary.to_string()));
    }
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for fleetmon") {
            break status;
        }
        assert!(started.elapsed() < LIMIT, "fleetmon serve did not stop");
        thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(status.code(), Some(0), "fleetmon serve's exit on SIGTERM");
    println!("\n### Memory of `fleetmon serve`, {rounds} rounds of 200 servers\n");
    println!("| after round | VmRSS | threads | the round took |");
    println!("|---|---|---|---|");
    for (round, rss, threads, summary) in &samples {
        if [1, 2, 5, 10, 25, 50, 75, 100, 250, 500, 750].contains(round) || *round == rounds {
            // "200 checks: 200 up, 0 down, 0 skipped in 0.04 s": the time.
            let took = summary.rsplit(" in ").next().unwrap_or(summary);
            println!("| {round} | {rss} kB | {threads} | {took} |");
        }
    }
    let max = samples.iter().map(|s| s.1).max().unwrap_or(0);
    let min = samples.iter().map(|s| s.1).min().unwrap_or(0);
    println!("\nVmRSS from {min} kB to {max} kB over {rounds} rounds");
    fleet.shutdown();
}

/// (VmRSS in kB, Threads) of a process.
fn proc_status(pid: u32) -> (u64, u64) {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc/PID/status");
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("Threads:"))
}

/// One GET over a fresh connection; the whole response.
fn get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect to fleetmon");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a read timeout");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"
    )
    .expect("send the request");
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response
}
