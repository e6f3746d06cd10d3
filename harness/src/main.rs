//! `kata`: the Ops Katas command line, run as `cargo kata …`.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anstream::eprintln;
use clap::{Arg, ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand};
use rust_i18n::t;

use harness::cmd;
use harness::course::Course;
use harness::error::{Error, Result};
use harness::runner::DEFAULT_TIMEOUT_SECS;
use harness::ui::{BAD, paint};
use harness::{lang, process, seal};

rust_i18n::i18n!("locales", fallback = "en");

// The help texts are in the message catalog (harness/locales/cli.yml), set
// on the command in `command()` in the language chosen before parsing.
#[derive(Debug, Parser)]
#[command(
    name = "kata",
    version,
    disable_help_flag = true,
    disable_version_flag = true
)]
struct Cli {
    #[arg(long, global = true, env = "KATA_ROOT", value_name = "DIR")]
    root: Option<PathBuf>,

    // Read before clap parses (harness::lang::flag_in); here so clap accepts
    // it and --help shows it.
    #[arg(long, global = true, value_name = "LANG")]
    lang: Option<String>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    List {
        #[arg(long)]
        json: bool,
    },
    Check {
        target: String,
        #[arg(long)]
        solution: bool,
        #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT_SECS,
              value_parser = at_least_one_second)]
        timeout: u64,
        #[arg(long)]
        all_failures: bool,
        #[arg(long, value_name = "N", default_value_t = 1,
              value_parser = clap::value_parser!(u64).range(1..=1000))]
        repeat: u64,
    },
    Watch {
        target: Option<String>,
        #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT_SECS,
              value_parser = at_least_one_second)]
        timeout: u64,
        #[arg(long)]
        poll: bool,
    },
    Hint {
        target: String,
        part: Option<String>,
        #[arg(long)]
        again: bool,
    },
    Diff {
        target: String,
        #[arg(long)]
        stat: bool,
    },
    Reset {
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        target: Option<String>,
        #[arg(long)]
        all: bool,
        #[arg(long, short)]
        yes: bool,
    },
    Verify {
        #[arg(long, value_name = "SECS", default_value_t = 2 * DEFAULT_TIMEOUT_SECS,
              value_parser = at_least_one_second)]
        timeout: u64,
    },
    Gallery {
        lesson: Option<String>,
        #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT_SECS)]
        timeout: u64,
        #[arg(long, value_name = "N", default_value_t = 1,
              value_parser = clap::value_parser!(u32).range(1..))]
        times: u32,
    },
    Book {
        #[arg(long)]
        open: bool,
        #[arg(long)]
        xgettext: bool,
    },
    Seal {
        lesson: Option<String>,
    },
}

