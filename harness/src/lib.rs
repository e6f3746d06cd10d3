//! The `kata` CLI of Ops Katas, as a library so its parts can be tested.
//! See ARCHITECTURE.md for how it builds and runs learner code.

rust_i18n::i18n!("locales", fallback = "en");

pub mod book_page;
pub mod cmd;
pub mod course;
pub mod diagnostics;
pub mod error;
pub mod lang;
pub mod libtest;
pub mod process;
pub mod progress;
pub mod runner;
pub mod seal;
pub mod ui;
