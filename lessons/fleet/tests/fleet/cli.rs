use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use testkit::fake_fleet::{Behaviour, FakeFleet};
use testkit::{DEFAULT_LIMIT, process_running, process_state, unique_marker, wait_for, within};

use crate::write_temp;

/// A child's output inside a test's failure message, indented as assert_cmd
/// quotes it: its own `thread 'main' panicked at` lines (a `todo!`'s among
/// them) stay part of the message instead of starting a new one.
fn quoted(text: &str) -> String {
    text.lines().map(|line| format!("    {line}\n")).collect()
}

fn fleetmon() -> Command {
    Command::new(env!("CARGO_BIN_EXE_fleetmon"))
}

/// Runs `fleetmon ARGS` to the end (bounded): (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let (code, stdout, stderr) = within(DEFAULT_LIMIT, "fleetmon", move || {
        let out = fleetmon()
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .expect("run fleetmon");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    });
    // 101: a Rust panic (a `todo!` among them); no exit code of ours.
    assert_ne!(code, 101, "fleetmon panicked:\n{}", quoted(&stderr));
    (code, stdout, stderr)
}

fn inventory_of(fleet: &FakeFleet) -> (tempfile::TempDir, String) {
    let (dir, path) = write_temp("fleet.yaml", &fleet.inventory_yaml());
    (dir, path.display().to_string())
}

#[test]
fn check_reports_a_mixed_fleet_and_exits_1() {
    let fleet = FakeFleet::start(&[
        Behaviour::Healthy,
        Behaviour::Status(500),
        Behaviour::Healthy,
        Behaviour::Refused,
    ]);
    let (_dir, inventory) = inventory_of(&fleet);
    let (code, stdout, stderr) = run(&["check", &inventory, "--timeout", "2s"]);
    // Catches: exit-0-when-down (a monitor whose exit code a script
    // cannot trust).
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.starts_with("SERVER"),
        "the table on stdout: {stdout}"
    );
    assert!(stdout.contains("status 500, expected 200"), "{stdout}");
    assert!(stdout.contains("connection refused"), "{stdout}");
    assert!(
        stdout.contains("4 checks: 2 up, 2 down, 0 skipped"),
        "{stdout}"
    );
    // Catches: logs-on-stdout (a summary mixed into the report breaks
    // `fleetmon check … --format json | jq`).
    assert!(stderr.contains("4 checks: 2 up, 2 down"), "{stderr}");
    let healthy = FakeFleet::uniform(3, Behaviour::Healthy);
    let (_dir, inventory) = inventory_of(&healthy);
    assert_eq!(run(&["check", &inventory]).0, 0);
}

#[test]
fn check_writes_json_for_scripts() {
    let fleet = FakeFleet::start(&[Behaviour::Healthy, Behaviour::WrongBody]);
    let (_dir, inventory) = inventory_of(&fleet);
    let (code, stdout, _) = run(&["check", &inventory, "--format", "json"]);
    assert_eq!(code, 1);
    // Catches: logs-on-stdout (a summary line after the JSON is no JSON).
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("only JSON on stdout");
    assert_eq!(doc["schema"], 1);
    assert_eq!(doc["checks"][0]["server"], "web-001");
    assert_eq!(doc["checks"][1]["reason"], "the body does not contain `OK`");
}

#[test]
fn never_more_than_n_checks_at_once_and_n_reached() {
    // Catches: cli-ignores-concurrency (the option parsed, the inventory's
    // 10 used anyway). The scheduler's own tests catch an unbounded one.
    let fleet = FakeFleet::uniform(12, Behaviour::Gated);
    let (_dir, inventory) = inventory_of(&fleet);
    let mut running = Serving::start(&[
        "check",
        &inventory,
        "--concurrency",
        "4",
        "--timeout",
        "10s",
    ]);
    running.wait_until("4 checks in flight", || fleet.in_flight() >= 4);
    // 4 in flight may be a monitor still starting more: look once every
    // thread of fleetmon is asleep, waiting for the gated answers. Then it
    // has started all the checks it is going to, and each open one is a
    // socket, whether or not the fleet has accepted it yet.
    let pid = running.child.0.id();
    let mut asleep_seen = false;
    running.wait_until("fleetmon asleep, waiting for its checks", || {
        match process_state::process_asleep(pid) {
            Some(asleep) => {
                asleep_seen = asleep;
                asleep
            }
            None => true,
        }
    });
    if asleep_seen {
        assert_eq!(
            process_state::open_sockets(pid),
            Some(4),
            "sockets open while fleetmon waits for its checks"
        );
    } else {
        // No `/proc` (macOS): nothing tells us fleetmon is done starting
        // checks, so this catch depends on it being quick.
        thread::sleep(Duration::from_millis(500));
    }
    assert_eq!(fleet.in_flight(), 4);
    fleet.open_gate();
    assert_eq!(running.child.wait_bounded(), Some(0), "{:#?}", running.log);
    assert_eq!(fleet.max_in_flight(), 4);
    assert_eq!(fleet.connections(), 12);
}

