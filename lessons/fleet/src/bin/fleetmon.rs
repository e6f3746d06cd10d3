//! `fleetmon`: checks a fleet of servers N at a time. See `fleet::cli` for
//! the contract (`fleetmon --help` prints it).
//!
//! Not an exercise: this `main` only calls `fleet::cli::main`, which is, so
//! the binary follows the `solution` switch like the rest of the lesson.

fn main() -> std::process::ExitCode {
    fleet::cli::main()
}
