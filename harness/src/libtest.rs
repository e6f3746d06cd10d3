//! Reading what a Rust test binary (libtest, stable options and output) says:
//! the list of tests (`--list`), the verdicts of a run from its `--logfile`
//! (a file of its own, written as each test ends, that learner code printing
//! to stdout cannot garble or forge), and the failure messages from stdout,
//! read so that garbage around them (raw bytes, escape codes, output of child
//! processes) does no harm. [`parse_run`] reads the verdicts from stdout
//! instead, for a libtest without `--logfile`.

use std::collections::HashMap;

use crate::ui::printable;

/// How one test ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed(Failure),
    Ignored,
}

/// A failed test's panic message and where it was raised, if known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Failure {
    pub message: String,
    pub location: Option<String>,
}

impl Failure {
    /// A `todo!()` / `unimplemented!()` panic: the stub has not been done yet.
    /// "Contains", not "starts with": a test that runs one of the lesson's
    /// binaries fails with assert_cmd's report, which quotes the child's
    /// stderr, where the `todo!` panic appears.
    pub fn is_todo(&self) -> bool {
        self.message.contains("not yet implemented") || self.message.contains("not implemented:")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestResult {
    pub name: String,
    pub outcome: Outcome,
}

/// The parsed output of one test run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Run {
    pub results: Vec<TestResult>,
    /// The test that had started but not finished when the output ended.
    pub unfinished: Option<String>,
}

/// Test names from the output of `TESTBIN --list`.
pub fn parse_list(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_string)
        .collect()
}

/// Verdicts from a libtest `--logfile`: one line per finished test, written
/// as it ends: `ok NAME`, `failed NAME`, `ignored NAME` (a reason may come
/// between the word and the name, a time after it). Only names in `names`
/// count. Failures get their messages later, from stdout.
pub fn parse_log(log: &str, names: &[String]) -> Vec<TestResult> {
    let mut results: Vec<TestResult> = Vec::new();
    for line in log.lines() {
        let Some((word, rest)) = line.split_once(' ') else {
            continue;
        };
        let outcome = match word.trim_end_matches(':') {
            "ok" => Outcome::Passed,
            "failed" => Outcome::Failed(Failure::default()),
            "ignored" => Outcome::Ignored,
            _ => continue,
        };
        let Some(name) = rest
            .split(' ')
            .rev()
            .find(|token| names.iter().any(|n| n == token))
        else {
            continue;
        };
        results.retain(|r| r.name != name);
        results.push(TestResult {
            name: name.to_string(),
            outcome,
        });
    }
    results
}

/// The failure messages of the tests named in `failed`, from the
/// `---- NAME stdout ----` sections of `stdout`. The last section of a name
/// wins: libtest prints them at the end of the run, after anything a test
/// printed.
pub fn parse_failures<'a>(
    stdout: &str,
    failed: impl IntoIterator<Item = &'a str>,
) -> HashMap<String, Failure> {
    failed
        .into_iter()
        .filter_map(|name| {
            let block = failure_block(stdout, name)?;
            Some((name.to_string(), parse_failure(&block)))
        })
        .collect()
}

/// Results from the output of `TESTBIN --test-threads=1`.
pub fn parse_run(stdout: &str) -> Run {
    let mut run = Run::default();
    let mut failed = Vec::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("test ") else {
            continue;
        };
        let Some((name, verdict)) = rest.split_once(" ... ") else {
            // "test NAME ..." with nothing after it yet: cut off mid-test.
            if let Some(name) = rest.strip_suffix(" ...") {
                run.unfinished = Some(name.to_string());
            }
            continue;
        };
        let outcome = match verdict.trim() {
            "ok" => Outcome::Passed,
            "FAILED" => {
                failed.push(name.to_string());
                Outcome::Failed(Failure::default())
            }
            v if v.starts_with("ignored") => Outcome::Ignored,
            "" => {
                run.unfinished = Some(name.to_string());
                continue;
            }
            // Output of a child process that wrote straight to the terminal
            // can land on the same line; the verdict is its last word.
            other if other.ends_with("FAILED") => {
                failed.push(name.to_string());
                Outcome::Failed(Failure::default())
            }
            other if other.ends_with("ok") => Outcome::Passed,
            _ => continue,
        };
        run.results.push(TestResult {
            name: name.to_string(),
            outcome,
        });
    }
    for name in failed {
        let failure = failure_block(stdout, &name)
            .map(|block| parse_failure(&block))
            .unwrap_or_default();
        if let Some(result) = run.results.iter_mut().find(|r| r.name == name) {
            result.outcome = Outcome::Failed(failure);
        }
    }
    run
}

