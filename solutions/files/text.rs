//! Exercise 1: summarise a log, and `tail` it from the end.
//!
//! Reference solution. `summarize` reads bytes up to each `\n` with
//! `read_until`, so a line that is not UTF-8 is counted (and its number
//! kept) instead of ending the read with an error, and a last line without
//! `\n` counts like the others. `tail_from` seeks to the end and reads
//! backwards one block at a time until it has seen enough line ends: the
//! cost depends on the length of the last lines, not of the file.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
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

// ANCHOR: level_of
/// The level of `line`: its first whitespace-separated word that is exactly
/// `INFO`, `WARN` or `ERROR`; `None` if no word is.
pub fn level_of(line: &str) -> Option<Level> {
    line.split_whitespace().find_map(|word| match word {
        "INFO" => Some(Level::Info),
        "WARN" => Some(Level::Warn),
        "ERROR" => Some(Level::Error),
        _ => None,
    })
}
// ANCHOR_END: level_of

// ANCHOR: summarize
/// Counts the lines of `reader` by level. `\n` and `\r\n` both end a line;
/// a last line without either still counts; an empty input has no lines.
pub fn summarize(mut reader: impl BufRead) -> io::Result<LogSummary> {
    let mut summary = LogSummary::default();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            return Ok(summary);
        }
        summary.lines += 1;
        let line = trim_line_end(&buf);
        let text = match std::str::from_utf8(line) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => {
                summary.invalid_utf8.push(summary.lines);
                String::from_utf8_lossy(line)
            }
        };
        match level_of(&text) {
            Some(Level::Info) => summary.info += 1,
            Some(Level::Warn) => summary.warn += 1,
            Some(Level::Error) => summary.error += 1,
            None => summary.other += 1,
        }
    }
}
// ANCHOR_END: summarize

/// `summarize` on the file at `path`, through a `BufReader`.
pub fn summarize_file(path: &Path) -> io::Result<LogSummary> {
    summarize(BufReader::new(File::open(path)?))
}

/// `line` without its `\n` or `\r\n`.
fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// How much `tail_from` reads at a time, going backwards.
pub const TAIL_BLOCK: usize = 8 * 1024;

// ANCHOR: tail_from
/// The last `n` lines of `reader` (without their line ends, as lossy
/// UTF-8), read from the end backwards, one block of [`TAIL_BLOCK`] bytes
/// at a time: the bytes read are about those of the last `n` lines.
pub fn tail_from<R: Read + Seek>(mut reader: R, n: usize) -> io::Result<Vec<String>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let end = reader.seek(SeekFrom::End(0))?;
    let mut start = end;
    // The bytes from `start` to the end of the file.
    let mut tail: Vec<u8> = Vec::new();
    loop {
        // Enough once the bytes hold `n` line ends before the last byte:
        // then the `n` lines after the `n`-th one from the end are whole.
        let newlines = tail
            .iter()
            .take(tail.len().saturating_sub(1))
            .filter(|&&b| b == b'\n')
            .count();
        if newlines >= n || start == 0 {
            break;
        }
        let block = TAIL_BLOCK.min(usize::try_from(start).unwrap_or(TAIL_BLOCK));
        start -= block as u64;
        reader.seek(SeekFrom::Start(start))?;
        let mut chunk = vec![0; block];
        reader.read_exact(&mut chunk)?;
        chunk.extend_from_slice(&tail);
        tail = chunk;
    }
    let body = tail.strip_suffix(b"\n").unwrap_or(&tail);
    let mut lines: Vec<String> = body
        .rsplit(|&b| b == b'\n')
        .take(n)
        .map(|line| String::from_utf8_lossy(trim_line_end(line)).into_owned())
        .collect();
    // An empty input has no lines, not one empty one.
    if tail.is_empty() {
        lines.clear();
    }
    lines.reverse();
    Ok(lines)
}
// ANCHOR_END: tail_from

/// `tail_from` on the file at `path`.
pub fn tail(path: &Path, n: usize) -> io::Result<Vec<String>> {
    tail_from(File::open(path)?, n)
}
