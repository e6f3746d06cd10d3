//! Exercise 3: messages on a stream: lines and lengths.

use std::io::{Cursor, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::thread::{self, JoinHandle};

use proptest::prelude::*;
use proptest::test_runner::Config;
use sockets::framing::{FrameError, FrameReader, LineReader, write_frame, write_line};
use testkit::{DEFAULT_LIMIT, RecordingWriter, ShortReads, loopback_pair, within};

use crate::{current_tid, settled_sleeps};

/// The bytes of one length-prefixed frame, built by hand.
fn frame(payload: &[u8]) -> Vec<u8> {
    let mut bytes = (payload.len() as u32).to_be_bytes().to_vec();
    bytes.extend_from_slice(payload);
    bytes
}

fn all_lines(reader: &mut LineReader<impl std::io::Read>) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    while let Some(line) = reader.read_line().expect("a valid stream of lines") {
        lines.push(line);
    }
    lines
}

fn all_frames(reader: &mut FrameReader<impl std::io::Read>) -> Vec<Vec<u8>> {
    let mut frames = Vec::new();
    while let Some(frame) = reader.read_frame().expect("a valid stream of frames") {
        frames.push(frame);
    }
    frames
}

fn bytes(items: &[&str]) -> Vec<Vec<u8>> {
    items.iter().map(|s| s.as_bytes().to_vec()).collect()
}

// Wrong solution caught: one `read` taken as one line: here three lines
// come in one read, and the bytes after the first must not be lost.
// Catches: framing-line-rest-dropped.
#[test]
fn several_lines_in_one_read_come_out_one_by_one() {
    let mut reader = LineReader::new(Cursor::new(b"first\nsecond\nthird\n".to_vec()), 64);
    assert_eq!(all_lines(&mut reader), bytes(&["first", "second", "third"]));
    assert_eq!(reader.read_line(), Ok(None), "still the end");
}

// Wrong solution caught: one `read` taken as one line, the other way
// round: here each byte comes in a read of its own, and some reads are
// interrupted (`ErrorKind::Interrupted`: try again).
// Catches: framing-line-one-read.
#[test]
fn a_line_split_across_many_reads_comes_out_whole() {
    let stream = ShortReads::one_byte_at_a_time(b"hello world\nbye\n").with_interruptions();
    let mut reader = LineReader::new(stream, 64);
    assert_eq!(all_lines(&mut reader), bytes(&["hello world", "bye"]));
}

#[test]
fn empty_lines_are_lines_and_a_carriage_return_stays() {
    let mut reader = LineReader::new(Cursor::new(b"\n\nx\r\n".to_vec()), 64);
    assert_eq!(all_lines(&mut reader), bytes(&["", "", "x\r"]));
}

// Wrong solution caught: a last line without its newline handed out as if
// it were whole: a message cut short by a dropped connection must not look
// complete.
// Catches: framing-partial-last-line-returned.
#[test]
fn the_stream_ending_inside_a_line_is_an_error() {
    let mut reader = LineReader::new(Cursor::new(b"complete\npartial".to_vec()), 64);
    assert_eq!(reader.read_line(), Ok(Some(b"complete".to_vec())));
    assert_eq!(reader.read_line(), Err(FrameError::Truncated { got: 7 }));
}

// Wrong solution caught: a line reader without a limit (`read_until` on
// its own), which keeps a peer's endless line in memory. The reader must
// give up once more than `max` bytes came without a newline, without
// reading the rest of the 4 MiB.
// Catches: framing-line-without-limit, framing-line-max-off-by-one.
#[test]
fn a_line_longer_than_the_maximum_is_refused_early() {
    let mut reader = LineReader::new(Cursor::new(b"0123456789abcdef\n".to_vec()), 16);
    assert_eq!(reader.read_line(), Ok(Some(b"0123456789abcdef".to_vec())));
    let mut reader = LineReader::new(Cursor::new(b"0123456789abcdefg\n".to_vec()), 16);
    assert_eq!(reader.read_line(), Err(FrameError::LineTooLong { max: 16 }));
    // Exactly max bytes, each in a read of its own: the limit is checked
    // before the newline has come, and must still let this line through.
    let mut reader = LineReader::new(ShortReads::one_byte_at_a_time(b"0123456789abcdef\n"), 16);
    assert_eq!(
        reader.read_line(),
        Ok(Some(b"0123456789abcdef".to_vec())),
        "a line of exactly max bytes, one byte per read"
    );

    let mut endless = vec![b'a'; 4 * 1024 * 1024];
    endless.push(b'\n');
    let mut stream = ShortReads::new(&endless, &[]);
    let result = LineReader::new(&mut stream, 1024).read_line();
    assert_eq!(result, Err(FrameError::LineTooLong { max: 1024 }));
    assert!(
        stream.consumed() <= 1024 * 1024,
        "read {} bytes of a line before refusing it",
        stream.consumed()
    );
}