/// The text between `---- NAME stdout ----` and the next section.
fn failure_block(stdout: &str, name: &str) -> Option<String> {
    let header = format!("---- {name} stdout ----");
    let start = stdout.rfind(&header)? + header.len();
    let rest = &stdout[start..];
    let end = [
        rest.find("\n---- "),
        rest.find("\nfailures:\n"),
        rest.find("\ntest result:"),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap_or(rest.len());
    Some(rest[..end].to_string())
}

const PANICKED_AT: &str = " panicked at ";

/// `thread 'NAME' panicked at LOC:` (newer Rust: `thread 'NAME' (ID) panicked at LOC:`).
fn is_panic_header(line: &str) -> bool {
    line.starts_with("thread '") && line.contains(PANICKED_AT)
}

/// The panic message and location in a failure block. A test's own output
/// before the panic is left out; a block without a panic keeps all of it.
fn parse_failure(block: &str) -> Failure {
    let lines: Vec<&str> = block.lines().collect();
    let panic_line = lines.iter().position(|l| is_panic_header(l));
    let Some(at) = panic_line else {
        return Failure {
            message: printable(block.trim()),
            location: None,
        };
    };
    let header = lines[at];
    let after = &header[header.find(PANICKED_AT).expect("checked above") + PANICKED_AT.len()..];
    let mut message_lines = Vec::new();
    // Since Rust 1.73 the message is on the lines after "panicked at LOC:".
    let location = if let Some(loc) = after.strip_suffix(':') {
        Some(loc.to_string())
    } else {
        // Older form: "panicked at 'message', loc".
        message_lines.push(after);
        None
    };
    for line in &lines[at + 1..] {
        if line.starts_with("note: run with `RUST_BACKTRACE")
            || line.starts_with("stack backtrace:")
            || is_panic_header(line)
        {
            break;
        }
        message_lines.push(line);
    }
    Failure {
        message: printable(message_lines.join("\n").trim()),
        location: location.map(|l| printable(&l)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUN: &str = "\
running 3 tests
test server::accepts ... ok
test server::rejects ... FAILED
test display::parses ... ignored, not today

failures:

---- server::rejects stdout ----
some output of the test
thread 'server::rejects' (1234) panicked at lessons/traits/src/server.rs:42:5:
not yet implemented: validate \"web-1\"
and a second line
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    server::rejects

test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s
";

    #[test]
    fn reads_verdicts_and_the_panic_message() {
        let run = parse_run(RUN);
        assert_eq!(run.unfinished, None);
        assert_eq!(run.results.len(), 3);
        assert_eq!(run.results[0].outcome, Outcome::Passed);
        assert_eq!(run.results[2].outcome, Outcome::Ignored);
        let Outcome::Failed(failure) = &run.results[1].outcome else {
            panic!("expected a failure, got {:?}", run.results[1]);
        };
        assert_eq!(
            failure.message,
            "not yet implemented: validate \"web-1\"\nand a second line"
        );
        assert_eq!(
            failure.location.as_deref(),
            Some("lessons/traits/src/server.rs:42:5")
        );
        assert!(failure.is_todo());
    }

    #[test]
    fn tells_which_test_was_cut_off() {
        let run = parse_run("running 2 tests\ntest a::one ... ok\ntest a::two ... ");
        assert_eq!(run.unfinished.as_deref(), Some("a::two"));
        assert_eq!(run.results.len(), 1);
    }

    #[test]
    fn lists_tests() {
        let list = "server::a: test\nserver::b: test\n\n2 tests, 0 benchmarks\n";
        assert_eq!(parse_list(list), ["server::a", "server::b"]);
    }

    #[test]
    fn a_failure_without_a_panic_keeps_its_text() {
        let out = "test x ... FAILED\n\nfailures:\n\n---- x stdout ----\nnote: test did not panic as expected\n\nfailures:\n    x\n";
        let run = parse_run(out);
        assert_eq!(
            run.results[0].outcome,
            Outcome::Failed(Failure {
                message: "note: test did not panic as expected".into(),
                location: None
            })
        );
    }

    #[test]
    fn reads_verdicts_from_the_log_whatever_stdout_says() {
        let names: Vec<String> = ["a::one", "a::two", "a::three", "a::four"]
            .map(String::from)
            .to_vec();
        let log = "failed a::one\nok a::two\nignored: not today a::three\nok bogus\n";
        let results = parse_log(log, &names);
        assert_eq!(results.len(), 3);
        assert_eq!(results[0].outcome, Outcome::Failed(Failure::default()));
        assert_eq!(results[1].outcome, Outcome::Passed);
        assert_eq!(results[2].outcome, Outcome::Ignored);
        assert_eq!(results[2].name, "a::three");
    }

    #[test]
    fn finds_messages_amid_garbage() {
        let stdout = "test a::one ... \u{fffd}\x1b[2J\rhi\nFAILED\n---- a::one stdout ----\nforged\n\
                      failures:\n\n---- a::one stdout ----\nthread 'a::one' panicked at t.rs:1:1:\nreal\n\n\
                      failures:\n    a::one\n";
        let failures = parse_failures(stdout, ["a::one", "a::two"]);
        assert_eq!(failures.len(), 1);
        assert_eq!(failures["a::one"].message, "real");
        assert_eq!(failures["a::one"].location.as_deref(), Some("t.rs:1:1"));
    }
}
