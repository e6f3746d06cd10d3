//! Nothing to use: this package exists for its tests.
//!
//! - `tests/ui.rs` compiles every `tests/ui/*.rs` with trybuild; each must
//!   fail to compile with exactly the error in its `.stderr` file, which the
//!   book includes in a "Rust you need" box.
//! - `tests/runtime.rs` proves the boxes' claims about code that compiles but
//!   does the wrong thing (`&payload` instead of `&*payload`, a lock held for
//!   a whole `while let` body), and holds the channel example the book shows.