// Wrong solution caught: the line and its newline sent in two writes
// (over TCP with Nagle's algorithm, the second small write can wait for
// the peer's delayed acknowledgement: tens of milliseconds per message).
// Catches: framing-line-two-writes.
#[test]
fn write_line_sends_the_line_and_its_newline_in_one_write() {
    let mut out = RecordingWriter::new();
    write_line(&mut out, b"status ok").unwrap();
    assert_eq!(out.data, b"status ok\n");
    assert_eq!(out.writes, [10], "one write for the line and its newline");
}

// Wrong solutions caught: a line with a newline inside sent as it is (it
// arrives as two lines), and `write` instead of `write_all` (a short write
// loses the rest).
// Catches: framing-newline-inside-sent.
#[test]
fn write_line_refuses_a_newline_inside_and_survives_short_writes() {
    let mut out = RecordingWriter::new();
    assert_eq!(
        write_line(&mut out, b"two\nlines"),
        Err(FrameError::NewlineInLine)
    );
    assert!(out.data.is_empty(), "nothing may be written");
    let mut short = RecordingWriter::short(3);
    write_line(&mut short, b"a longer line").unwrap();
    assert_eq!(short.data, b"a longer line\n");
}

// Wrong solutions caught: a little-endian or text length, and the header
// and payload sent in two writes (Nagle's algorithm again).
// Catches: framing-little-endian, framing-frame-two-writes.
#[test]
fn a_frame_is_a_big_endian_length_and_the_bytes_in_one_write() {
    let mut out = RecordingWriter::new();
    write_frame(&mut out, b"hello", 1024).unwrap();
    assert_eq!(out.data, [0, 0, 0, 5, b'h', b'e', b'l', b'l', b'o']);
    assert_eq!(out.writes, [9], "one write for the header and the payload");
    let mut out = RecordingWriter::new();
    write_frame(&mut out, &[7u8; 300], 1024).unwrap();
    assert_eq!(out.data[..4], [0, 0, 1, 44]);
    let mut out = RecordingWriter::new();
    write_frame(&mut out, b"", 1024).unwrap();
    assert_eq!(out.data, [0, 0, 0, 0], "an empty frame is a frame");
}

// Wrong solutions caught: `write` instead of `write_all`, and a frame
// above the maximum sent anyway (the peer would refuse it).
// Catches: framing-write-not-write-all, framing-oversized-frame-written.
#[test]
fn write_frame_survives_short_writes_and_refuses_a_frame_above_the_maximum() {
    let mut short = RecordingWriter::short(2);
    write_frame(&mut short, b"abcdefg", 1024).unwrap();
    assert_eq!(short.data, frame(b"abcdefg"));
    let mut out = RecordingWriter::new();
    assert_eq!(
        write_frame(&mut out, &[0u8; 17], 16),
        Err(FrameError::FrameTooLarge { len: 17, max: 16 })
    );
    assert!(out.data.is_empty(), "nothing may be written");
}

// Wrong solution caught: one `read` for the header (or the payload),
// assuming it returns the 4 bytes (or all of them) it was asked for.
// Catches: framing-one-read-for-the-header, framing-one-read-for-the-payload.
#[test]
fn frames_split_into_single_bytes_come_out_whole() {
    let stream = [frame(b"first"), frame(b""), frame(b"third")].concat();
    let reader = ShortReads::one_byte_at_a_time(&stream).with_interruptions();
    let mut reader = FrameReader::new(reader, 1024);
    assert_eq!(all_frames(&mut reader), bytes(&["first", "", "third"]));
}

// Wrong solution caught: a reader that reads a big chunk and keeps only
// the first frame of it.
// Catches: framing-first-frame-of-a-chunk.
#[test]
fn several_frames_in_one_read_come_out_one_by_one() {
    let stream = [frame(b"one"), frame(b"two"), frame(b"three")].concat();
    let mut reader = FrameReader::new(Cursor::new(stream), 1024);
    assert_eq!(all_frames(&mut reader), bytes(&["one", "two", "three"]));
    assert_eq!(reader.read_frame(), Ok(None), "still the end");
}

