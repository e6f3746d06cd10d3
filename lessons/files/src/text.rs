//! Exercise 1: summarise a log, and `tail` it from the end.
//!
//! Python reads a log with `for line in open(path):` and the lines come
//! with their `\n`, a `UnicodeDecodeError` waiting at the first byte that
//! is not UTF-8. Here the log is read as **bytes**, line by line:
//!
//! - `BufRead::read_until(b'\n', &mut buf)` appends the bytes up to and
//!   including the next `\n` to `buf` and returns how many it read; 0 means
//!   the end. A last line without `\n` still comes back (without one).
//!   Clear `buf` before each call.
//! - Strip the line end: `\n`, or `\r\n` from a Windows machine. A `\r`
//!   left behind makes `ERROR\r` miss `ERROR`.
//! - `std::str::from_utf8(bytes)` says whether the line is valid UTF-8.
//!   If not, note its number (from 1) in `invalid_utf8` and carry on with
//!   `String::from_utf8_lossy`, which puts `U+FFFD` for the bad bytes.
//! - Each line counts once in `lines` and once in `info`, `warn`, `error`
//!   or `other`, by [`level_of`].
//!
//! Why not `text.split('\n')`? `"a\nb\n".split('\n')` gives three pieces:
//! `a`, `b` and an empty one after the last newline. `str::lines` knows
//! better, but needs the whole file as valid UTF-8 in memory first.
//!
//! **`tail`**: the last lines of a 1 GB log should cost what the last lines
//! cost, not a read of 1 GB. Seek to the end (`reader.seek(SeekFrom::End(0))`
//! gives the length), then read backwards one block of [`TAIL_BLOCK`] bytes
//! at a time (`seek(SeekFrom::Start(pos))`, `read_exact`), putting each
//! block in front of what you have, until the bytes you hold contain `n`
//! line ends *before* their last byte (so the `n`-th line from the end is
//! whole) or you reach the start of the file. Then split on `\n` from the
//! right, keep `n` pieces, and put them back in order. The tests count the
//! bytes read on a 1 GiB (sparse) file.
//!
//! Run the tests with `cargo kata check files/text`.

use std::io::{self, BufRead, Read, Seek};
use std::path::Path;

/// A log line's level: its first word that is `INFO`, `WARN` or `ERROR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// What a log holds, by level.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogSummary {
    /// Every line, whatever it holds (an empty line is a line).
    pub lines: usize,
    pub info: usize,
    pub warn: usize,
    pub error: usize,
    /// Lines with no level.
    pub other: usize,
    /// The numbers (from 1) of the lines that are not valid UTF-8. They are
    /// still counted, by what `String::from_utf8_lossy` makes of them.
    pub invalid_utf8: Vec<usize>,
}

/// The level of `line`: its first whitespace-separated word that is exactly
/// `INFO`, `WARN` or `ERROR`; `None` if no word is. (`ERROR:` is not
/// `ERROR`.) `split_whitespace` and `find_map` make it one expression.
pub fn level_of(line: &str) -> Option<Level> {
    todo!("find the first word of {line:?} that is INFO, WARN or ERROR")
}

/// Counts the lines of `reader` by level. `\n` and `\r\n` both end a line;
/// a last line without either still counts; an empty input has no lines.
pub fn summarize(reader: impl BufRead) -> io::Result<LogSummary> {
    todo!(
        "count the lines of the {} by level, with read_until",
        std::any::type_name_of_val(&reader)
    )
}

/// `summarize` on the file at `path`, through a `BufReader`.
pub fn summarize_file(path: &Path) -> io::Result<LogSummary> {
    todo!("open {path:?} and summarize it through a BufReader")
}

/// How much `tail_from` reads at a time, going backwards.
pub const TAIL_BLOCK: usize = 8 * 1024;

/// The last `n` lines of `reader` (without their line ends, as lossy
/// UTF-8), read from the end backwards, one block of [`TAIL_BLOCK`] bytes
/// at a time: the bytes read are about those of the last `n` lines.
pub fn tail_from<R: Read + Seek>(reader: R, n: usize) -> io::Result<Vec<String>> {
    todo!(
        "read the last {n} lines of the {} from its end, {TAIL_BLOCK} bytes at a time",
        std::any::type_name_of_val(&reader)
    )
}

/// `tail_from` on the file at `path`.
pub fn tail(path: &Path, n: usize) -> io::Result<Vec<String>> {
    todo!("open {path:?} and give its last {n} lines with tail_from")
}
