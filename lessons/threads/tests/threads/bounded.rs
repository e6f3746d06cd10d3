//! Exercise 4: 200 servers to check, 10 at a time, results in input order.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread;

use testkit::asleep::{Probe, others_asleep};
use testkit::rerun::in_a_process_of_its_own;
use testkit::{DEFAULT_LIMIT, wait_for, within};
use threads::bounded::{ItemPanicked, map_bounded};

/// Counts the calls running at once and remembers the highest count.
#[derive(Default)]
struct Gauge {
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl Gauge {
    fn enter(&self) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
    }

    fn leave(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }

    fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
}

// Catches: everything at once (a thread per item with no limit), `limit + 1`
// at once, or fewer than `limit` (an off-by-one, or one item at a time).
// Each call holds its place until the test lets one go. Before each release
// the test waits until `map_bounded` has settled: every thread but the
// test's asleep (the calls waiting to be let go, the caller waiting for a
// free place or a join), so nothing more can start until the test lets a
// call go. Then exactly `limit` calls must be running (fewer only once fewer
// items are left): a call admitted beyond the limit has started before
// anything settles. Runs in a process of its own, so that the threads it
// sees are map_bounded's.
// [gallery: bounded-no-limit, bounded-limit-plus-one, bounded-one-at-a-time,
// bounded-one-fewer-than-limit, bounded-polls-for-a-free-place (a loop that
// looks for a free place every millisecond never settles)]
#[test]
fn exactly_limit_calls_run_at_once() {
    in_a_process_of_its_own("bounded::exactly_limit_calls_run_at_once", || {
        const LIMIT: usize = 4;
        const ITEMS: usize = 3 * LIMIT;
        let gauge = Arc::new(Gauge::default());
        // Calls let go by the test and not yet taken by a call.
        let gate = Arc::new((Mutex::new(0usize), Condvar::new()));
        let runner = {
            let (gauge, gate) = (Arc::clone(&gauge), Arc::clone(&gate));
            thread::spawn(move || {
                map_bounded((0..ITEMS).collect(), LIMIT, |i: usize| {
                    gauge.enter();
                    let (let_go, bell) = &*gate;
                    let mut let_go = let_go.lock().unwrap();
                    while *let_go == 0 {
                        let_go = bell.wait(let_go).unwrap();
                    }
                    *let_go -= 1;
                    drop(let_go);
                    gauge.leave();
                    i * 10
                })
            })
        };
        for done in 0..ITEMS {
            wait_for(
                DEFAULT_LIMIT,
                "map_bounded to settle: every thread asleep, waiting (a loop that spins or \
                 polls for a free place never settles: wait on a condition variable, as the \
                 semaphore does)",
                || runner.is_finished() || others_asleep(),
            );
            if runner.is_finished() {
                // It ended with calls still held: it panicked (a `todo!`).
                break;
            }
            let running = gauge.now.load(Ordering::SeqCst);
            let left = ITEMS - done;
            assert_eq!(
                running,
                LIMIT.min(left),
                "{running} calls running at once with a limit of {LIMIT} ({left} items left)"
            );
            let (let_go, bell) = &*gate;
            *let_go.lock().unwrap() += 1;
            bell.notify_all();
        }
        wait_for(DEFAULT_LIMIT, "map_bounded to return", || {
            runner.is_finished()
        });
        let results = runner
            .join()
            .unwrap_or_else(|payload| std::panic::resume_unwind(payload));
        assert_eq!(gauge.peak(), LIMIT);
        let expected: Vec<Result<usize, ItemPanicked>> = (0..ITEMS).map(|i| Ok(i * 10)).collect();
        assert_eq!(results, expected);
    });
}

/// A health endpoint on 127.0.0.1 that answers `<name> up` to each line
/// `<name>`, one connection after another, for `connections` connections.
fn health_server(connections: usize) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming().take(connections) {
            let Ok(stream) = stream else { continue };
            thread::spawn(move || {
                let mut reader = BufReader::new(&stream);
                let mut name = String::new();
                if reader.read_line(&mut name).is_ok() {
                    let _ = writeln!(&stream, "{} up", name.trim());
                }
            });
        }
    });
    port
}

/// The check of one server: connect, say its name, read the answer.
fn check(port: u16, name: &str) -> String {
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the health server");
    stream.set_read_timeout(Some(DEFAULT_LIMIT)).unwrap();
    writeln!(&stream, "{name}").unwrap();
    let mut answer = String::new();
    BufReader::new(&stream).read_line(&mut answer).unwrap();
    answer.trim().to_string()
}