// Wrong solution caught: trusting the length prefix: allocating (and
// reading) 4 GiB because the peer said so. The reader must refuse from the
// header alone: nothing after it is read.
// Catches: framing-reads-before-refusing.
#[test]
fn a_length_above_the_maximum_is_refused_from_the_header_alone() {
    let mut stream_bytes = vec![0xff, 0xff, 0xff, 0xff];
    stream_bytes.extend_from_slice(&[b'x'; 100]);
    let mut stream = ShortReads::new(&stream_bytes, &[4]);
    let result = FrameReader::new(&mut stream, 1024).read_frame();
    assert_eq!(
        result,
        Err(FrameError::FrameTooLarge {
            len: 0xffff_ffff,
            max: 1024
        })
    );
    assert_eq!(
        stream.remaining(),
        100,
        "read past the header of a refused frame"
    );

    let exactly = frame(&[1u8; 1024]);
    let mut reader = FrameReader::new(Cursor::new(exactly), 1024);
    assert_eq!(
        reader.read_frame(),
        Ok(Some(vec![1u8; 1024])),
        "max itself is fine"
    );
}

// Catches: framing-max-plus-one-accepted (the bound tested on one side
// only: `len > max + 1`, or `>` and `>=` mixed up, lets a frame of max + 1
// bytes through, or refuses max itself).
#[test]
fn a_frame_of_one_byte_more_than_the_maximum_is_refused() {
    let mut stream = ShortReads::new(&frame(&[2u8; 1025]), &[4]);
    assert_eq!(
        FrameReader::new(&mut stream, 1024).read_frame(),
        Err(FrameError::FrameTooLarge {
            len: 1025,
            max: 1024
        })
    );
    assert_eq!(
        stream.remaining(),
        1025,
        "read the payload of a refused frame"
    );
    let mut reader = FrameReader::new(Cursor::new(frame(&[3u8; 16])), 16);
    assert_eq!(reader.read_frame(), Ok(Some(vec![3u8; 16])), "max itself");
    let mut out = RecordingWriter::new();
    assert_eq!(write_frame(&mut out, &[0u8; 16], 16), Ok(()), "max itself");
}

// Wrong solutions caught: a stream that ends inside a frame taken for a
// clean end (`None`), and a short payload returned as if it were whole.
// Catches: framing-partial-header-is-end, framing-short-payload-returned.
#[test]
fn the_stream_ending_inside_a_frame_is_an_error() {
    let mut empty = FrameReader::new(Cursor::new(Vec::new()), 1024);
    assert_eq!(empty.read_frame(), Ok(None));
    let mut half_header = FrameReader::new(Cursor::new(vec![0, 0]), 1024);
    assert_eq!(
        half_header.read_frame(),
        Err(FrameError::Truncated { got: 2 })
    );
    let mut short_payload = FrameReader::new(Cursor::new(vec![0, 0, 0, 5, b'a', b'b']), 1024);
    assert_eq!(
        short_payload.read_frame(),
        Err(FrameError::Truncated { got: 6 })
    );
}

/// A reader on a thread of its own: what it sends, its handle, its kernel
/// id (see [`settled_sleeps`]).
struct Reading<T> {
    rx: mpsc::Receiver<T>,
    handle: JoinHandle<()>,
    tid: Option<u32>,
}

/// Runs `read` on a thread of its own.
fn reading<T: Send + 'static>(read: impl FnOnce() -> T + Send + 'static) -> Reading<T> {
    let (tx, rx) = mpsc::channel();
    let (tid_tx, tid_rx) = mpsc::channel();
    let handle = thread::spawn(move || {
        let _ = tid_tx.send(current_tid());
        let _ = tx.send(read());
    });
    let tid = tid_rx.recv().expect("the reader says who it is");
    Reading { rx, handle, tid }
}

