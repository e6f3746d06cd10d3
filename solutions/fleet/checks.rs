//! Exercise 2: the checks. One trait, three kinds (HTTP, TCP, a command),
//! and a decorator that retries with a growing pause, as in the traits
//! lesson. Every check is bounded by the time it is given: a server that
//! hangs costs its timeout, never more.

use std::fmt;
use std::io::Read;
use std::net::{TcpStream, ToSocketAddrs};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use crate::inventory::{CheckSpec, Server};

/// The most of a body an HTTP check reads to look for its text.
pub const MAX_BODY: u64 = 64 * 1024;

/// Something that can be checked. `run` answers `Ok(())` when the thing is
/// up, or `Err(reason)` in a few words (`connection refused`, `status 500,
/// expected 200`), and returns within `timeout` (plus a little to clean up).
pub trait Check: Send + Sync + fmt::Debug {
    /// What is checked, e.g. `http://10.0.0.11:8080/health`.
    fn describe(&self) -> String;
    fn run(&self, timeout: Duration) -> Result<(), String>;
}

/// `GET url`: up when the status and the body are as expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpCheck {
    pub url: String,
    pub expect_status: u16,
    pub expect_text: Option<String>,
}

/// Up when a TCP connection to `host:port` is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TcpCheck {
    pub host: String,
    pub port: u16,
}

/// Runs `program` with `args`, never through a shell, in a process group
/// of its own: up when it exits with `expect_exit`. Past the timeout the
/// whole group is killed (SIGKILL) and reaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandCheck {
    pub program: String,
    pub args: Vec<String>,
    pub expect_exit: i32,
}

/// Runs `inner` again when it fails, up to `retries` more times, pausing
/// `backoff`, then twice that, and so on between attempts. Every attempt
/// gets the whole timeout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retry<C> {
    pub inner: C,
    pub retries: u32,
    pub backoff: Duration,
}

// ANCHOR: http
impl Check for HttpCheck {
    fn describe(&self) -> String {
        self.url.clone()
    }

    fn run(&self, timeout: Duration) -> Result<(), String> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .timeout_connect(Some(timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        let mut response = agent.get(&self.url).call().map_err(|e| why(&e))?;
        let status = response.status().as_u16();
        if status != self.expect_status {
            return Err(format!("status {status}, expected {}", self.expect_status));
        }
        if let Some(text) = &self.expect_text {
            let mut body = String::new();
            response
                .body_mut()
                .as_reader()
                .take(MAX_BODY)
                .read_to_string(&mut body)
                .map_err(|e| format!("reading the body: {e}"))?;
            if !body.contains(text.as_str()) {
                return Err(format!("the body does not contain `{text}`"));
            }
        }
        Ok(())
    }
}
// ANCHOR_END: http

/// A few words for a failed request.
fn why(error: &ureq::Error) -> String {
    match error {
        ureq::Error::Timeout(_) => "timed out".into(),
        ureq::Error::Io(e) => match e.kind() {
            std::io::ErrorKind::ConnectionRefused => "connection refused".into(),
            std::io::ErrorKind::ConnectionReset => "connection reset".into(),
            std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => "timed out".into(),
            _ => e.to_string(),
        },
        other => other.to_string(),
    }
}

impl Check for TcpCheck {
    fn describe(&self) -> String {
        if self.host.contains(':') {
            format!("tcp://[{}]:{}", self.host, self.port)
        } else {
            format!("tcp://{}:{}", self.host, self.port)
        }
    }

    fn run(&self, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        let addrs: Vec<_> = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| format!("cannot resolve {}: {e}", self.host))?
            .collect();
        let mut last = String::from("no address");
        for addr in addrs {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err("timed out".into());
            }
            match TcpStream::connect_timeout(&addr, left) {
                Ok(_) => return Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                    last = "connection refused".into();
                }
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => last = "timed out".into(),
                Err(e) => last = e.to_string(),
            }
        }
        Err(last)
    }
}

// ANCHOR: command
impl Check for CommandCheck {
    fn describe(&self) -> String {
        std::iter::once(self.program.as_str())
            .chain(self.args.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn run(&self, timeout: Duration) -> Result<(), String> {
        use std::os::unix::process::CommandExt;
        let mut child = Command::new(&self.program)
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", self.program))?;
        let group = Pid::from_raw(child.id() as i32);
        // Another thread waits, so this one can give up at the deadline.
        let (tx, rx) = mpsc::channel();
        let waiter = thread::spawn(move || {
            let _ = tx.send(child.wait());
        });
        let outcome = rx.recv_timeout(timeout).ok();
        // The whole group, also after a normal exit: whatever the command
        // left running in the background goes with it.
        let _ = killpg(group, Signal::SIGKILL);
        let _ = waiter.join();
        match outcome {
            None => Err(format!("timed out after {timeout:?}")),
            Some(Err(e)) => Err(format!("waiting for {}: {e}", self.program)),
            Some(Ok(status)) => match status.code() {
                Some(code) if code == self.expect_exit => Ok(()),
                Some(code) => Err(format!("exit code {code}, expected {}", self.expect_exit)),
                None => Err("killed by a signal".into()),
            },
        }
    }
}
// ANCHOR_END: command

// ANCHOR: retry
impl<C: Check> Check for Retry<C> {
    fn describe(&self) -> String {
        self.inner.describe()
    }

    fn run(&self, timeout: Duration) -> Result<(), String> {
        let mut pause = self.backoff;
        let mut attempt = 0;
        loop {
            match self.inner.run(timeout) {
                Ok(()) => return Ok(()),
                Err(_) if attempt < self.retries => {
                    attempt += 1;
                    thread::sleep(pause);
                    pause = pause.saturating_mul(2);
                }
                Err(reason) if attempt == 0 => return Err(reason),
                Err(reason) => return Err(format!("{reason} ({} attempts)", attempt + 1)),
            }
        }
    }
}
// ANCHOR_END: retry

/// The check an inventory entry describes, on `server`, retried `retries`
/// times with a first pause of `backoff`.
pub fn build(server: &Server, spec: &CheckSpec, retries: u32, backoff: Duration) -> Box<dyn Check> {
    let host = if server.address.contains(':') {
        format!("[{}]", server.address)
    } else {
        server.address.clone()
    };
    match spec {
        CheckSpec::Http {
            port,
            path,
            expect_status,
            expect_text,
        } => Box::new(Retry {
            inner: HttpCheck {
                url: format!("http://{host}:{port}{path}"),
                expect_status: *expect_status,
                expect_text: expect_text.clone(),
            },
            retries,
            backoff,
        }),
        CheckSpec::Tcp { port } => Box::new(Retry {
            inner: TcpCheck {
                host: server.address.clone(),
                port: *port,
            },
            retries,
            backoff,
        }),
        CheckSpec::Command {
            program,
            args,
            expect_exit,
        } => Box::new(Retry {
            inner: CommandCheck {
                program: program.clone(),
                args: args.clone(),
                expect_exit: *expect_exit,
            },
            retries,
            backoff,
        }),
    }
}
