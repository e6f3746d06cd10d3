#!/usr/bin/env python3
"""The Python notes' Flask system monitor, grown into a fleet monitor.

The notes' page showed one machine's CPU and memory and reloaded itself every
5 seconds (`<meta http-equiv="refresh">`). This one shows the last round of
`fleet_threadpool.py` (the same check, the same ThreadPoolExecutor), run
again every `--interval` seconds on a background thread, with `/metrics` for
Prometheus. It is the book's "Coming from Python" comparison for fleetmon's
`serve`; it needs Flask (`pip install flask`). Not part of the benchmark.

    python3 fleet_flask.py INVENTORY.json [--workers 10] [--timeout 2]
                           [--interval 30] [--port 5000]
"""

import argparse
import html
import json
import threading
import time

from flask import Flask, Response

from fleet_threadpool import http_checks, run_round

app = Flask(__name__)

# ANCHOR: state
latest = None  # (checks, results, seconds) of the last round, or None
lock = threading.Lock()


def rounds(checks, workers, timeout, interval):
    """A round every `interval` seconds, forever (a daemon thread)."""
    global latest
    while True:
        started = time.monotonic()
        results = run_round(checks, workers, timeout)
        with lock:
            latest = (checks, results, time.monotonic() - started)
        time.sleep(max(0.0, interval - (time.monotonic() - started)))
# ANCHOR_END: state


# ANCHOR: routes
@app.route("/")
def index():
    with lock:
        last = latest
    if last is None:
        body = "<p>The first round is running…</p>"
    else:
        checks, results, seconds = last
        down = sum(why is not None for why in results)
        rows = "".join(
            f"<tr><td>{html.escape(c['server'])}</td><td>{html.escape(c['url'])}</td>"
            f"<td>{'up' if why is None else 'down'}</td><td>{html.escape(why or '')}</td></tr>"
            for c, why in zip(checks, results)
        )
        body = (f"<p>{len(results)} checks: {len(results) - down} up, {down} down"
                f" in {seconds:.2f} s</p><table>{rows}</table>")
    return ('<!DOCTYPE html><html><head><meta http-equiv="refresh" content="5">'
            f"<title>fleet</title></head><body><h1>fleet</h1>{body}</body></html>")


@app.route("/metrics")
def metrics():
    with lock:
        last = latest
    if last is None:
        return Response("no round yet\n", status=503, mimetype="text/plain")
    checks, results, _ = last
    lines = ["# TYPE fleet_check_up gauge"]
    for c, why in zip(checks, results):
        server = c["server"].replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'fleet_check_up{{server="{server}"}} {int(why is None)}')
    return Response("\n".join(lines) + "\n", mimetype="text/plain; version=0.0.4")
# ANCHOR_END: routes


# ANCHOR: main
if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inventory")
    parser.add_argument("--workers", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--interval", type=float, default=30.0)
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    with open(args.inventory, encoding="utf-8") as f:
        checks = http_checks(json.load(f))
    threading.Thread(target=rounds, daemon=True,
                     args=(checks, args.workers, args.timeout, args.interval)).start()
    app.run(host="127.0.0.1", port=args.port)
# ANCHOR_END: main