/// The command line with every help text from the catalog, in the language
/// chosen. clap's own headings ("Usage", "Options") stay as clap prints them.
fn command() -> clap::Command {
    let mut cmd = Cli::command()
        .about(t!("help.about").into_owned())
        .after_help(t!("help.after").into_owned())
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .global(true)
                .help(t!("help.help").into_owned()),
        )
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(t!("help.version").into_owned()),
        )
        .mut_arg("root", |a| a.help(t!("help.root").into_owned()))
        .mut_arg("lang", |a| a.help(t!("help.lang").into_owned()));
    cmd = cmd
        .mut_subcommand("list", |c| {
            c.about(t!("help.list").into_owned())
                .mut_arg("json", |a| a.help(t!("help.list.json").into_owned()))
        })
        .mut_subcommand("check", |c| {
            c.about(t!("help.check").into_owned())
                .mut_arg("target", |a| a.help(t!("help.check.target").into_owned()))
                .mut_arg("solution", |a| {
                    a.help(t!("help.check.solution").into_owned())
                })
                .mut_arg("timeout", |a| a.help(t!("help.check.timeout").into_owned()))
                .mut_arg("all_failures", |a| {
                    a.help(t!("help.check.all_failures").into_owned())
                })
                .mut_arg("repeat", |a| a.help(t!("help.check.repeat").into_owned()))
        })
        .mut_subcommand("watch", |c| {
            c.about(t!("help.watch").into_owned())
                .long_about(t!("help.watch.long").into_owned())
                .mut_arg("target", |a| a.help(t!("help.watch.target").into_owned()))
                .mut_arg("timeout", |a| a.help(t!("help.watch.timeout").into_owned()))
                .mut_arg("poll", |a| a.help(t!("help.watch.poll").into_owned()))
        })
        .mut_subcommand("hint", |c| {
            c.about(t!("help.hint").into_owned())
                .mut_arg("target", |a| a.help(t!("help.hint.target").into_owned()))
                .mut_arg("part", |a| a.help(t!("help.hint.part").into_owned()))
                .mut_arg("again", |a| a.help(t!("help.hint.again").into_owned()))
        })
        .mut_subcommand("diff", |c| {
            c.about(t!("help.diff").into_owned())
                .mut_arg("target", |a| a.help(t!("help.diff.target").into_owned()))
                .mut_arg("stat", |a| a.help(t!("help.diff.stat").into_owned()))
        })
        .mut_subcommand("reset", |c| {
            c.about(t!("help.reset").into_owned())
                .mut_arg("target", |a| a.help(t!("help.diff.target").into_owned()))
                .mut_arg("all", |a| a.help(t!("help.reset.all").into_owned()))
                .mut_arg("yes", |a| a.help(t!("help.reset.yes").into_owned()))
        })
        .mut_subcommand("verify", |c| {
            c.about(t!("help.verify").into_owned())
                .mut_arg("timeout", |a| {
                    a.help(t!("help.verify.timeout").into_owned())
                })
        })
        .mut_subcommand("gallery", |c| {
            c.about(t!("help.gallery").into_owned())
                .mut_arg("lesson", |a| a.help(t!("help.gallery.lesson").into_owned()))
                .mut_arg("timeout", |a| {
                    a.help(t!("help.gallery.timeout").into_owned())
                })
                .mut_arg("times", |a| a.help(t!("help.gallery.times").into_owned()))
        })
        .mut_subcommand("book", |c| {
            c.about(t!("help.book").into_owned())
                .mut_arg("open", |a| a.help(t!("help.book.open").into_owned()))
                .mut_arg("xgettext", |a| {
                    a.help(t!("help.book.xgettext").into_owned())
                })
        })
        .mut_subcommand("seal", |c| {
            c.about(t!("help.seal").into_owned())
                .mut_arg("lesson", |a| a.help(t!("help.one_lesson").into_owned()))
        });
    if lang::current() != lang::Lang::En {
        cmd = headings(cmd);
        let names: Vec<String> = cmd
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .collect();
        for name in names {
            cmd = cmd.mut_subcommand(name, headings);
        }
    }
    cmd
}

/// clap's headings ("Usage", "Arguments", "Options", "Commands") in kata's
/// language; English keeps clap's own.
fn headings(cmd: clap::Command) -> clap::Command {
    let template = format!(
        "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
        t!("usage.usage")
    );
    let ids: Vec<(String, bool)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().to_string(), a.is_positional()))
        .collect();
    let mut cmd = cmd
        .help_template(template)
        .subcommand_help_heading(t!("help.heading.commands").into_owned());
    for (id, positional) in ids {
        let heading = if positional {
            t!("help.heading.arguments")
        } else {
            t!("help.heading.options")
        };
        cmd = cmd.mut_arg(id, |a| a.help_heading(heading.into_owned()));
    }
    cmd
}