#[test]
fn a_hanging_server_is_down_after_the_timeout() {
    let fleet = FakeFleet::start(&[Behaviour::Hang, Behaviour::Healthy]);
    let (_dir, inventory) = inventory_of(&fleet);
    let (code, stdout, _) = run(&["check", &inventory, "--timeout", "300ms"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("timed out"), "{stdout}");
}

#[test]
fn retries_come_from_the_command_line() {
    let fleet = FakeFleet::start(&[Behaviour::Refused]);
    let (_dir, inventory) = inventory_of(&fleet);
    let (_, stdout, _) = run(&["check", &inventory, "--retries", "2"]);
    assert!(
        stdout.contains("connection refused (3 attempts)"),
        "{stdout}"
    );
}

#[test]
fn a_command_check_past_its_timeout_leaves_nothing_running() {
    let marker = format!("60.{}", unique_marker());
    let yaml = format!(
        "servers:\n  - name: a\n    address: 127.0.0.1\n    checks:\n      - command: {{ program: sh, args: [\"-c\", \"sleep {marker} & sleep {marker}; wait\"] }}\n"
    );
    let (_dir, path) = write_temp("fleet.yaml", &yaml);
    let (code, stdout, _) = run(&["check", &path.display().to_string(), "--timeout", "300ms"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("timed out"), "{stdout}");
    wait_for(DEFAULT_LIMIT, "no sleep left", || !process_running(&marker));
}

#[test]
fn a_bad_inventory_exits_2_with_where_and_what() {
    // Catches: inventory-error-exit-1 (a typo in the inventory reported as
    // "something is down": the pager goes off for the wrong reason).
    let (_dir, path) = write_temp(
        "fleet.yaml",
        "servers:\n  - name: web-01\n    address: 10.0.0.1\n    checks:\n      - tcp: { port: 0 }\n",
    );
    let path = path.display().to_string();
    let (code, stdout, stderr) = run(&["check", &path]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stdout, "");
    assert!(stderr.contains(&format!("{path}:5:")), "{stderr}");
    assert!(stderr.contains("server `web-01`"), "{stderr}");
    assert!(stderr.contains("servers[0].checks[0].tcp.port"), "{stderr}");
    let (code, _, stderr) = run(&["check", "/no/such/inventory.yaml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("/no/such/inventory.yaml"), "{stderr}");
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    for args in [
        &["check"][..],
        &["check", "x.yaml", "--concurrency", "0"],
        &["check", "x.yaml", "--shard", "4/3"],
        &["check", "x.yaml", "--shard", "0/3"],
        &["check", "x.yaml", "--timeout", "2"],
        &["check", "x.yaml", "--format", "xml"],
        &["frobnicate"],
    ] {
        let (code, stdout, stderr) = run(args);
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(!stderr.is_empty(), "{args:?}: say what was wrong");
    }
    let (code, stdout, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("Exit codes"), "{stdout}");
    assert!(
        stdout.contains("check") && stdout.contains("serve"),
        "{stdout}"
    );
}

#[test]
fn shards_split_the_fleet_exactly() {
    // Catches: shard-off-by-one (I/N read as 0-based: shard N/N is empty
    // and shard 0/N is refused, or the other way round).
    let fleet = FakeFleet::uniform(20, Behaviour::Healthy);
    let (_dir, inventory) = inventory_of(&fleet);
    let mut seen = Vec::new();
    for shard in ["1/3", "2/3", "3/3"] {
        let (code, stdout, _) = run(&["check", &inventory, "--shard", shard, "--format", "json"]);
        assert_eq!(code, 0);
        let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        for check in doc["checks"].as_array().unwrap() {
            let name = check["server"].as_str().unwrap().to_string();
            assert_eq!(
                fleet::inventory::shard_of(&name, 3) + 1,
                shard[..1].parse::<usize>().unwrap(),
                "{name} in shard {shard}"
            );
            seen.push(name);
        }
    }
    seen.sort();
    let all: Vec<_> = fleet.servers().iter().map(|s| s.name.clone()).collect();
    assert_eq!(seen, all);
}

/// A child that is killed and reaped if the test ends before it does.
struct Reaped(Child);

impl Reaped {
    /// Waits (bounded) for the child to exit; its exit code.
    fn wait_bounded(&mut self) -> Option<i32> {
        let mut status = None;
        wait_for(DEFAULT_LIMIT, "fleetmon to exit", || {
            status = self.0.try_wait().expect("wait for fleetmon");
            status.is_some()
        });
        status.and_then(|s| s.code())
    }
}

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `fleetmon serve`/`demo` running, its stderr read line by line.
struct Serving {
    child: Reaped,
    lines: mpsc::Receiver<String>,
    log: Vec<String>,
}

impl Serving {
    fn start(args: &[&str]) -> Serving {
        let mut child = fleetmon()
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start fleetmon");
        let stderr = child.stderr.take().expect("piped stderr");
        let (tx, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Serving {
            child: Reaped(child),
            lines,
            log: Vec::new(),
        }
    }

    /// Waits (bounded) for a stderr line containing `needle`.
    fn line_with(&mut self, needle: &str) -> String {
        let deadline = std::time::Instant::now() + DEFAULT_LIMIT;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.log.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "no stderr line with {needle:?}; fleetmon wrote:\n{}",
                    quoted(&self.log.join("\n"))
                ),
            }
        }
    }

    /// `wait_for`, but fleetmon exiting first fails the test with what it
    /// wrote on stderr (a panic's message, a `todo!`'s).
    fn wait_until(&mut self, what: &str, mut condition: impl FnMut() -> bool) {
        wait_for(DEFAULT_LIMIT, what, || {
            if condition() {
                return true;
            }
            if let Ok(Some(status)) = self.child.0.try_wait() {
                while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(1)) {
                    self.log.push(line);
                }
                panic!(
                    "fleetmon exited ({status}) while the test waited for {what}:\n{}",
                    quoted(&self.log.join("\n"))
                );
            }
            false
        });
    }

    /// The status page's address, from `status page at http://ADDR/`.
    fn addr(&mut self) -> String {
        let line = self.line_with("status page at http://");
        let start = line.find("http://").unwrap() + "http://".len();
        line[start..].split('/').next().unwrap().to_string()
    }

    fn terminate(&mut self) -> Option<i32> {
        kill(Pid::from_raw(self.child.0.id() as i32), Signal::SIGTERM).expect("send SIGTERM");
        self.child.wait_bounded()
    }
}

fn http_get(addr: &str, path: &str) -> (u16, String) {
    let (addr, path) = (addr.to_string(), path.to_string());
    within(DEFAULT_LIMIT, "GET from fleetmon", move || {
        let mut stream = TcpStream::connect(&addr).expect("connect to fleetmon");
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut text = String::new();
        stream.read_to_string(&mut text).unwrap();
        let status = text.split(' ').nth(1).unwrap().parse().unwrap();
        let body = text.split_once("\r\n\r\n").unwrap().1.to_string();
        (status, body)
    })
}

#[test]
fn serve_publishes_rounds_and_stops_cleanly_on_sigterm() {
    let fleet = FakeFleet::start(&[Behaviour::Healthy, Behaviour::Status(503)]);
    let (_dir, inventory) = inventory_of(&fleet);
    let mut serving = Serving::start(&[
        "serve",
        &inventory,
        "--listen",
        "127.0.0.1:0",
        "--interval",
        "200ms",
    ]);
    let addr = serving.addr();
    assert_eq!(http_get(&addr, "/healthz").0, 200);
    // Two rounds: the second proves the loop goes on.
    serving.line_with("round 2:");
    let (status, body) = http_get(&addr, "/status.json");
    assert_eq!(status, 200);
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["summary"]["up"], 1);
    assert_eq!(doc["summary"]["down"], 1);
    let (status, metrics) = http_get(&addr, "/metrics");
    assert_eq!(status, 200);
    assert!(
        metrics.contains("fleetmon_check_up{server=\"web-002\""),
        "{metrics}"
    );
    // Catches: sigterm-ignored and sigterm-exit-nonzero (systemd and
    // Kubernetes stop a service with SIGTERM and read its exit code).
    assert_eq!(serving.terminate(), Some(0));
    assert!(
        TcpStream::connect(&addr).is_err(),
        "the page still listens after fleetmon exited"
    );
}

