// processes/exit_codes: a helper closure that writes to `stderr` keeps it.
use std::io::{self, Write};
use std::process::ExitCode;

pub fn main_with(args: &[String], stderr: &mut dyn Write) -> ExitCode {
    let usage_error = |problem: &str| {
        let _ = writeln!(stderr, "svcctl: {problem}");
        ExitCode::from(2)
    };
    if args.is_empty() {
        return usage_error("missing command");
    }
    let _ = writeln!(stderr, "svcctl: checking {}", args[0]);
    usage_error("not done yet")
}

fn main() -> ExitCode {
    main_with(&[], &mut io::stderr())
}
