//! Exercise 1: summarise a log, and `tail` it from the end.

use std::fs::File;
use std::io::{self, Cursor, Read, Seek, SeekFrom, Write};

use files::text::{Level, LogSummary, level_of, summarize, summarize_file, tail, tail_from};

use crate::write_file;

// Catches: text-level-by-substring, text-level-splits-on-spaces: a level
// found with `contains`, so that `ERROR:` or a later `ERROR` count; and
// words split on `' '` only, so that a tab-separated `ERROR` is missed.
#[test]
fn the_level_is_the_first_word_that_names_one() {
    assert_eq!(
        level_of("2026-11-25T04:10:00Z INFO started"),
        Some(Level::Info)
    );
    assert_eq!(
        level_of("web-1 WARN disk 91% ERROR later"),
        Some(Level::Warn)
    );
    assert_eq!(
        level_of("ERROR: no such host"),
        None,
        "`ERROR:` is not `ERROR`"
    );
    assert_eq!(level_of("web-1\tERROR\tdisk full"), Some(Level::Error));
    assert_eq!(level_of("information only"), None);
    assert_eq!(level_of(""), None);
}

#[test]
fn lines_are_counted_by_level() {
    let log = "t0 INFO boot\nt1 WARN slow disk\nt2 ERROR crash\nt3 INFO up\nplain line\n";
    assert_eq!(
        summarize(log.as_bytes()).unwrap(),
        LogSummary {
            lines: 5,
            info: 2,
            warn: 1,
            error: 1,
            other: 1,
            invalid_utf8: vec![],
        }
    );
}

// Catches: text-split-on-newline: counting `split('\n')` pieces, which makes a
// final newline an extra empty line (and an empty file one line).
#[test]
fn a_final_newline_ends_a_line_and_does_not_start_one() {
    let with = summarize("a INFO x\nb INFO y\n".as_bytes()).unwrap();
    let without = summarize("a INFO x\nb INFO y".as_bytes()).unwrap();
    assert_eq!(with.lines, 2);
    assert_eq!(without.lines, 2, "a last line without newline still counts");
    assert_eq!(without.info, 2);
    assert_eq!(summarize("".as_bytes()).unwrap(), LogSummary::default());
    let blank = summarize("\n\n".as_bytes()).unwrap();
    assert_eq!((blank.lines, blank.other), (2, 2), "empty lines are lines");
}

// A `\r` left at the end of each line: `ERROR\r` is not `ERROR` to a
// `level_of` that splits on spaces (text-level-splits-on-spaces is caught
// by the test above; with `split_whitespace`, `\r` is whitespace and no
// count changes, so `tail`'s test below is the one that catches
// text-keeps-carriage-return).
#[test]
fn crlf_line_ends_are_handled() {
    let summary = summarize("x INFO a\r\ny ERROR\r\nz WARN\r\n".as_bytes()).unwrap();
    assert_eq!(
        (summary.lines, summary.info, summary.error, summary.warn),
        (3, 1, 1, 1)
    );
}

// Catches: text-bufread-lines, text-invalid-lines-counted-from-0:
// `BufRead::lines()`, which stops with an error at
// the first line that is not UTF-8 (or a `?` that gives up the whole file).
#[test]
fn lines_that_are_not_utf8_are_counted_and_reported() {
    let mut log = b"a INFO ok\n".to_vec();
    log.extend_from_slice(b"b ERROR caf\xe9 down\n");
    log.extend_from_slice(b"c INFO ok\n\xff\xfe\n");
    let summary = summarize(log.as_slice()).unwrap();
    assert_eq!(summary.lines, 4);
    assert_eq!(summary.invalid_utf8, vec![2, 4]);
    assert_eq!(summary.error, 1, "line 2 is still an ERROR line");
    assert_eq!(summary.info, 2);
    assert_eq!(summary.other, 1);
}

// Catches: text-summarize-file-as-string: the file read with
// `read_to_string`, which fails on its one line that is not UTF-8.
#[test]
fn summarize_file_reads_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(dir.path(), "app.log", b"t INFO a\nt WARN caf\xe9\n");
    let summary = summarize_file(&path).unwrap();
    assert_eq!((summary.lines, summary.info, summary.warn), (2, 1, 1));
    assert_eq!(summary.invalid_utf8, [2]);
    assert!(summarize_file(&dir.path().join("missing.log")).is_err());
}

#[test]
fn tail_gives_the_last_lines_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let text: String = (1..=100).map(|n| format!("line {n}\n")).collect();
    let path = write_file(dir.path(), "app.log", &text);
    assert_eq!(tail(&path, 3).unwrap(), ["line 98", "line 99", "line 100"]);
    assert_eq!(tail(&path, 0).unwrap(), Vec::<String>::new());
    assert_eq!(
        tail(&path, 500).unwrap().len(),
        100,
        "asking for more gives all"
    );
}

// Catches: text-keeps-carriage-return: `b\r` instead of `b`.
#[test]
fn tail_handles_crlf_no_final_newline_and_tiny_files() {
    let lines = |text: &str, n| tail_from(Cursor::new(text.as_bytes().to_vec()), n).unwrap();
    assert_eq!(lines("a\r\nb\r\nc\r\n", 2), ["b", "c"]);
    assert_eq!(lines("a\nb\nc", 2), ["b", "c"]);
    assert_eq!(lines("only", 5), ["only"]);
    assert_eq!(lines("", 5), Vec::<String>::new());
    assert_eq!(lines("a\n\nb\n", 2), ["", "b"]);
}

// Catches: text-tail-cuts-at-block-boundary: a `tail` at a block boundary that loses or cuts a
// line (lines are longer than the block here, and fall across blocks).
#[test]
fn tail_joins_lines_that_cross_blocks() {
    let long: Vec<String> = (0..6).map(|n| format!("{n}{}", "x".repeat(5000))).collect();
    let text = long.join("\n") + "\n";
    let got = tail_from(Cursor::new(text.into_bytes()), 4).unwrap();
    assert_eq!(got, long[2..]);
}

/// A reader that counts the bytes read through it.
struct Counting<R> {
    inner: R,
    read: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

impl<R: Seek> Seek for Counting<R> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

// Catches: text-tail-reads-whole-file: a `tail` that reads the whole file and keeps the
// last lines. The file here is 1 GiB, all but its last lines a hole (a
// sparse file: it costs no disk), and the reader counts what is read.
#[test]
fn tail_of_a_gigabyte_reads_only_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.log");
    let mut file = File::create(&path).unwrap();
    file.set_len(1 << 30).unwrap();
    file.seek(SeekFrom::End(0)).unwrap();
    file.write_all(b"\nt WARN almost\nt ERROR the end\n")
        .unwrap();
    drop(file);
    let mut counting = Counting {
        inner: File::open(&path).unwrap(),
        read: 0,
    };
    let got = tail_from(&mut counting, 2).unwrap();
    assert_eq!(got, ["t WARN almost", "t ERROR the end"]);
    assert!(
        counting.read <= 64 * 1024,
        "read {} bytes of a 1 GiB file to find two short lines",
        counting.read
    );
}
