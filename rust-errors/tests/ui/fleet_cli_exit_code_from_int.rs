// fleet/cli: `main` returns an `ExitCode`, which is not an integer.
use std::process::ExitCode;

fn main() -> ExitCode {
    let down = 1;
    if down > 0 {
        return 1;
    }
    ExitCode::SUCCESS
}
