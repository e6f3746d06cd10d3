//! Exercise 6: `fleetmon`, the command line. Results on stdout, logs on
//! stderr, and the exit code as an API:
//!
//! | code | meaning |
//! |---|---|
//! | 0 | every check is up |
//! | 1 | something is down (or was skipped) |
//! | 2 | a usage error or a bad inventory |
//!
//! `serve` and `demo` stop on SIGTERM or Ctrl-C: no new check starts, the
//! checks in flight end within their timeout, the page stops, exit 0.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::checks;
use crate::inventory::{Inventory, parse_duration};
use crate::report::{self, Report};
use crate::scheduler::{Cancel, Job, run_round};
use crate::status_page::{State, StatusServer};

/// The first pause between two attempts of a check (then twice that, …).
pub const BACKOFF: Duration = Duration::from_millis(200);

const AFTER_HELP: &str = "\
Exit codes:
  0  every check is up
  1  something is down (or was skipped)
  2  a usage error or a bad inventory";

/// fleetmon: checks a fleet of servers N at a time, once or every interval.
#[derive(Debug, Parser)]
#[command(name = "fleetmon", version, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// One round of every check; a report on stdout; the exit code says how it went.
    Check {
        /// The inventory (YAML, or JSON when it ends in .json).
        inventory: PathBuf,
        #[command(flatten)]
        round: RoundOptions,
        /// Report as a table for people or JSON for scripts.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// A round every interval, served over HTTP: / (a page), /status.json, /metrics, /healthz.
    Serve {
        inventory: PathBuf,
        #[command(flatten)]
        round: RoundOptions,
        /// Where the status page listens.
        #[arg(long, default_value = "127.0.0.1:9185", value_name = "ADDR")]
        listen: String,
        /// Time between the starts of two rounds (e.g. 30s, 1m).
        #[arg(long, default_value = "30s", value_parser = parse_duration, value_name = "DUR")]
        interval: Duration,
    },
    /// A simulated fleet on loopback (some servers slow, down or wrong), monitored and served.
    Demo {
        /// How many simulated servers.
        #[arg(long, default_value_t = 200)]
        servers: usize,
        /// Where the status page listens.
        #[arg(long, default_value = "127.0.0.1:9185", value_name = "ADDR")]
        listen: String,
        #[arg(long, default_value = "5s", value_parser = parse_duration, value_name = "DUR")]
        interval: Duration,
    },
}

/// Options of a round; each overrides the inventory's defaults.
#[derive(Debug, Args)]
struct RoundOptions {
    /// Checks in flight at once.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    concurrency: Option<u32>,
    /// The limit of one attempt of a check (e.g. 500ms, 2s).
    #[arg(long, value_parser = parse_duration, value_name = "DUR")]
    timeout: Option<Duration>,
    /// Attempts after a failed one.
    #[arg(long, value_name = "K")]
    retries: Option<u32>,
    /// Only the servers of shard I of N (1-based), by a hash of their names.
    #[arg(long, value_parser = parse_shard, value_name = "I/N")]
    shard: Option<(usize, usize)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// `I/N` with 1 ≤ I ≤ N.
fn parse_shard(text: &str) -> Result<(usize, usize), String> {
    let (i, n) = text
        .split_once('/')
        .ok_or_else(|| format!("`{text}` is not I/N, e.g. 2/3"))?;
    let i: usize = i
        .trim()
        .parse()
        .map_err(|_| format!("`{i}` is not a number"))?;
    let n: usize = n
        .trim()
        .parse()
        .map_err(|_| format!("`{n}` is not a number"))?;
    if n == 0 || i == 0 || i > n {
        return Err(format!("shard {i}/{n}: need 1 ≤ I ≤ N"));
    }
    Ok((i, n))
}

/// How a round runs, after the command line has overridden the inventory.
#[derive(Debug, Clone, Copy)]
struct Plan {
    concurrency: usize,
    timeout: Duration,
    retries: u32,
}

impl RoundOptions {
    fn plan(&self, inventory: &Inventory) -> Plan {
        Plan {
            concurrency: self
                .concurrency
                .map(|n| n as usize)
                .unwrap_or(inventory.defaults.concurrency),
            timeout: self.timeout.unwrap_or(inventory.defaults.timeout),
            retries: self.retries.unwrap_or(inventory.defaults.retries),
        }
    }

    fn select(&self, inventory: Inventory) -> Inventory {
        match self.shard {
            Some((i, n)) => inventory.shard(i - 1, n),
            None => inventory,
        }
    }
}

// ANCHOR: main
/// `fleetmon`'s `main`: parses the command line and runs it.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // --help and --version are not errors.
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let code = match cli.command {
        Command::Check {
            inventory,
            round,
            format,
        } => check(&inventory, &round, format),
        Command::Serve {
            inventory,
            round,
            listen,
            interval,
        } => match load(&inventory) {
            Ok(inv) => {
                let plan = round.plan(&inv);
                serve(round.select(inv), plan, &listen, interval)
            }
            Err(code) => code,
        },
        Command::Demo {
            servers,
            listen,
            interval,
        } => demo(servers, &listen, interval),
    };
    ExitCode::from(code)
}
// ANCHOR_END: main

