//! The harness's errors and the exit code each one maps to.

use std::fmt;
use std::path::Path;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug)]
pub enum Error {
    /// The command line asked for something that does not exist (exit 2).
    Usage(String),
    /// A course file (lesson.toml, hints.toml, seal.toml, Cargo.toml) is malformed.
    Course(String),
    /// Reading or writing a file failed.
    Io {
        path: String,
        source: std::io::Error,
    },
    /// Anything else that stops a command: cargo missing, git refusing, …
    Other(String),
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.display().to_string(),
            source,
        }
    }

    /// The process exit code documented in `kata --help`.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => 2,
            _ => 1,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(msg) | Error::Course(msg) | Error::Other(msg) => f.write_str(msg),
            Error::Io { path, source } => write!(f, "{path}: {source}"),
        }
    }
}

impl std::error::Error for Error {}