/// A command line clap refuses: clap's own message in English; in another
/// language ours, for the errors a learner meets (an unknown option or
/// command, a missing argument, a bad value), and clap's for the rest.
fn usage_error(error: clap::Error) -> ! {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let context = |kind| match error.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(list)) => list.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let message = match error.kind() {
        _ if lang::current() == lang::Lang::En => None,
        ErrorKind::UnknownArgument => Some(t!(
            "usage.unknown_argument",
            argument = context(ContextKind::InvalidArg)
        )),
        ErrorKind::InvalidSubcommand => Some(t!(
            "usage.unknown_command",
            command = context(ContextKind::InvalidSubcommand)
        )),
        ErrorKind::MissingRequiredArgument => Some(t!(
            "usage.missing_arguments",
            arguments = context(ContextKind::InvalidArg)
        )),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let why = std::error::Error::source(&error)
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            Some(t!(
                "usage.invalid_value",
                value = context(ContextKind::InvalidValue),
                argument = context(ContextKind::InvalidArg),
                why = why
            ))
        }
        _ => None,
    };
    let Some(message) = message else { error.exit() };
    let mut suggestions = Vec::new();
    for kind in [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg] {
        let suggested = context(kind);
        if !suggested.is_empty() {
            suggestions.push(format!("  {}", t!("course.did_you_mean", name = suggested)));
        }
    }
    let usage = match error.get(ContextKind::Usage) {
        Some(ContextValue::StyledStr(usage)) => usage.to_string(),
        _ => String::new(),
    };
    let usage = usage
        .trim()
        .strip_prefix("Usage:")
        .map(|rest| format!("{}{rest}", t!("usage.usage")))
        .unwrap_or(usage);
    eprintln!("{} {message}", paint(BAD, t!("error.prefix")));
    for suggestion in suggestions {
        eprintln!("{suggestion}");
    }
    if !usage.is_empty() {
        eprintln!("\n{usage}");
    }
    eprintln!("\n{}", t!("usage.more_help"));
    std::process::exit(2)
}

/// `--timeout SECS`: a whole number of seconds, at least 1 (0 would stop
/// every test before it starts).
fn at_least_one_second(text: &str) -> std::result::Result<u64, String> {
    match text.parse::<u64>() {
        Ok(0) => Err(t!("usage.timeout_zero").into_owned()),
        Ok(secs) => Ok(secs),
        Err(_) => Err(t!("usage.timeout_not_a_number", text = text).into_owned()),
    }
}

fn main() -> ExitCode {
    process::init();
    // The language first, so that --help and clap's checks speak it.
    let args: Vec<OsString> = std::env::args_os().collect();
    let flag = lang::flag_in(&args);
    match lang::choose(flag.as_deref(), |name| std::env::var(name).ok()) {
        Ok(chosen) => lang::set_lang(chosen),
        Err((err, chosen)) => {
            lang::set_lang(chosen);
            eprintln!("{} {err}", paint(BAD, t!("error.prefix")));
            return ExitCode::from(err.exit_code());
        }
    }
    let matches = command()
        .try_get_matches_from(args)
        .unwrap_or_else(|e| usage_error(e));
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| usage_error(e));
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
            eprintln!("{} {err}", paint(BAD, t!("error.prefix")));
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
                None => return Err(Error::Usage(t!("usage.reset_needs_target").into_owned())),
            };
            cmd::reset::reset(&course, &scope, yes)
        }
        Command::Verify { timeout } => cmd::verify::verify(&course, secs(timeout)),
        Command::Gallery {
            lesson,
            timeout,
            times,
        } => {
            // `<lesson>` or `<lesson>/<wrong solution's id>`.
            let (lesson, wrong) = match lesson
                .as_deref()
                .map(|t| t.split_once('/').unwrap_or((t, "")))
            {
                Some((id, wrong)) => (
                    Some(course.target(id)?.lesson),
                    Some(wrong).filter(|w| !w.is_empty()),
                ),
                None => (None, None),
            };
            let only = cmd::gallery::Only { lesson, wrong };
            cmd::gallery::gallery(&course, only, secs(timeout), times)
        }
        Command::Book { open, xgettext } => {
            cmd::book::book(&course, open, xgettext, lang::current().code())
        }
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