// The course's job for real: 200 servers, 10 at a time, each a TCP
// connection to a health endpoint on 127.0.0.1. Wrong solutions caught:
// more than 10 connections open at once; results in any order but the
// servers' own.
// Catches: [gallery: bounded-no-limit]
#[test]
fn two_hundred_servers_ten_at_a_time() {
    const SERVERS: usize = 200;
    const LIMIT: usize = 10;
    let (answers, peak) = within(DEFAULT_LIMIT * 2, "checking 200 servers", || {
        let port = health_server(SERVERS);
        let gauge = Gauge::default();
        let servers: Vec<String> = (0..SERVERS).map(|i| format!("web-{i:03}")).collect();
        let answers = map_bounded(servers, LIMIT, |name| {
            gauge.enter();
            let answer = check(port, &name);
            gauge.leave();
            answer
        });
        (answers, gauge.peak())
    });
    assert!(
        peak <= LIMIT,
        "{peak} connections open at once with a limit of {LIMIT}"
    );
    let expected: Vec<Result<String, ItemPanicked>> =
        (0..SERVERS).map(|i| Ok(format!("web-{i:03} up"))).collect();
    assert_eq!(answers, expected);
}

// Catches: results collected as the calls finish (pushed to a shared `Vec`,
// or sent through a channel in arrival order, by the item's thread). Here the
// last item finishes first and the first item last, every time: each call
// returns only once the call of the item after it has returned and that
// item's thread has settled (ended, or asleep: a worker waiting for more
// work), so whatever it does with a result on the way has been done.
// [gallery: bounded-results-in-completion-order]
#[test]
fn results_are_in_input_order_not_completion_order() {
    const ITEMS: usize = 4;
    let results = within(DEFAULT_LIMIT, "map_bounded", || {
        // Item i's thread, once its call is returning.
        let returned: Vec<OnceLock<Probe>> = (0..ITEMS).map(|_| OnceLock::new()).collect();
        map_bounded((0..ITEMS).collect(), ITEMS, |index| {
            if let Some(next) = returned.get(index + 1) {
                wait_for(
                    DEFAULT_LIMIT / 2,
                    "the next item's call to return (are all four calls running at once?)",
                    || next.get().is_some(),
                );
                let next = next.get().expect("set");
                wait_for(
                    DEFAULT_LIMIT / 2,
                    "the next item's thread to end, or to wait for more work",
                    || next.is_gone() || next.is_asleep(),
                );
            }
            let _ = returned[index].set(Probe::current());
            format!("item {index}")
        })
    });
    let expected: Vec<Result<String, ItemPanicked>> =
        (0..ITEMS).map(|i| Ok(format!("item {i}"))).collect();
    assert_eq!(results, expected, "the results are not in input order");
}

// Catches: `join().unwrap()` (or no `catch_unwind` in a worker), so that one
// server's panic takes the whole run down with it.
// [gallery: bounded-join-unwrap]
#[test]
fn a_panicking_call_fails_its_item_only() {
    let results = within(DEFAULT_LIMIT, "map_bounded", || {
        let servers: Vec<String> = (0..6).map(|i| format!("web-{i}")).collect();
        map_bounded(servers, 2, |name| {
            if name == "web-3" {
                panic!("{name} is on fire");
            }
            name.len()
        })
    });
    assert_eq!(results.len(), 6);
    assert_eq!(
        results[3],
        Err(ItemPanicked {
            index: 3,
            message: "web-3 is on fire".to_string()
        })
    );
    for (i, result) in results.iter().enumerate() {
        if i != 3 {
            assert_eq!(*result, Ok(5), "item {i}");
        }
    }
    assert_eq!(
        results[3].as_ref().unwrap_err().to_string(),
        "item 3 panicked: web-3 is on fire"
    );
}

// Catches: a place given back by hand after `f` returns, so that a panicking
// call keeps it forever: with a limit of 1, nothing after the first panic
// could ever run (the test would time out).
// [gallery: bounded-place-given-back-by-hand]
#[test]
fn a_panicking_call_gives_its_place_back() {
    let results = within(DEFAULT_LIMIT, "map_bounded with a limit of 1", || {
        map_bounded(vec![0, 1, 2, 3], 1, |i: i32| {
            if i % 2 == 0 {
                panic!("item {i} failed");
            }
            i
        })
    });
    let ok: Vec<i32> = results
        .iter()
        .filter_map(|r| r.as_ref().ok().copied())
        .collect();
    assert_eq!(ok, [1, 3]);
    assert_eq!(
        results[2],
        Err(ItemPanicked {
            index: 2,
            message: "item 2 failed".to_string()
        })
    );
}

// Catches: a limit of 0 that starts nothing and waits forever; trouble with
// no items, or with fewer items than the limit.
// [gallery: bounded-limit-zero-starts-nothing]
#[test]
fn limit_zero_counts_as_one_and_no_items_is_fine() {
    let results = within(DEFAULT_LIMIT, "map_bounded", || {
        map_bounded(vec!["a", "b"], 0, str::to_uppercase)
    });
    assert_eq!(results, vec![Ok("A".to_string()), Ok("B".to_string())]);
    let results = within(DEFAULT_LIMIT, "map_bounded", || {
        map_bounded(Vec::<u8>::new(), 3, |x| x)
    });
    assert_eq!(results, vec![]);
    let results = within(DEFAULT_LIMIT, "map_bounded", || {
        map_bounded(vec![7_u8], 50, |x| x + 1)
    });
    assert_eq!(results, vec![Ok(8)]);
}
