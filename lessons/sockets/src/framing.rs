//! Exercise 3: messages on a stream: lines and lengths.
//!
//! TCP carries a stream of bytes, not messages. The sender writes
//! `"hello\n"` and `"world\n"`; the receiver's `read`s may return `"hel"`,
//! then `"lo\nwor"`, then `"ld\n"` — or both lines at once. Python's
//! `sock.recv(1024)` has the same behaviour, and "one `recv` is one
//! message" is the classic socket bug: it works on a quiet laptop and
//! breaks under load. A protocol says where a message ends, with a
//! **terminator**, a **fixed size**, or a **length** in front. Two codecs
//! here, over any `Read`/`Write` (a `TcpStream`, a file, a `Vec<u8>`):
//!
//! **Lines** (`LineReader`, `write_line`): a message ends with `\n` (as in
//! JSON Lines, Redis's inline commands, most text protocols). A `\r` before
//! the `\n` stays part of the line.
//!
//! - `read_line` keeps the bytes it has read but not handed out (`buf`):
//!   one `read` may hold the end of one line and the start of the next.
//!   Look for `\n` in `buf`; if there is none, `read` more and append.
//! - A line longer than `max` bytes is `LineTooLong`, as soon as `max + 1`
//!   bytes came with no `\n` among them. Without a limit, a peer that never
//!   sends `\n` fills the memory. (So no `BufRead::read_until` on its own.)
//! - A `read` of 0 is the end of the stream: `Ok(None)` if `buf` is empty
//!   (between two lines), else `Truncated`: a message cut short by a
//!   dropped connection must not look whole.
//! - `write_line` refuses a line with a `\n` inside (it would arrive as
//!   two), and sends the line and its `\n` in **one** `write_all`.
//!
//! **Length-prefixed frames** (`FrameReader`, `write_frame`): 4 bytes, the
//! payload's length as a big-endian `u32` ("network byte order",
//! `u32::to_be_bytes`), then the payload. No escaping, any bytes.
//!
//! - Read the 4 header bytes with a loop of `read`s (a `read` may give 1,
//!   2 or 3 of them), that stops early only at the end of the stream: 0
//!   bytes of header is a clean end (`Ok(None)`), 1 to 3 is `Truncated`.
//! - **Check the length against `max` before anything else**: the peer
//!   chose that number. `vec![0; len]` with a `len` of 4 GiB from a buggy
//!   or hostile peer is how a server dies. Then read the payload; even
//!   below `max`, `(&mut reader).take(len as u64).read_to_end(..)` grows
//!   the buffer only as bytes really come.
//! - A payload shorter than its length is `Truncated { got }`, where `got`
//!   counts the 4 header bytes too.
//! - `write_frame` refuses a frame above `max` (the peer would refuse it),
//!   and sends header and payload in **one** `write_all`: build one buffer.
//!
//! Why one write: with Nagle's algorithm (on by default), a second small
//! write waits until the peer acknowledges the first one, and peers delay
//! acknowledgements by up to 40 ms hoping to send them with an answer. A
//! header and a payload written apart can cost 40 ms per message. One
//! buffer avoids it; `set_nodelay(true)` turns Nagle off altogether.
//!
//! A `read` can also fail with `ErrorKind::Interrupted` (a signal came):
//! that is not an error, read again. `read_exact` and `read_to_end` do it
//! for you; a loop of your own must too.
//!
//! Run the tests with `cargo kata check sockets/framing`.

use std::error::Error;
use std::fmt;
use std::io::{self, Read, Write};

/// What can go wrong reading or writing frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// The stream ended inside a frame, after `got` bytes of it (header
    /// included). A stream that ends between two frames is not an error.
    Truncated { got: usize },
    /// More than `max` bytes came without a newline.
    LineTooLong { max: usize },
    /// A length prefix (or a frame to write) above the maximum.
    FrameTooLarge { len: usize, max: usize },
    /// A line to write contains `\n`: it would arrive as two lines.
    NewlineInLine,
    /// The reader or writer underneath failed.
    Io {
        kind: io::ErrorKind,
        message: String,
    },
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::Truncated { got } => {
                write!(f, "the stream ended inside a frame, after {got} bytes")
            }
            FrameError::LineTooLong { max } => write!(f, "no newline within {max} bytes"),
            FrameError::FrameTooLarge { len, max } => {
                write!(f, "a frame of {len} bytes, above the maximum of {max}")
            }
            FrameError::NewlineInLine => write!(f, "a line to send contains a newline"),
            FrameError::Io { message, .. } => write!(f, "{message}"),
        }
    }
}

impl Error for FrameError {}

impl From<io::Error> for FrameError {
    fn from(error: io::Error) -> FrameError {
        FrameError::Io {
            kind: error.kind(),
            message: error.to_string(),
        }
    }
}

/// Reads newline-terminated lines of at most `max` bytes from any reader.
#[derive(Debug)]
pub struct LineReader<R> {
    inner: R,
    max: usize,
    /// Bytes read from `inner` and not handed out yet.
    buf: Vec<u8>,
    /// How many bytes at the start of `buf` are known to hold no `\n`
    /// (so a long line is not searched again after every read).
    searched: usize,
}

impl<R: Read> LineReader<R> {
    pub fn new(inner: R, max: usize) -> LineReader<R> {
        todo!(
            "a LineReader over the {} for lines of at most {max} bytes",
            std::any::type_name_of_val(&inner)
        )
    }

    /// The next line, without its `\n`; `None` when the stream ends
    /// between two lines.
    pub fn read_line(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        todo!(
            "the next line from the {}: look for \\n in the {} bytes kept (after the first {}), else read more; at most {} bytes",
            std::any::type_name_of_val(&self.inner),
            self.buf.len(),
            self.searched,
            self.max
        )
    }
}

/// Writes `line` and a `\n` with one `write_all`.
pub fn write_line(out: &mut impl Write, line: &[u8]) -> Result<(), FrameError> {
    todo!(
        "write the {} bytes of the line and a newline to the {} with one write_all",
        line.len(),
        std::any::type_name_of_val(&out)
    )
}

/// Reads frames made of a 4-byte big-endian length and that many bytes.
#[derive(Debug)]
pub struct FrameReader<R> {
    inner: R,
    max: usize,
}

impl<R: Read> FrameReader<R> {
    pub fn new(inner: R, max: usize) -> FrameReader<R> {
        todo!(
            "a FrameReader over the {} for frames of at most {max} bytes",
            std::any::type_name_of_val(&inner)
        )
    }

    /// The next frame's payload; `None` when the stream ends between two
    /// frames.
    pub fn read_frame(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        todo!(
            "read a 4-byte length from the {}, check it against {}, then read the payload",
            std::any::type_name_of_val(&self.inner),
            self.max
        )
    }
}

/// Writes the 4-byte big-endian length of `frame` and `frame`, with one
/// `write_all`; refuses a frame above `max` (or above `u32::MAX`).
pub fn write_frame(out: &mut impl Write, frame: &[u8], max: usize) -> Result<(), FrameError> {
    todo!(
        "write the length of the {}-byte frame (at most {max}) and the frame to the {} with one write_all",
        frame.len(),
        std::any::type_name_of_val(&out)
    )
}
