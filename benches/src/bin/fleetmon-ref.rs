//! The reference `fleetmon` (the fleet lesson's binary, built with its
//! `solution` feature) under a name of its own, so that the fleet bench can
//! run it as a real process: a bench sees only its own package's binaries
//! (`CARGO_BIN_EXE_<name>`), and a second binary named `fleetmon` in the
//! same target folder would collide with the lesson's.

fn main() -> std::process::ExitCode {
    fleet::cli::main()
}