fn load(path: &std::path::Path) -> Result<Inventory, u8> {
    Inventory::load(path).map_err(|e| {
        eprintln!("fleetmon: {e}");
        2
    })
}

fn jobs(inventory: &Inventory, plan: Plan) -> Vec<Job> {
    inventory
        .servers
        .iter()
        .flat_map(|server| {
            server.checks.iter().map(move |spec| Job {
                server: server.name.clone(),
                check: checks::build(server, spec, plan.retries, BACKOFF),
                timeout: plan.timeout,
            })
        })
        .collect()
}

/// One round of every check of `inventory`, started no later than `deadline`.
fn round(inventory: &Inventory, plan: Plan, deadline: Instant, cancel: &Cancel) -> Report {
    let started = Instant::now();
    let results = run_round(jobs(inventory, plan), plan.concurrency, deadline, cancel);
    Report {
        results,
        duration: started.elapsed(),
        finished_at: SystemTime::now(),
    }
}

fn check(path: &std::path::Path, options: &RoundOptions, format: Format) -> u8 {
    let inventory = match load(path) {
        Ok(inventory) => inventory,
        Err(code) => return code,
    };
    let plan = options.plan(&inventory);
    let inventory = options.select(inventory);
    // Started checks end within their own time limit; no round-wide one.
    let far = Instant::now() + Duration::from_secs(365 * 24 * 3600);
    let report = round(&inventory, plan, far, &Cancel::new());
    let text = match format {
        Format::Text => report::text(&report),
        Format::Json => report::json(&report),
    };
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    eprintln!("fleetmon: {}", report::summary(&report));
    report.exit_code() as u8
}

// ANCHOR: serve
/// Rounds every `interval` until SIGTERM or Ctrl-C, with the page on `listen`.
fn serve(inventory: Inventory, plan: Plan, listen: &str, interval: Duration) -> u8 {
    let state = State::new();
    let server = match StatusServer::start(listen, state.clone(), interval) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("fleetmon: cannot listen on {listen}: {e}");
            return 2;
        }
    };
    eprintln!(
        "fleetmon: status page at http://{}/ ({} servers, a round every {interval:?}; Ctrl-C to stop)",
        server.local_addr(),
        inventory.servers.len()
    );
    let cancel = Cancel::new();
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let on_signal = cancel.clone();
    if let Err(e) = ctrlc::set_handler(move || {
        on_signal.cancel();
        let _ = stop_tx.send(());
    }) {
        eprintln!("fleetmon: cannot handle signals: {e}");
        return 2;
    }
    let mut number = 0u64;
    loop {
        number += 1;
        let started = Instant::now();
        let report = round(&inventory, plan, started + interval, &cancel);
        if cancel.is_cancelled() {
            break;
        }
        // Published first: whoever reads the log line finds the round on the page.
        let line = format!("fleetmon: round {number}: {}", report::summary(&report));
        state.publish(report);
        eprintln!("{line}");
        // Wait for the next round, or for a signal: whichever comes first.
        let left = interval.saturating_sub(started.elapsed());
        match stop_rx.recv_timeout(left) {
            Err(mpsc::RecvTimeoutError::Timeout) => continue,
            _ => break,
        }
    }
    server.shutdown();
    eprintln!("fleetmon: stopped");
    0
}
// ANCHOR_END: serve

/// A simulated fleet of `count` servers, every kind of trouble included,
/// monitored and served like `serve` does.
fn demo(count: usize, listen: &str, interval: Duration) -> u8 {
    use testkit::fake_fleet::{Behaviour, FakeFleet};
    let behaviours: Vec<Behaviour> = (1..=count)
        .map(|i| match i {
            i if i % 50 == 0 => Behaviour::Hang,
            i if i % 33 == 5 => Behaviour::Refused,
            i if i % 25 == 3 => Behaviour::WrongBody,
            i if i % 20 == 7 => Behaviour::Status(500),
            i if i % 10 == 4 => Behaviour::Slow(Duration::from_millis(300)),
            _ => Behaviour::Slow(Duration::from_millis(20)),
        })
        .collect();
    let fleet = FakeFleet::start(&behaviours);
    let inventory = match Inventory::parse(&fleet.inventory_yaml(), "demo.yaml") {
        Ok(inventory) => inventory,
        Err(e) => {
            eprintln!("fleetmon: the demo inventory is wrong: {e}");
            return 2;
        }
    };
    let plan = Plan {
        concurrency: 10,
        timeout: Duration::from_secs(1),
        retries: 0,
    };
    eprintln!("fleetmon demo: {count} simulated servers on 127.0.0.1");
    let code = serve(inventory, plan, listen, interval);
    fleet.shutdown();
    code
}
