//! `kata-book BOOK_DIR`: builds the mdBook in BOOK_DIR (its book.toml says
//! where the output goes). A separate binary so that the `kata` CLI itself
//! stays quick to compile: mdBook is built only when the book is asked for.
//! The book's own directives (`{{#gallery …}}`, `{{#snapshot …}}`, …) are
//! expanded by the preprocessor in `directives.rs`, which runs after mdBook's
//! own `{{#include}}`.

mod directives;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use mdbook_driver::book::Book;
use mdbook_preprocessor::errors::Result;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};

/// Expands the course's directives on every page (see `directives.rs`).
struct Directives;

impl Preprocessor for Directives {
    fn name(&self) -> &str {
        "kata-directives"
    }

    fn run(&self, ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        // The book is `<course>/book`; its sources are in `book.toml`'s `src`.
        let course_root = ctx.root.parent().unwrap_or(Path::new(".")).to_path_buf();
        let src = ctx.root.join(&ctx.config.book.src);
        let mut failure = None;
        book.for_each_chapter_mut(|chapter| {
            if failure.is_some() {
                return;
            }
            let page_dir = chapter
                .source_path
                .as_ref()
                .and_then(|p| p.parent())
                .map_or_else(|| src.clone(), |p| src.join(p));
            match directives::expand(&course_root, &page_dir, &chapter.content) {
                Ok(content) => chapter.content = content,
                Err(err) => failure = Some(err.context(format!("in the page {}", chapter.name))),
            }
        });
        match failure {
            Some(err) => Err(err),
            None => Ok(book),
        }
    }
}

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: kata-book BOOK_DIR");
        return ExitCode::from(2);
    };
    let mut book = match mdbook_driver::MDBook::load(&dir) {
        Ok(book) => book,
        Err(err) => {
            eprintln!("error: cannot load the book in {}: {err:#}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    // Registered after the built-in `links` preprocessor, so it also sees
    // what `{{#include}}` brought in.
    book.with_preprocessor(Directives);
    if let Err(err) = book.build() {
        eprintln!("error: building the book failed: {err:#}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
