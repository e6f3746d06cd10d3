//! One module per `kata` subcommand.

pub mod book;
pub mod check;
pub mod diff;
pub mod gallery;
pub mod hint;
pub mod list;
pub mod reset;
pub mod verify;
pub mod watch;
