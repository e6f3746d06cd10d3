//! What the book's "Rust you need" boxes say about code that compiles: each
//! test proves one claim, and the parts between `ANCHOR` lines are the code
//! the boxes show (whole functions, so that they start at the left margin).

use std::any::Any;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, TryLockError};
use std::thread;
use std::time::Duration;

const NOT_TEXT: &str = "a panic whose payload is not text";

/// The text of a panic payload, as threads/spawn_join's `panic_message`.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text.to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        NOT_TEXT.to_string()
    }
}

#[test]
// ANCHOR: payload
fn the_box_or_what_is_inside() {
    let payload: Box<dyn Any + Send> = thread::spawn(|| panic!("the sauce burnt"))
        .join()
        .unwrap_err();
    // The box itself: compiles, and is an `Any` whose type is the box.
    assert_eq!(panic_message(&payload), NOT_TEXT);
    // The value inside the box: the `&str` given to `panic!`.
    assert_eq!(panic_message(&*payload), "the sauce burnt");
}
// ANCHOR_END: payload

#[test]
// ANCHOR: channel
fn three_threads_one_receiver() {
    let (sender, receiver) = mpsc::channel::<String>(); // both ends at once
    for n in 1..=3 {
        let sender = sender.clone(); // one sender per thread
        thread::spawn(move || sender.send(format!("web-{n} up")).unwrap());
    }
    drop(sender); // keep none: the loop below ends when every sender is gone
    let mut answers: Vec<String> = receiver.iter().collect(); // recv() until Err
    answers.sort();
    assert_eq!(answers, ["web-1 up", "web-2 up", "web-3 up"]);
}
// ANCHOR_END: channel

#[test]
// ANCHOR: jobs
fn boxed_closures_through_a_channel() {
    type Job = Box<dyn FnOnce() + Send + 'static>;
    let (sender, receiver) = mpsc::channel::<Job>();
    let report = String::from("row 7 inserted");
    sender.send(Box::new(move || println!("{report}"))).unwrap();
    sender.send(Box::new(|| println!("mail sent"))).unwrap();
    drop(sender);
    while let Ok(job) = receiver.recv() {
        job(); // a `Box<dyn FnOnce()>` is called like the closure inside
    }
}
// ANCHOR_END: jobs

/// Whether `lock` is free right now.
fn lock_is_free<T>(lock: &Mutex<T>) -> bool {
    !matches!(lock.try_lock(), Err(TryLockError::WouldBlock))
}

/// A shared receiver holding one job, as a pool's workers see it.
fn one_job_queued() -> Arc<Mutex<mpsc::Receiver<u32>>> {
    let (sender, receiver) = mpsc::channel::<u32>();
    sender.send(1).unwrap();
    Arc::new(Mutex::new(receiver))
}

#[test]
// ANCHOR: while_let_holds
fn while_let_holds_the_lock_in_the_body() {
    let receiver = one_job_queued(); // Arc<Mutex<Receiver<u32>>>, one job
    while let Ok(job) = receiver.lock().unwrap().recv() {
        // The guard of `lock()` lives until the end of this body: while this
        // job runs, no other worker can take the next one.
        assert!(!lock_is_free(&receiver), "job {job}: the lock is held");
    }
}
// ANCHOR_END: while_let_holds

#[test]
// ANCHOR: let_releases
fn let_releases_the_lock_at_its_semicolon() {
    let receiver = one_job_queued();
    loop {
        let next = receiver.lock().unwrap().recv(); // guard dropped at the `;`
        let Ok(job) = next else { break };
        assert!(lock_is_free(&receiver), "job {job}: the lock is free");
    }
}
// ANCHOR_END: let_releases

// ANCHOR: drain
struct Pool {
    workers: Vec<thread::JoinHandle<()>>,
}

impl Drop for Pool {
    fn drop(&mut self) {
        // `drain(..)` moves the handles out and leaves the field empty:
        // `self` stays whole, as `&mut self` requires.
        for worker in self.workers.drain(..) {
            worker.join().unwrap();
        }
    }
}
// ANCHOR_END: drain

#[test]
fn drain_moves_the_handles_out_of_a_borrowed_struct() {
    let finished = Arc::new(Mutex::new(0));
    let workers = (0..3)
        .map(|_| {
            let finished = Arc::clone(&finished);
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(20));
                *finished.lock().unwrap() += 1;
            })
        })
        .collect();
    drop(Pool { workers });
    assert_eq!(*finished.lock().unwrap(), 3, "drop joined every worker");
}

// ANCHOR: borrow_f
fn map_scoped<T, R, F>(items: Vec<T>, f: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let f = &f; // a `&F` is `Copy` (and `Send`, since `F: Sync`)
    thread::scope(|scope| {
        let mut handles = Vec::new();
        for item in items {
            // `move` copies the reference `f` and moves `item`.
            handles.push(scope.spawn(move || f(item)));
        }
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}
// ANCHOR_END: borrow_f

#[test]
fn a_reference_to_f_is_copied_into_each_closure() {
    assert_eq!(map_scoped(vec![1, 2, 3], |n| n * 2), [2, 4, 6]);
}

// traits/display: only `pad` honours the width and alignment of `{:>5}`.
struct Written;
struct Padded;

impl std::fmt::Display for Written {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("tcp")
    }
}

impl std::fmt::Display for Padded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad("tcp")
    }
}

#[test]
// ANCHOR: pad
fn only_pad_honours_the_width() {
    assert_eq!(format!("[{:>5}]", Written), "[tcp]"); // width ignored
    assert_eq!(format!("[{:>5}]", Padded), "[  tcp]");
    assert_eq!(format!("[{:<5}]", Padded), "[tcp  ]");
    assert_eq!(format!("[{:.1}]", Padded), "[t]"); // a precision cuts
}
// ANCHOR_END: pad

#[test]
// ANCHOR: stream_both_ways
fn read_and_write_through_a_shared_reference() {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        // `&TcpStream` is `Read` and `Write`: two `&` borrows at once are
        // fine, where two `&mut stream` are not.
        std::io::copy(&mut &stream, &mut &stream).unwrap()
    });
    let mut client = TcpStream::connect(addr).unwrap();
    client.write_all(b"ping").unwrap();
    client.shutdown(std::net::Shutdown::Write).unwrap(); // "no more from me"
    let mut echoed = Vec::new();
    client.read_to_end(&mut echoed).unwrap();
    assert_eq!(echoed, b"ping");
    assert_eq!(server.join().unwrap(), 4);
}
// ANCHOR_END: stream_both_ways
