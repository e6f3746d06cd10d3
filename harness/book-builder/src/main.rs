//! `kata-book BOOK_DIR [--xgettext | --check-po]`: builds the mdBook in
//! BOOK_DIR in English (where its book.toml says, `target/book`) and in each
//! translation (`target/book/<lang>`, from `po/<lang>.po`), the English
//! pages linking to their translated twins and back. `--xgettext` updates
//! the catalogs instead, `--check-po` checks them (see `i18n.rs`). A separate binary so that the `kata` CLI itself
//! stays quick to compile: mdBook is built only when the book is asked for.
//! The book's own directives (`{{#gallery …}}`, `{{#snapshot …}}`, …) are
//! expanded by the preprocessor in `directives.rs`, which runs after mdBook's
//! own `{{#include}}`.

mod directives;
mod i18n;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use mdbook_driver::MDBook;
use mdbook_driver::book::{Book, BookItem};
use mdbook_i18n_helpers::preprocessors::Gettext;
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

/// Puts a link to the same page in the other language at the top of each
/// page. It runs last, after the translation, so the link is not a message
/// to translate.
struct LanguageSwitch {
    /// `None` for the English book, else the translation's language.
    language: Option<&'static str>,
}

impl Preprocessor for LanguageSwitch {
    fn name(&self) -> &str {
        "kata-language-switch"
    }

    fn run(&self, _ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        book.for_each_mut(|item| {
            let BookItem::Chapter(chapter) = item else {
                return;
            };
            let Some(path) = &chapter.path else {
                return;
            };
            let page = path.with_extension("html");
            let depth = path.components().count() - 1;
            let up = "../".repeat(depth);
            let page = page.to_string_lossy().replace('\\', "/");
            let link = match self.language {
                None => format!(
                    "<a href=\"{up}es/{page}\" hreflang=\"es\" lang=\"es\">Leer en español</a>"
                ),
                Some(_) => format!(
                    "<a href=\"{up}../{page}\" hreflang=\"en\" lang=\"en\">Read in English</a>"
                ),
            };
            chapter.content = format!(
                "<p class=\"kata-language\" style=\"text-align: right; font-size: 0.9em; margin: 0;\">{link}</p>\n\n{}",
                chapter.content
            );
        });
        Ok(book)
    }
}

/// The book in BOOK_DIR, set up for `language` (`None`: English).
fn load(dir: &Path, language: Option<&'static str>, switch: bool) -> Result<MDBook> {
    let mut book = MDBook::load(dir)?;
    if let Some(language) = language {
        book.config.book.language = Some(language.to_string());
        book.config.build.build_dir = book.config.build.build_dir.join(language);
        book.config.set("preprocessor.gettext.po-dir", "../po")?;
    }
    // Registered after the built-in `links` preprocessor, so it also sees
    // what `{{#include}}` brought in; the translation comes after it, so the
    // generated lists are translated too.
    book.with_preprocessor(Directives);
    if language.is_some() {
        book.with_preprocessor(Gettext);
    }
    if switch {
        book.with_preprocessor(LanguageSwitch { language });
    }
    Ok(book)
}

fn run(dir: &Path, mode: Option<&str>) -> Result<ExitCode> {
    let po_dir = dir.join("../po");
    match mode {
        None => {
            // English first: its html renderer empties `target/book`,
            // translations included.
            load(dir, None, true)?.build()?;
            for language in i18n::TRANSLATIONS {
                load(dir, Some(language), true)?.build()?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Some("--xgettext") => {
            i18n::update(&load(dir, None, false)?, &po_dir)?;
            Ok(ExitCode::SUCCESS)
        }
        Some("--check-po") => {
            let problems = i18n::check(&load(dir, None, false)?, &po_dir)?;
            for problem in &problems {
                println!("{problem}");
            }
            Ok(if problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Some(other) => {
            eprintln!("usage: kata-book BOOK_DIR [--xgettext | --check-po] (not {other})");
            Ok(ExitCode::from(2))
        }
    }
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: kata-book BOOK_DIR [--xgettext | --check-po]");
        return ExitCode::from(2);
    };
    let mode = args.next().map(|m| m.to_string_lossy().into_owned());
    match run(&dir, mode.as_deref()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: the book in {}: {err:#}", dir.display());
            ExitCode::FAILURE
        }
    }
}
