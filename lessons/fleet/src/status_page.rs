//! Exercise 5: the status page. The latest round over HTTP while the next
//! round runs: `/` an HTML page that works without JavaScript and refreshes
//! itself, `/status.json`, `/metrics` for Prometheus, `/healthz` for
//! whatever watches the watcher. Readers never wait for a round: a round
//! publishes its finished report in one short write.
//!
//! The sockets lesson built an HTTP server by hand; here `tiny_http` does
//! the protocol: `Server::http(addr)`, `server.incoming_requests()` on a
//! thread of its own, `request.respond(Response::from_string(..)
//! .with_status_code(..).with_header(..))`, and `server.unblock()` to end
//! the loop. Keep the `Server` in an `Arc` so `shutdown` can reach it.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use crate::report::Report;

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

/// Text for HTML: `&`, `<`, `>`, `"` and `'` escaped (`&amp;`, `&lt;`,
/// `&gt;`, `&quot;`, `&#39;`). A server named `<script>` in an inventory
/// must not run in a browser.
pub fn escape_html(text: &str) -> String {
    todo!("escape_html: escape {text:?}")
}

/// The status page: a complete HTML document (`<!DOCTYPE html>`, a
/// `<meta name="viewport" …>` for phones, `<meta http-equiv="refresh"
/// content="SECS">` with `refresh` in whole seconds, at least 1), the
/// [`summary`](crate::report::summary) line, and a `<table>` with one row
/// per check, down ones first, then skipped, then up (inventory order
/// within each), every text escaped. No JavaScript. Before the first round
/// (`None`) the page says `The first round is running`.
pub fn html(report: Option<&Report>, refresh: Duration) -> String {
    todo!(
        "html: the page for {:?} checks, reloading every {refresh:?}",
        report.map(|r| r.results.len())
    )
}

/// The HTTP server of the status page, on a thread of its own.
pub struct StatusServer {
    // Yours to choose: the tiny_http server, its address, its thread.
}

// `tiny_http::Server` has no `Debug`: say what can be said.
impl std::fmt::Debug for StatusServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatusServer").finish_non_exhaustive()
    }
}

impl StatusServer {
    /// Listens on `addr` (e.g. `127.0.0.1:0`: any free port) and serves
    /// `state` on a thread of its own until [`StatusServer::shutdown`]:
    ///
    /// | request | answer |
    /// |---|---|
    /// | `GET /` | 200, `text/html; charset=utf-8`, [`html`] |
    /// | `GET /status.json` | 200, `application/json`, [`json`](crate::report::json); 503 before the first round |
    /// | `GET /metrics` | 200, `text/plain; version=0.0.4; charset=utf-8`, [`prometheus`](crate::report::prometheus); 503 before the first round |
    /// | `GET /healthz` | 200, `ok` |
    /// | another path | 404 |
    /// | `HEAD` of any of these | the same status and headers, no body |
    /// | another method | 405 with `Allow: GET, HEAD` |
    ///
    /// A query string (`/metrics?x=1`) does not change the path. An address
    /// that cannot be listened on is an `io::Error`, not a panic.
    pub fn start(addr: &str, state: State, refresh: Duration) -> io::Result<StatusServer> {
        let _ = state;
        todo!("StatusServer::start: serve the state on {addr}, pages reloading every {refresh:?}")
    }

    /// Where it listens (the real port when started on port 0).
    pub fn local_addr(&self) -> SocketAddr {
        todo!("StatusServer::local_addr")
    }

    /// Stops listening and joins the server's thread: when it returns, the
    /// port is closed and no thread of the server is left.
    pub fn shutdown(self) {
        todo!("StatusServer::shutdown: stop the server and join its thread")
    }
}
