#!/usr/bin/env python3
"""The Python notes' monitor: every server of a fleet, 10 at a time.

The standard library only: `concurrent.futures.ThreadPoolExecutor` is the
job queue in front of a pool of threads, `urllib.request` makes the HTTP
request. It reads `fleetmon`'s inventory in its JSON form (the `http`
checks; `tcp` and `command` checks are fleetmon's alone), checks each one
with at most `--workers` in flight, and answers like `fleetmon check`: one
line per check that is down on stderr, a JSON summary on stdout, exit 0 when
every check is up, 1 when one is not, 2 for a bad command line or inventory.

    python3 fleet_threadpool.py INVENTORY.json [--workers 10] [--timeout 2]

The fleet lesson's benchmark (benches/benches/fleet.rs) runs it beside the
reference fleetmon against the same fake fleet, and the book's "Coming from
Python" page shows it.
"""

import argparse
import json
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

MAX_BODY = 64 * 1024


# ANCHOR: check
def check(url, expect_status, expect_text, timeout):
    """None when the server is up, else why it is down, in a few words."""
    try:
        # `timeout` bounds the connection and each read, not the request.
        with urllib.request.urlopen(url, timeout=timeout) as response:
            status = response.status
            body = response.read(MAX_BODY).decode("utf-8", "replace")
    except urllib.error.HTTPError as e:  # a 4xx or 5xx is an exception here
        status, body = e.code, ""
        e.close()
    except OSError as e:  # refused, timed out, reset, unknown host
        return str(getattr(e, "reason", e))
    if status != expect_status:
        return f"status {status}, expected {expect_status}"
    if expect_text is not None and expect_text not in body:
        return f"the body does not contain `{expect_text}`"
    return None
# ANCHOR_END: check


# ANCHOR: inventory
def http_checks(inventory):
    """The inventory's http checks, in inventory order, as plain dicts."""
    checks = []
    for server in inventory["servers"]:
        host = server["address"]
        if ":" in host:  # an IPv6 address goes in brackets in a URL
            host = f"[{host}]"
        for spec in server["checks"]:
            http = spec.get("http")
            if http is None:
                continue
            checks.append({
                "server": server["name"],
                "url": f"http://{host}:{http['port']}{http.get('path', '/')}",
                "expect_status": http.get("expect_status", 200),
                "expect_text": http.get("expect_text"),
            })
    return checks
# ANCHOR_END: inventory


# ANCHOR: round
def run_round(checks, workers, timeout):
    """One result per check, in inventory order, `workers` at a time."""
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(
            lambda c: check(c["url"], c["expect_status"], c["expect_text"], timeout),
            checks,
        ))
# ANCHOR_END: round


# ANCHOR: main
def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inventory")
    parser.add_argument("--workers", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=2.0)
    args = parser.parse_args()  # a usage error exits 2, like fleetmon's
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    try:
        with open(args.inventory, encoding="utf-8") as f:
            checks = http_checks(json.load(f))
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"fleet_threadpool: {args.inventory}: {e!r}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    results = run_round(checks, args.workers, args.timeout)
    seconds = time.perf_counter() - started
    for c, why in zip(checks, results):
        if why is not None:
            print(f"{c['server']}  {c['url']}  down  {why}", file=sys.stderr)
    down = sum(why is not None for why in results)
    summary = {"total": len(results), "up": len(results) - down, "down": down,
               "seconds": round(seconds, 3)}
    print(json.dumps(summary))
    return 0 if down == 0 else 1
# ANCHOR_END: main


if __name__ == "__main__":
    sys.exit(main())
