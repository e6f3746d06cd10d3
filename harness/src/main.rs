//! `kata`: the Ops Katas command line, run as `cargo kata …`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anstream::eprintln;
use clap::{Parser, Subcommand};

use harness::cmd;
use harness::course::Course;
use harness::error::{Error, Result};
use harness::runner::DEFAULT_TIMEOUT_SECS;
use harness::ui::{BAD, paint};
use harness::{process, seal};

const AFTER_HELP: &str = "\
Workflow: read the lesson's chapter (cargo kata book --open), edit the stub it names,
then cargo kata check <lesson>/<exercise> until it passes; cargo kata hint when stuck,
cargo kata diff to compare with the reference solution.

Exit codes:
  0  everything asked for passed
  1  tests failed, did not compile or timed out (or the command could not do its job)
  2  usage error: an unknown lesson, exercise or option";

/// Ops Katas: systems programming katas for DevOps, in Rust.
#[derive(Debug, Parser)]
#[command(name = "kata", version, after_help = AFTER_HELP)]
struct Cli {
    /// The course folder (default: the Ops Katas checkout around the current folder).
    #[arg(long, global = true, env = "KATA_ROOT", value_name = "DIR")]
    root: Option<PathBuf>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Every lesson and exercise with its state, your progress and what to do next (the default).
    List {
        /// Machine-readable output, for scripts and instructors.
        #[arg(long)]
        json: bool,
    },
    /// Build a lesson and run its tests (or one exercise's), then print a compact verdict.
    Check {
        /// `lesson` or `lesson/exercise`, e.g. `traits/server`.
        target: String,
        /// Run the same tests against the reference solution instead of your code.
        #[arg(long)]
        solution: bool,
        /// Stop the tests (and everything they started) after this many seconds (at least 1).
        #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT_SECS,
              value_parser = at_least_one_second)]
        timeout: u64,
        /// Show every failing test's message, not only the most telling one.
        #[arg(long)]
        all_failures: bool,
        /// Run the tests N times and report every test that failed in any run
        /// (a race can pass once by luck).
        #[arg(long, value_name = "N", default_value_t = 1,
              value_parser = clap::value_parser!(u64).range(1..=1000))]
        repeat: u64,
    },
    /// Check again whenever the content of a lesson file changes. Ctrl-C to stop.
    ///
    /// It waits for file-system events and uses no CPU while idle. Where the
    /// file system sends none (WSL's /mnt/c, network and container mounts) it
    /// checks the files once a second instead: on its own on such a mount or
    /// when events are unavailable, and always with --poll.
    Watch {
        /// `lesson` or `lesson/exercise` (default: every lesson).
        target: Option<String>,
        /// Stop each check's tests after this many seconds (at least 1).
        #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT_SECS,
              value_parser = at_least_one_second)]
        timeout: u64,
        /// Look at the files once a second instead of waiting for events (for
        /// file systems that send none).
        #[arg(long)]
        poll: bool,
    },
    /// Show one more hint for an exercise at each call: one aimed at the first test that failed
    /// in your last check, or at the part you name.
    Hint {
        /// `lesson/exercise`, e.g. `traits/server`.
        target: String,
        /// The part you are stuck on: a function (`drop`, `Pool::new`) or a test's name.
        part: Option<String>,
        /// Show the hints seen so far without revealing another.
        #[arg(long)]
        again: bool,
    },
    /// Your file against the reference solution, as a coloured unified diff.
    Diff {
        /// `lesson` or `lesson/exercise`.
        target: String,
        /// Only the one-line summary per file.
        #[arg(long)]
        stat: bool,
    },
    /// Put the stubs back (your version is kept in .kata/backup/).
    Reset {
        /// `lesson` or `lesson/exercise`.
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        target: Option<String>,
        /// Every exercise of every lesson.
        #[arg(long)]
        all: bool,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
    },
    /// Maintainers: prove that every test passes on the solution and fails on the stub.
    Verify {
        /// Per lesson and variant, stop the tests after this many seconds (at least 1).
        #[arg(long, value_name = "SECS", default_value_t = 2 * DEFAULT_TIMEOUT_SECS,
              value_parser = at_least_one_second)]
        timeout: u64,
    },
    /// Maintainers: prove that the tests catch every wrong solution in gallery/ (each a diff
    /// against the reference solution, applied to a copy of the course).
    Gallery {
        /// One lesson (default: all).
        lesson: Option<String>,
        /// Per wrong solution, stop its tests after this many seconds.
        #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT_SECS)]
        timeout: u64,
    },
    /// Build the book into target/book (mdBook as a library: nothing to install).
    Book {
        /// Open it in the browser afterwards.
        #[arg(long)]
        open: bool,
    },
    /// Maintainers: record the lessons' tests and stubs as shipped (lessons/*/seal.toml).
    Seal {
        /// One lesson (default: all).
        lesson: Option<String>,
    },
}