#[test]
fn sigterm_during_a_round_ends_it_within_the_timeout() {
    // Catches: sigterm-waits-for-round (a stop that waits for every
    // remaining check: 60 hanging servers at 1 at a time would take a minute).
    let fleet = FakeFleet::uniform(60, Behaviour::Hang);
    let (_dir, inventory) = inventory_of(&fleet);
    let mut serving = Serving::start(&[
        "serve",
        &inventory,
        "--listen",
        "127.0.0.1:0",
        "--concurrency",
        "1",
        "--timeout",
        "1s",
    ]);
    serving.addr();
    wait_for(DEFAULT_LIMIT, "a check in flight", || {
        fleet.in_flight() == 1
    });
    // Catches: sigterm-ignored too (killed by the signal: no exit code).
    assert_eq!(serving.terminate(), Some(0));
    assert!(fleet.connections() < 10, "it went on checking");
}

#[test]
fn demo_serves_a_simulated_fleet() {
    let mut serving = Serving::start(&[
        "demo",
        "--servers",
        "30",
        "--listen",
        "127.0.0.1:0",
        "--interval",
        "2s",
    ]);
    let addr = serving.addr();
    serving.line_with("round 1:");
    let (status, body) = http_get(&addr, "/status.json");
    assert_eq!(status, 200);
    let doc: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["summary"]["total"], 30);
    assert!(
        doc["summary"]["down"].as_u64().unwrap() > 0,
        "some trouble is simulated"
    );
    let (status, page) = http_get(&addr, "/");
    assert_eq!(status, 200);
    assert!(page.contains("30 checks"), "{page}");
    assert_eq!(serving.terminate(), Some(0));
}
