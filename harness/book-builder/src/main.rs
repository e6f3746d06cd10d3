//! `kata-book BOOK_DIR`: builds the mdBook in BOOK_DIR (its book.toml says
//! where the output goes). A separate binary so that the `kata` CLI itself
//! stays quick to compile: mdBook is built only when the book is asked for.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: kata-book BOOK_DIR");
        return ExitCode::from(2);
    };
    let book = match mdbook_driver::MDBook::load(&dir) {
        Ok(book) => book,
        Err(err) => {
            eprintln!("error: cannot load the book in {}: {err:#}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    if let Err(err) = book.build() {
        eprintln!("error: building the book failed: {err:#}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
