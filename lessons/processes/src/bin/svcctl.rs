//! `svcctl`: checks that services accept TCP connections. See
//! `processes::exit_codes` for the contract (`svcctl --help` prints it).
//!
//! Not an exercise: this `main` only hands the real arguments, stdout and
//! stderr to `processes::exit_codes::main`, which is. Testing that function
//! through the real binary (assert_cmd) checks what a user or a script sees:
//! the exit code, and which stream each line went to.

use std::io;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    processes::exit_codes::main(&args, &mut io::stdout().lock(), &mut io::stderr().lock())
}
