//! Lesson `sockets`: the framed echo of the reference solutions over
//! loopback, beside a plain byte copy of the same bytes over the same kind
//! of connection, in the same run.
//!
//! - Small frames (64 bytes): messages per second, one request and its
//!   reply at a time (latency-bound), and pipelined (a writer thread sends
//!   every frame through a `BufWriter` while this thread reads the echoes).
//!   With `TCP_NODELAY` on both ends, and again with the defaults (Nagle's
//!   algorithm on), which add a delayed-ACK wait at the end of each run.
//! - Large frames (1 MiB): MB/s, pipelined, `TCP_NODELAY` on both ends.
//! - The plain copy: the lesson's byte echo server (`echo_connection`), fed
//!   the same number of bytes in 64 KiB writes while this thread reads.
//! - Nagle's algorithm: a request–reply frame written as header and payload
//!   in two writes, with Nagle on and off, against one write per frame.
//!
//! Both servers are the lesson's `TcpServer` (a thread per connection), on
//! `127.0.0.1:0`; each benchmark keeps one connection for all its runs.
//!
//! `cargo bench -p benchmarks --bench sockets`; the figures and how to read
//! them are in `benches/results/sockets.md` (quoted by the book).

mod common;

use std::hint::black_box;
use std::io::{BufReader, BufWriter, Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sockets::echo::{TcpServer, echo_connection};
use sockets::framing::{FrameReader, write_frame};

/// The largest frame the servers and clients accept.
const MAX: usize = 2 * 1024 * 1024;
/// Small frames per measured run.
const SMALL_FRAMES: usize = 1_000;
const SMALL: usize = 64;
/// Large frames per measured run.
const LARGE_FRAMES: usize = 16;
const LARGE: usize = 1024 * 1024;

/// The framed echo handler: every frame read is written back, one
/// `write_frame` (one `write_all`) each.
fn framed_echo(stream: TcpStream) {
    let mut frames = FrameReader::new(BufReader::new(&stream), MAX);
    let mut out = &stream;
    while let Ok(Some(frame)) = frames.read_frame() {
        if write_frame(&mut out, &frame, MAX).is_err() {
            return;
        }
    }
}

/// The same handlers with Nagle's algorithm off on the server's side.
fn framed_echo_nodelay(stream: TcpStream) {
    stream.set_nodelay(true).expect("set TCP_NODELAY");
    framed_echo(stream)
}

fn plain_echo_nodelay(stream: TcpStream) {
    stream.set_nodelay(true).expect("set TCP_NODELAY");
    echo_connection(stream)
}

/// A server with `handler` and a client connected to it, with Nagle's
/// algorithm off on the client's side if `nodelay`.
fn start(name: &str, handler: fn(TcpStream), nodelay: bool) -> (TcpServer, TcpStream) {
    let server = TcpServer::start("127.0.0.1:0", name, handler).expect("start a server");
    let client = TcpStream::connect(server.local_addr()).expect("connect");
    client.set_nodelay(nodelay).expect("set TCP_NODELAY");
    client
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    (server, client)
}

/// Sends `count` frames of `payload` through a `BufWriter` on a scoped
/// thread while this thread reads the `count` echoes.
fn framed_pipelined(client: &TcpStream, payload: &[u8], count: usize) -> usize {
    thread::scope(|scope| {
        scope.spawn(|| {
            let mut out = BufWriter::with_capacity(64 * 1024, client);
            for _ in 0..count {
                write_frame(&mut out, payload, MAX).expect("send a frame");
            }
            out.flush().expect("flush the frames");
        });
        let mut frames = FrameReader::new(BufReader::with_capacity(64 * 1024, client), MAX);
        let mut bytes = 0;
        for _ in 0..count {
            bytes += frames
                .read_frame()
                .expect("read an echo")
                .expect("an echo, not the end")
                .len();
        }
        bytes
    })
}

/// Sends `total` bytes in 64 KiB writes on a scoped thread while this
/// thread reads `total` bytes back.
fn plain_copy(client: &TcpStream, total: usize) -> usize {
    let chunk = vec![7u8; 64 * 1024];
    thread::scope(|scope| {
        scope.spawn(|| {
            let mut out = client;
            let mut left = total;
            while left > 0 {
                let n = left.min(chunk.len());
                out.write_all(&chunk[..n]).expect("send bytes");
                left -= n;
            }
        });
        let mut buf = vec![0u8; 64 * 1024];
        let mut got = 0;
        let mut reader = client;
        while got < total {
            let n = reader.read(&mut buf).expect("read the echo");
            assert!(n > 0, "the echo server closed early");
            got += n;
        }
        got
    })
}

/// One request–reply round trip of a frame of `payload`, the frame written
/// with one write, or as header and payload in two writes.
fn round_trip(client: &TcpStream, payload: &[u8], two_writes: bool) -> usize {
    let mut out = client;
    if two_writes {
        out.write_all(&(payload.len() as u32).to_be_bytes())
            .expect("send a header");
        out.write_all(payload).expect("send a payload");
    } else {
        write_frame(&mut out, payload, MAX).expect("send a frame");
    }
    let mut header = [0u8; 4];
    let mut reader = client;
    reader.read_exact(&mut header).expect("read a header");
    let mut reply = vec![0u8; u32::from_be_bytes(header) as usize];
    reader.read_exact(&mut reply).expect("read a payload");
    reply.len()
}

fn small_frames(c: &mut Criterion) {
    let mut group = c.benchmark_group("sockets/64 B frames");
    group.throughput(Throughput::Elements(SMALL_FRAMES as u64));
    let payload = vec![1u8; SMALL];

    let (server, client) = start("bframed", framed_echo_nodelay, true);
    group.bench_function("framed echo, one request-reply at a time", |b| {
        b.iter(|| {
            let mut bytes = 0;
            for _ in 0..SMALL_FRAMES {
                bytes += round_trip(&client, &payload, false);
            }
            black_box(bytes)
        })
    });
    group.bench_function("framed echo, pipelined", |b| {
        b.iter(|| black_box(framed_pipelined(&client, &payload, SMALL_FRAMES)))
    });
    drop(client);
    server.shutdown();

    let (server, client) = start("bplain", plain_echo_nodelay, true);
    group.bench_function("plain byte copy, same bytes", |b| {
        b.iter(|| black_box(plain_copy(&client, SMALL_FRAMES * (SMALL + 4))))
    });
    drop(client);
    server.shutdown();

    // The same two, with the sockets' defaults: Nagle's algorithm on.
    let (server, client) = start("bframed", framed_echo, false);
    group.bench_function("framed echo, pipelined, Nagle on", |b| {
        b.iter(|| black_box(framed_pipelined(&client, &payload, SMALL_FRAMES)))
    });
    drop(client);
    server.shutdown();

    let (server, client) = start("bplain", echo_connection, false);
    group.bench_function("plain byte copy, same bytes, Nagle on", |b| {
        b.iter(|| black_box(plain_copy(&client, SMALL_FRAMES * (SMALL + 4))))
    });
    drop(client);
    server.shutdown();
    group.finish();
}

fn large_frames(c: &mut Criterion) {
    let mut group = c.benchmark_group("sockets/1 MiB frames");
    group.throughput(Throughput::Bytes((LARGE_FRAMES * LARGE) as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(4));
    let payload = vec![1u8; LARGE];

    let (server, client) = start("bframed", framed_echo_nodelay, true);
    group.bench_function("framed echo, pipelined", |b| {
        b.iter(|| black_box(framed_pipelined(&client, &payload, LARGE_FRAMES)))
    });
    drop(client);
    server.shutdown();

    let (server, client) = start("bplain", plain_echo_nodelay, true);
    group.bench_function("plain byte copy, same bytes", |b| {
        b.iter(|| black_box(plain_copy(&client, LARGE_FRAMES * (LARGE + 4))))
    });
    drop(client);
    server.shutdown();
    group.finish();
}

fn nagle(c: &mut Criterion) {
    let mut group = c.benchmark_group("sockets/Nagle, one 64 B request-reply");
    group.throughput(Throughput::Elements(1));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(4));
    let payload = vec![1u8; SMALL];
    for (label, two_writes, nodelay) in [
        ("one write per frame", false, false),
        ("header and payload in two writes, Nagle on", true, false),
        ("header and payload in two writes, TCP_NODELAY", true, true),
    ] {
        let (server, client) = start("bnagle", framed_echo, nodelay);
        group.bench_function(BenchmarkId::from_parameter(label), |b| {
            b.iter(|| black_box(round_trip(&client, &payload, two_writes)))
        });
        drop(client);
        server.shutdown();
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = small_frames, large_frames, nagle
}
criterion_main!(benches);
