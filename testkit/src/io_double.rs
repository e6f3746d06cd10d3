//! I/O doubles: a reader and a writer that behave like a socket (short
//! reads, interrupted reads, short writes) while recording what happened.

/// A reader that hands its bytes out in pieces, as a socket does: each
/// `read` returns at most the rest of the current piece, however big the
/// caller's buffer. Code that assumes one `read` is one message, or that a
/// 4-byte header comes in one `read`, fails on it.
///
/// [`ShortReads::with_interruptions`] also makes the first `read` of every
/// piece fail with `ErrorKind::Interrupted` (a signal arrived), which a
/// reading loop must retry.
#[derive(Debug, Clone)]
pub struct ShortReads {
    pieces: std::collections::VecDeque<Vec<u8>>,
    interrupt: bool,
    interrupted: bool,
    consumed: usize,
}

impl ShortReads {
    /// `data` cut at the given offsets (any order; offsets past the end or
    /// repeated are ignored): `new(b"abcdef", &[1, 3])` gives `a`, `bc`,
    /// `def`.
    pub fn new(data: &[u8], cuts: &[usize]) -> ShortReads {
        let mut cuts: Vec<usize> = cuts
            .iter()
            .copied()
            .filter(|&c| c > 0 && c < data.len())
            .collect();
        cuts.sort_unstable();
        cuts.dedup();
        let mut pieces = std::collections::VecDeque::new();
        let mut start = 0;
        for cut in cuts.into_iter().chain([data.len()]) {
            if cut > start {
                pieces.push_back(data[start..cut].to_vec());
            }
            start = cut;
        }
        ShortReads {
            pieces,
            interrupt: false,
            interrupted: false,
            consumed: 0,
        }
    }

    /// Every byte in a `read` of its own.
    pub fn one_byte_at_a_time(data: &[u8]) -> ShortReads {
        let cuts: Vec<usize> = (1..data.len()).collect();
        ShortReads::new(data, &cuts)
    }

    /// Fails the first `read` of every piece with `Interrupted`.
    pub fn with_interruptions(mut self) -> ShortReads {
        self.interrupt = true;
        self
    }

    /// How many bytes have been read so far.
    pub fn consumed(&self) -> usize {
        self.consumed
    }

    /// How many bytes have not been read yet.
    pub fn remaining(&self) -> usize {
        self.pieces.iter().map(Vec::len).sum()
    }
}

impl std::io::Read for ShortReads {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let Some(piece) = self.pieces.front_mut() else {
            return Ok(0);
        };
        if self.interrupt && !self.interrupted {
            self.interrupted = true;
            return Err(std::io::ErrorKind::Interrupted.into());
        }
        let n = piece.len().min(buf.len());
        buf[..n].copy_from_slice(&piece[..n]);
        piece.drain(..n);
        if piece.is_empty() {
            self.pieces.pop_front();
            self.interrupted = false;
        }
        self.consumed += n;
        Ok(n)
    }
}

/// A writer that keeps what it is given and the size of every `write`
/// call, taking at most `max_per_write` bytes per call (a short write, as a
/// socket with a full buffer does). Code that calls `write` once instead of
/// `write_all` loses bytes on it; code that writes a header and a payload
/// in two calls shows as two entries in [`RecordingWriter::writes`].
#[derive(Debug, Clone, Default)]
pub struct RecordingWriter {
    /// Every byte written, in order.
    pub data: Vec<u8>,
    /// The number of bytes taken by each `write` call, in order.
    pub writes: Vec<usize>,
    max_per_write: usize,
}

impl RecordingWriter {
    /// A writer that takes everything it is given in one call.
    pub fn new() -> RecordingWriter {
        RecordingWriter::short(usize::MAX)
    }

    /// A writer that takes at most `max_per_write` bytes per call (at least 1).
    pub fn short(max_per_write: usize) -> RecordingWriter {
        RecordingWriter {
            data: Vec::new(),
            writes: Vec::new(),
            max_per_write: max_per_write.max(1),
        }
    }
}

impl std::io::Write for RecordingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.max_per_write);
        self.data.extend_from_slice(&buf[..n]);
        if n > 0 {
            self.writes.push(n);
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_reads_hand_out_the_pieces_and_count_them() {
        use std::io::Read;
        let mut reader = ShortReads::new(b"abcdef", &[3, 1, 1, 99]);
        let mut buf = [0u8; 16];
        assert_eq!(reader.read(&mut buf).unwrap(), 1);
        assert_eq!(&buf[..1], b"a");
        assert_eq!(reader.read(&mut buf[..1]).unwrap(), 1);
        assert_eq!(&buf[..1], b"b");
        assert_eq!(reader.consumed(), 2);
        assert_eq!(reader.remaining(), 4);
        let mut rest = Vec::new();
        reader.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, b"cdef");
        assert_eq!(reader.read(&mut buf).unwrap(), 0);

        let mut reader = ShortReads::one_byte_at_a_time(b"xyz").with_interruptions();
        let err = reader.read(&mut buf).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::Interrupted);
        assert_eq!(reader.read(&mut buf).unwrap(), 1);
        let mut all = Vec::new();
        reader.read_to_end(&mut all).unwrap();
        assert_eq!(all, b"yz");
    }

    #[test]
    fn recording_writer_takes_short_writes_and_counts_calls() {
        use std::io::Write;
        let mut writer = RecordingWriter::short(3);
        assert_eq!(writer.write(b"hello").unwrap(), 3);
        writer.write_all(b"lo!").unwrap();
        assert_eq!(writer.data, b"hello!");
        assert_eq!(writer.writes, [3, 3]);
        let mut whole = RecordingWriter::new();
        whole.write_all(b"hello").unwrap();
        assert_eq!(whole.writes, [5]);
    }
}