/// Writes `bytes` one per `write` with Nagle off, and checks between bytes
/// that the reader has not returned before the last one. Each byte is sent
/// once the reader has woken up for the one before and waits again (or has
/// returned): so it gets them one at a time, and a reader that returns too
/// early is caught every time, however slow the machine. Returns what the
/// reader returned at last.
fn trickle<T: std::fmt::Debug + Send + 'static>(
    client: &mut TcpStream,
    bytes: &[u8],
    reader: Reading<T>,
) -> T {
    let Reading { rx, handle, tid } = reader;
    // The reader's panic (a `todo!`?).
    let propagate = |handle: JoinHandle<()>| -> ! {
        match handle.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => panic!("the reader ended without returning"),
        }
    };
    client.set_nodelay(true).unwrap();
    // Waiting for the first byte.
    let mut sleeps = settled_sleeps(tid, &handle, None);
    for (i, byte) in bytes.iter().enumerate() {
        client.write_all(&[*byte]).unwrap();
        if i + 1 == bytes.len() {
            break;
        }
        sleeps = settled_sleeps(tid, &handle, sleeps);
        match rx.try_recv() {
            Ok(early) => panic!(
                "the reader returned {early:?} after {} of {} bytes",
                i + 1,
                bytes.len()
            ),
            Err(mpsc::TryRecvError::Empty) => {}
            Err(mpsc::TryRecvError::Disconnected) => propagate(handle),
        }
    }
    match rx.recv_timeout(DEFAULT_LIMIT) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Disconnected) => propagate(handle),
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("the reader did not return after the last byte")
        }
    }
}

// Wrong solution caught: one `read` = one message, on a real socket: with
// Nagle's algorithm off and one byte per write, the frame arrives in
// pieces, and the reader must wait for all of them.
// Catches: framing-one-read-for-the-header.
#[test]
fn a_frame_sent_one_byte_at_a_time_over_tcp_comes_out_whole() {
    let (mut client, server) = loopback_pair();
    let reader = reading(move || FrameReader::new(server, 1024).read_frame());
    let got = trickle(&mut client, &frame(b"one byte at a time"), reader);
    assert_eq!(got, Ok(Some(b"one byte at a time".to_vec())));
}

// Catches: framing-line-one-read.
#[test]
fn a_line_sent_one_byte_at_a_time_over_tcp_comes_out_whole() {
    let (mut client, server) = loopback_pair();
    let reader = reading(move || LineReader::new(server, 1024).read_line());
    let got = trickle(&mut client, b"one byte at a time\n", reader);
    assert_eq!(got, Ok(Some(b"one byte at a time".to_vec())));
}

// Wrong solution caught: a reader that keeps only the first message of
// what one `read` returned: two frames (and two lines) written with one
// `write_all` arrive together.
// Catches: framing-first-frame-of-a-chunk.
#[test]
fn two_messages_in_one_write_over_tcp_both_come_out() {
    let (mut client, server) = loopback_pair();
    client
        .write_all(&[frame(b"first"), frame(b"second")].concat())
        .unwrap();
    drop(client);
    let frames = within(DEFAULT_LIMIT, "read the frames", move || {
        all_frames(&mut FrameReader::new(server, 1024))
    });
    assert_eq!(frames, bytes(&["first", "second"]));

    let (mut client, server) = loopback_pair();
    client.write_all(b"first\nsecond\n").unwrap();
    drop(client);
    let lines = within(DEFAULT_LIMIT, "read the lines", move || {
        all_lines(&mut LineReader::new(server, 1024))
    });
    assert_eq!(lines, bytes(&["first", "second"]));
}

// The state-machine view of both codecs: any frames, written one after
// the other, cut at any points into reads of any sizes (some interrupted),
// come back as they were. (No regression file: the tests folder must stay
// as sealed.)
proptest! {
    #![proptest_config(Config { failure_persistence: None, ..Config::default() })]

// Catches: framing-one-read-for-the-header.
    #[test]
    fn frames_survive_any_split_of_the_stream(
        frames in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..8),
        cuts in proptest::collection::vec(0usize..2500, 0..40),
    ) {
        let mut stream = Vec::new();
        for f in &frames {
            write_frame(&mut stream, f, 300).unwrap();
        }
        let reader = ShortReads::new(&stream, &cuts).with_interruptions();
        let mut reader = FrameReader::new(reader, 300);
        let mut got = Vec::new();
        while let Some(f) = reader.read_frame().unwrap() {
            got.push(f);
        }
        prop_assert_eq!(got, frames);
    }

// Catches: framing-line-one-read.
    #[test]
    fn lines_survive_any_split_of_the_stream(
        lines in proptest::collection::vec(
            proptest::collection::vec(any::<u8>().prop_filter("no newline", |b| *b != b'\n'), 0..100),
            0..8,
        ),
        cuts in proptest::collection::vec(0usize..900, 0..40),
    ) {
        let mut stream = Vec::new();
        for line in &lines {
            write_line(&mut stream, line).unwrap();
        }
        let reader = ShortReads::new(&stream, &cuts).with_interruptions();
        let mut reader = LineReader::new(reader, 100);
        let mut got = Vec::new();
        while let Some(line) = reader.read_line().unwrap() {
            got.push(line);
        }
        prop_assert_eq!(got, lines);
    }
}
