//! Exercise 5: the status page. The latest round over HTTP while the next
//! round runs: `/` an HTML page that works without JavaScript and refreshes
//! itself, `/status.json`, `/metrics` for Prometheus, `/healthz` for
//! whatever watches the watcher. Readers never wait for a round: a round
//! publishes its finished report in one short write.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, Server};

use crate::report::{self, Report};
use crate::scheduler::Status;

/// The latest finished round, shared by the rounds (one writer) and the
/// page (many readers). Clones share it.
#[derive(Debug, Clone, Default)]
pub struct State(Arc<RwLock<Option<Report>>>);

impl State {
    pub fn new() -> State {
        State::default()
    }

    /// Replaces the latest report.
    pub fn publish(&self, report: Report) {
        *self.0.write().expect("state lock") = Some(report);
    }

    /// A copy of the latest report, if a round has finished yet.
    pub fn latest(&self) -> Option<Report> {
        self.0.read().expect("state lock").clone()
    }
}

/// Text for HTML: `&`, `<`, `>`, `"` and `'` escaped.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

// ANCHOR: html
/// The status page: a summary and a table of every check (down ones
/// first), reloaded by the browser every `refresh` (a `<meta
/// http-equiv="refresh">`, no JavaScript). Before the first round it says
/// that the first round is running.
pub fn html(report: Option<&Report>, refresh: Duration) -> String {
    let mut body = String::new();
    match report {
        None => body.push_str("<p class=\"summary\">The first round is running…</p>\n"),
        Some(report) => {
            let state = if report.exit_code() == 0 { "ok" } else { "bad" };
            body.push_str(&format!(
                "<p class=\"summary {state}\">{}</p>\n",
                escape_html(&report::summary(report))
            ));
            body.push_str(
                "<table>\n<thead><tr><th>Server</th><th>Check</th><th>Status</th><th>Time</th><th>Reason</th></tr></thead>\n<tbody>\n",
            );
            let mut rows: Vec<_> = report.results.iter().collect();
            // Down first, then skipped, then up; inventory order within each.
            rows.sort_by_key(|r| match r.status {
                Status::Down(_) => 0,
                Status::Skipped(_) => 1,
                Status::Up => 2,
            });
            for r in rows {
                let (class, reason) = match &r.status {
                    Status::Up => ("up", ""),
                    Status::Down(why) => ("down", why.as_str()),
                    Status::Skipped(why) => ("skipped", why.as_str()),
                };
                body.push_str(&format!(
                    "<tr class=\"{class}\"><td>{}</td><td>{}</td><td>{class}</td><td>{:.3} s</td><td>{}</td></tr>\n",
                    escape_html(&r.server),
                    escape_html(&r.check),
                    r.elapsed.as_secs_f64(),
                    escape_html(reason)
                ));
            }
            body.push_str("</tbody>\n</table>\n");
        }
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"refresh\" content=\"{}\">\n<title>fleetmon</title>\n<style>\n{STYLE}</style>\n\
         </head>\n<body>\n<h1>fleetmon</h1>\n{body}\
         <p class=\"links\"><a href=\"/status.json\">status.json</a> · <a href=\"/metrics\">metrics</a></p>\n\
         </body>\n</html>\n",
        refresh.as_secs().max(1)
    )
}
// ANCHOR_END: html

const STYLE: &str = "body { font-family: system-ui, sans-serif; margin: 1rem; }\n\
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }\n\
th, td { text-align: left; padding: 0.25rem 0.5rem; border-bottom: 1px solid #ddd; }\n\
td:nth-child(2) { overflow-wrap: anywhere; }\n\
.summary { font-size: 1.2rem; padding: 0.5rem; border-radius: 4px; }\n\
.ok { background: #e3f6e3; } .bad { background: #fde2e2; }\n\
tr.down td { background: #fde2e2; } tr.skipped td { background: #fff4d6; }\n";

/// The HTTP server of the status page, on a thread of its own.
pub struct StatusServer {
    server: Arc<Server>,
    addr: SocketAddr,
    thread: Option<JoinHandle<()>>,
}

// `tiny_http::Server` has no `Debug`: say what can be said.
impl std::fmt::Debug for StatusServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatusServer").finish_non_exhaustive()
    }
}

// ANCHOR: server
impl StatusServer {
    /// Listens on `addr` (e.g. `127.0.0.1:0`) and serves `state`; the page
    /// asks browsers to reload every `refresh`.
    pub fn start(addr: &str, state: State, refresh: Duration) -> io::Result<StatusServer> {
        let server = Server::http(addr).map_err(|e| io::Error::other(e.to_string()))?;
        let addr = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| io::Error::other("not an IP listener"))?;
        let server = Arc::new(server);
        let serving = Arc::clone(&server);
        let thread = thread::Builder::new()
            .name("fleetmon-http".into())
            .spawn(move || {
                // `incoming` ends when `shutdown` calls `unblock`.
                for request in serving.incoming_requests() {
                    respond(request, &state, refresh);
                }
            })?;
        Ok(StatusServer {
            server,
            addr,
            thread: Some(thread),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops listening and joins the server's thread.
    pub fn shutdown(mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn respond(request: Request, state: &State, refresh: Duration) {
    let path = request.url().split('?').next().unwrap_or("").to_string();
    let head = *request.method() == Method::Head;
    if *request.method() != Method::Get && !head {
        let _ = request.respond(
            Response::from_string("only GET and HEAD\n")
                .with_status_code(405)
                .with_header(header("Allow", "GET, HEAD")),
        );
        return;
    }
    let latest = state.latest();
    let (status, content_type, body) = match path.as_str() {
        "/" => (
            200,
            "text/html; charset=utf-8",
            html(latest.as_ref(), refresh),
        ),
        "/status.json" => match &latest {
            Some(report) => (200, "application/json", report::json(report)),
            None => (
                503,
                "application/json",
                "{\"status\": \"the first round is running\"}\n".into(),
            ),
        },
        "/metrics" => match &latest {
            Some(report) => (
                200,
                "text/plain; version=0.0.4; charset=utf-8",
                report::prometheus(report),
            ),
            None => (503, "text/plain; charset=utf-8", "no round yet\n".into()),
        },
        "/healthz" => (200, "text/plain; charset=utf-8", "ok\n".into()),
        _ => (404, "text/plain; charset=utf-8", "not found\n".into()),
    };
    let mut response = Response::from_string(body)
        .with_status_code(status)
        .with_header(header("Content-Type", content_type));
    if head {
        // Same headers, no body.
        let length = response.data_length().unwrap_or(0);
        let _ = request.respond(
            Response::empty(status)
                .with_header(header("Content-Type", content_type))
                .with_header(header("Content-Length", &length.to_string())),
        );
        return;
    }
    response.add_header(header("Cache-Control", "no-store"));
    let _ = request.respond(response);
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}
// ANCHOR_END: server