/// `--timeout SECS`: a whole number of seconds, at least 1 (0 would stop
/// every test before it starts).
fn at_least_one_second(text: &str) -> std::result::Result<u64, String> {
    match text.parse::<u64>() {
        Ok(0) => Err("the time limit must be at least 1 second".into()),
        Ok(secs) => Ok(secs),
        Err(_) => Err(format!("`{text}` is not a whole number of seconds")),
    }
}

fn main() -> ExitCode {
    process::init();
    let cli = Cli::parse();
    // Learner code runs in process groups of its own, which the terminal's
    // Ctrl-C does not reach: kill them ourselves, then leave.
    let _ = ctrlc::set_handler(|| {
        process::kill_all();
        std::process::exit(130);
    });
    match run(cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(err) => {
            eprintln!("{} {err}", paint(BAD, "error:"));
            ExitCode::from(err.exit_code())
        }
    }
}

fn run(cli: Cli) -> Result<bool> {
    let root = Course::locate(cli.root.as_deref())?;
    let course = Course::load(&root)?;
    let secs = |s: u64| Duration::from_secs(s.max(1));
    match cli.command.unwrap_or(Command::List { json: false }) {
        Command::List { json } => cmd::list::list(&course, json).map(|()| true),
        Command::Check {
            target,
            solution,
            timeout,
            all_failures,
            repeat,
        } => {
            let options = cmd::check::CheckOptions {
                solution,
                timeout: secs(timeout),
                all_failures,
                repeat: repeat as usize,
            };
            cmd::check::check(&course, course.target(&target)?, &options)
        }
        Command::Watch {
            target,
            timeout,
            poll,
        } => {
            let target = target.map(|t| course.target(&t)).transpose()?;
            cmd::watch::watch(&course, target, secs(timeout), poll).map(|()| true)
        }
        Command::Hint {
            target,
            part,
            again,
        } => {
            cmd::hint::hint(&course, course.target(&target)?, part.as_deref(), again).map(|()| true)
        }
        Command::Diff { target, stat } => {
            cmd::diff::diff(&course, course.target(&target)?, stat).map(|()| true)
        }
        Command::Reset { target, all, yes } => {
            let scope: Vec<_> = match target {
                Some(t) => {
                    let t = course.target(&t)?;
                    t.exercises().into_iter().map(|e| (t.lesson, e)).collect()
                }
                None if all => course
                    .lessons
                    .iter()
                    .flat_map(|l| l.exercises.iter().map(move |e| (l, e)))
                    .collect(),
                None => return Err(Error::Usage("name a lesson or pass --all".into())),
            };
            cmd::reset::reset(&course, &scope, yes)
        }
        Command::Verify { timeout } => cmd::verify::verify(&course, secs(timeout)),
        Command::Gallery { lesson, timeout } => {
            let lesson = match &lesson {
                Some(id) => Some(course.target(id)?.lesson),
                None => None,
            };
            cmd::gallery::gallery(&course, lesson, secs(timeout))
        }
        Command::Book { open } => cmd::book::book(&course, open),
        Command::Seal { lesson } => {
            for l in &course.lessons {
                if lesson.as_ref().is_none_or(|id| *id == l.id) {
                    let sealed = seal::compute(&course, l)?;
                    let path = seal::write(&course, l, &sealed)?;
                    anstream::println!("sealed {}", course.display_path(&path));
                }
            }
            if let Some(id) = &lesson {
                course.target(id)?;
            }
            Ok(true)
        }
    }
}
