//! Exercise 3: messages on a stream: lines and lengths.
//!
//! Reference solution. `LineReader` keeps the bytes it has read but not
//! handed out yet, and looks for `\n` only in the bytes it has not searched
//! before; it refuses a line once `max + 1` bytes came without a newline.
//! `FrameReader` reads the 4-byte header with a loop that tells "nothing at
//! all" (a clean end) from "part of it" (an error), checks the length
//! against the maximum **before** it reserves any memory, then reads the
//! payload with `take(len)`, so memory grows only as bytes really arrive.
//! Both writers hand the whole frame to one `write_all`.

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
    /// How many bytes at the start of `buf` are known to hold no `\n`.
    searched: usize,
}

// ANCHOR: line_reader
impl<R: Read> LineReader<R> {
    pub fn new(inner: R, max: usize) -> LineReader<R> {
        LineReader {
            inner,
            max,
            buf: Vec::new(),
            searched: 0,
        }
    }

    /// The next line, without its `\n`; `None` when the stream ends
    /// between two lines.
    pub fn read_line(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        loop {
            // Search only the new bytes, and no further than a line of
            // `max` bytes could need.
            let limit = self.buf.len().min(self.max.saturating_add(1));
            if let Some(at) = self.buf[self.searched..limit]
                .iter()
                .position(|&b| b == b'\n')
            {
                let end = self.searched + at;
                let line = self.buf[..end].to_vec();
                self.buf.drain(..=end); // the line and its `\n`
                self.searched = 0;
                return Ok(Some(line));
            }
            self.searched = limit;
            if self.buf.len() > self.max {
                return Err(FrameError::LineTooLong { max: self.max });
            }
            // Not a whole line yet: read more, however much comes.
            let mut chunk = [0u8; 8 * 1024];
            let n = match self.inner.read(&mut chunk) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            };
            if n == 0 {
                return match self.buf.len() {
                    0 => Ok(None),
                    got => Err(FrameError::Truncated { got }),
                };
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}
// ANCHOR_END: line_reader

// ANCHOR: write_line
/// Writes `line` and a `\n` with one `write_all`.
pub fn write_line(out: &mut impl Write, line: &[u8]) -> Result<(), FrameError> {
    if line.contains(&b'\n') {
        return Err(FrameError::NewlineInLine);
    }
    let mut bytes = Vec::with_capacity(line.len() + 1);
    bytes.extend_from_slice(line);
    bytes.push(b'\n');
    out.write_all(&bytes)?;
    Ok(())
}
// ANCHOR_END: write_line

/// Reads frames made of a 4-byte big-endian length and that many bytes.
#[derive(Debug)]
pub struct FrameReader<R> {
    inner: R,
    max: usize,
}

// ANCHOR: frame_reader
impl<R: Read> FrameReader<R> {
    pub fn new(inner: R, max: usize) -> FrameReader<R> {
        FrameReader { inner, max }
    }

    /// The next frame's payload; `None` when the stream ends between two
    /// frames.
    pub fn read_frame(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        let mut header = [0u8; 4];
        match read_full(&mut self.inner, &mut header)? {
            0 => return Ok(None),
            4 => {}
            got => return Err(FrameError::Truncated { got }),
        }
        let len = usize::try_from(u32::from_be_bytes(header)).unwrap_or(usize::MAX);
        // The peer chose this number: check it before it costs anything.
        if len > self.max {
            return Err(FrameError::FrameTooLarge { len, max: self.max });
        }
        // Memory grows with the bytes that really come, never with a
        // promise.
        let mut payload = Vec::with_capacity(len.min(64 * 1024));
        (&mut self.inner)
            .take(len as u64)
            .read_to_end(&mut payload)?;
        if payload.len() < len {
            return Err(FrameError::Truncated {
                got: 4 + payload.len(),
            });
        }
        Ok(Some(payload))
    }
}

/// Fills `buf` from `reader` with as many reads as it takes; fewer bytes
/// only if the stream ends first. Returns how many bytes were read.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}
// ANCHOR_END: frame_reader

// ANCHOR: write_frame
/// Writes the 4-byte big-endian length of `frame` and `frame`, with one
/// `write_all`; refuses a frame above `max` (or above `u32::MAX`).
pub fn write_frame(out: &mut impl Write, frame: &[u8], max: usize) -> Result<(), FrameError> {
    let len = frame.len();
    let Ok(prefix) = u32::try_from(len) else {
        return Err(FrameError::FrameTooLarge { len, max });
    };
    if len > max {
        return Err(FrameError::FrameTooLarge { len, max });
    }
    // One buffer, one write: a header and a payload written apart can wait
    // for each other (Nagle's algorithm, delayed ACKs).
    let mut bytes = Vec::with_capacity(4 + len);
    bytes.extend_from_slice(&prefix.to_be_bytes());
    bytes.extend_from_slice(frame);
    out.write_all(&bytes)?;
    Ok(())
}
// ANCHOR_END: write_frame
