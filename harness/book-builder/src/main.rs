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
/// In a translation, `{{#snapshot <name>.snap}}` shows `<name>_in_<lang>.snap`
/// where there is one: the same `kata` output in that language.
struct Directives {
    language: Option<&'static str>,
}

/// `text` with each `{{#snapshot X.snap}}` naming `X_in_spanish.snap` (for
/// `es`) where that file exists beside it.
fn translated_snapshots(text: &str, page_dir: &Path, language: &str) -> String {
    let suffix = match language {
        "es" => "_in_spanish.snap",
        _ => return text.to_string(),
    };
    rewrite_targets(text, "{{#snapshot ", "}}", |path| {
        let twin = format!("{}{suffix}", path.trim().strip_suffix(".snap")?);
        page_dir.join(&twin).is_file().then_some(twin)
    })
}

/// `text` with what stands between each `open` and the next `close` replaced
/// by what `rewrite` gives for it (kept as it is where it gives `None`).
fn rewrite_targets(
    text: &str,
    open: &str,
    close: &str,
    rewrite: impl Fn(&str) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(open) {
        let start = at + open.len();
        let Some(len) = rest[start..].find(close) else {
            break;
        };
        let target = &rest[start..start + len];
        out.push_str(&rest[..start]);
        out.push_str(&rewrite(target).unwrap_or_else(|| target.to_string()));
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}

/// Calls `f` with every page of the book that has a source file, and that
/// file's path inside `src`.
fn for_each_page(book: &mut Book, mut f: impl FnMut(&mut mdbook_driver::book::Chapter, &Path)) {
    book.for_each_mut(|item| {
        if let BookItem::Chapter(chapter) = item
            && let Some(path) = chapter.path.clone()
        {
            f(chapter, &path);
        }
    });
}

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
            let content = match self.language {
                Some(language) => translated_snapshots(&chapter.content, &page_dir, language),
                None => chapter.content.clone(),
            };
            match directives::expand(&course_root, &page_dir, &content) {
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
/// In a translation it also shows each figure's translated twin,
/// `img/<lang>/<name>`, where there is one.
struct LanguageSwitch {
    /// `None` for the English book, else the translation's language.
    language: Option<&'static str>,
    /// The book's sources, where the figures are.
    src: PathBuf,
}

/// `content` with each `](img/<name>)` turned into `](img/<language>/<name>)`
/// where `src/img/<language>/<name>` exists.
fn translated_figures(content: &str, src: &Path, language: &str) -> String {
    rewrite_targets(content, "](img/", ")", |name| {
        let twin = src.join("img").join(language).join(name);
        (!name.contains('/') && twin.is_file()).then(|| format!("{language}/{name}"))
    })
}

impl Preprocessor for LanguageSwitch {
    fn name(&self) -> &str {
        "kata-language-switch"
    }

    fn run(&self, _ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        for_each_page(&mut book, |chapter, path| {
            let page = path.with_extension("html");
            let depth = path.components().count() - 1;
            let up = "../".repeat(depth);
            let page = page.to_string_lossy().replace('\\', "/");
            if let Some(language) = self.language {
                chapter.content = translated_figures(&chapter.content, &self.src, language);
            }
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

/// Gives each heading of a translated page the id its English twin has, so
/// that links to a section (`threads-concepts.md#spawn-and-join`, kept as
/// they are in the translation) lead to it in every language. The ids come
/// from the English pages just built (`english`), heading by heading in
/// order: a translation keeps the headings and their order.
struct EnglishAnchors {
    english: PathBuf,
}

/// The ids of a rendered page's headings, in order.
fn heading_ids(html: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<h") {
        rest = &rest[at + 2..];
        let level = rest.as_bytes().first().copied().unwrap_or(b' ');
        if (b'1'..=b'6').contains(&level) && rest[1..].starts_with(" id=\"") {
            let start = 1 + " id=\"".len();
            if let Some(len) = rest[start..].find('"') {
                ids.push(rest[start..start + len].to_string());
            }
        }
    }
    ids
}

/// `content` with ` {#id}` after each ATX heading outside code blocks, the
/// ids in order; `None` when the page has not as many headings as ids.
fn with_heading_ids(content: &str, ids: &[String]) -> Option<String> {
    let mut out = String::with_capacity(content.len() + ids.len() * 24);
    let mut fence: Option<&str> = None;
    let mut next = ids.iter();
    for line in content.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let body = line.trim_end_matches(['\n', '\r']);
        match fence {
            Some(marker) if trimmed.starts_with(marker) => fence = None,
            Some(_) => {}
            None if trimmed.starts_with("```") || trimmed.starts_with("~~~") => {
                fence = Some(&trimmed[..3]);
            }
            None => {
                let hashes = body.bytes().take_while(|b| *b == b'#').count();
                let heading = (1..=6).contains(&hashes)
                    && body[hashes..].starts_with(' ')
                    && !body.contains("{#");
                if heading {
                    out.push_str(body.trim_end());
                    out.push_str(&format!(" {{#{}}}", next.next()?));
                    out.push_str(&line[body.len()..]);
                    continue;
                }
            }
        }
        out.push_str(line);
    }
    next.next().is_none().then_some(out)
}

impl Preprocessor for EnglishAnchors {
    fn name(&self) -> &str {
        "kata-english-anchors"
    }

    fn run(&self, _ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        let english = &self.english;
        for_each_page(&mut book, |chapter, path| {
            let Ok(html) = std::fs::read_to_string(english.join(path.with_extension("html")))
            else {
                return;
            };
            if let Some(content) = with_heading_ids(&chapter.content, &heading_ids(&html)) {
                chapter.content = content;
            }
        });
        Ok(book)
    }
}

/// The book in BOOK_DIR, set up for `language` (`None`: English).
fn load(dir: &Path, language: Option<&'static str>, switch: bool) -> Result<MDBook> {
    let mut book = MDBook::load(dir)?;
    let english = book.root.join(&book.config.build.build_dir);
    if let Some(language) = language {
        book.config.book.language = Some(language.to_string());
        book.config.build.build_dir = book.config.build.build_dir.join(language);
        book.config.set("preprocessor.gettext.po-dir", "../po")?;
    }
    // Registered after the built-in `links` preprocessor, so it also sees
    // what `{{#include}}` brought in; the translation comes after it, so the
    // generated lists are translated too.
    book.with_preprocessor(Directives { language });
    if language.is_some() {
        book.with_preprocessor(Gettext);
        book.with_preprocessor(EnglishAnchors { english });
    }
    if switch {
        let src = book.root.join(&book.config.book.src);
        book.with_preprocessor(LanguageSwitch { language, src });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_the_english_ids_in_order_and_code_blocks_are_left_alone() {
        let html = r##"<h1 id="concepts"><a href="#concepts">Concepts</a></h1>
<p>x</p><h2 id="spawn-and-join">Spawn</h2><hr><h3 id="a-b">A</h3>"##;
        let ids = heading_ids(html);
        assert_eq!(ids, ["concepts", "spawn-and-join", "a-b"]);
        let page = "# Conceptos\n\ntexto\n\n```sh\n# not a heading\n```\n## Spawn y join\n### A\n";
        assert_eq!(
            with_heading_ids(page, &ids).unwrap(),
            "# Conceptos {#concepts}\n\ntexto\n\n```sh\n# not a heading\n```\n\
             ## Spawn y join {#spawn-and-join}\n### A {#a-b}\n"
        );
        // Not as many headings as ids: the page is left as it is.
        assert_eq!(with_heading_ids("# Uno\n", &ids), None);
    }

    #[test]
    fn a_translation_shows_the_figure_in_its_language_where_there_is_one() {
        let src = std::env::temp_dir().join(format!("kata-book-img-{}", std::process::id()));
        std::fs::create_dir_all(src.join("img/es")).unwrap();
        std::fs::write(src.join("img/es/race.svg"), "").unwrap();
        let page = "![A race](img/race.svg) and ![A pool](img/pool.svg)";
        assert_eq!(
            translated_figures(page, &src, "es"),
            "![A race](img/es/race.svg) and ![A pool](img/pool.svg)"
        );
        std::fs::remove_dir_all(&src).unwrap();
    }

    #[test]
    fn a_translation_shows_the_snapshot_in_its_language_where_there_is_one() {
        let dir = std::env::temp_dir().join(format!("kata-book-snap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("list_in_spanish.snap"), "").unwrap();
        let page = "{{#snapshot list.snap}} and {{#snapshot check.snap}}";
        assert_eq!(
            translated_snapshots(page, &dir, "es"),
            "{{#snapshot list_in_spanish.snap}} and {{#snapshot check.snap}}"
        );
        assert_eq!(translated_snapshots(page, &dir, "en"), page);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
