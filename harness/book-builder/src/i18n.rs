//! The Spanish edition's catalog (po/README.md): the English book's messages
//! go to `po/messages.pot`, their Spanish to `po/es.po`. Extraction runs on
//! the book as the html renderer sees it (after `{{#include}}` and the
//! course's own directives), so the listings' comments and the generated
//! gallery lists are translated too. The checks here are what `cargo test`
//! runs through `kata-book BOOK_DIR --check-po`.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use mdbook_driver::MDBook;
use mdbook_i18n_helpers::xgettext::create_catalogs;
use mdbook_preprocessor::errors::{Error, Result};
use mdbook_renderer::{RenderContext, Renderer};
use polib::catalog::Catalog;
use polib::message::Message;
use polib::metadata::CatalogMetadata;

/// The languages the book is translated into, besides English.
pub const TRANSLATIONS: &[&str] = &["es"];

/// Stands for the `xgettext` renderer when the book is preprocessed for
/// extraction: preprocessors that skip it (the translating one) skip it.
struct Extraction;

impl Renderer for Extraction {
    fn name(&self) -> &str {
        "xgettext"
    }
    fn render(&self, _ctx: &RenderContext) -> Result<()> {
        Ok(())
    }
}

/// Every message of the English book, in book order.
pub fn extract(book: &MDBook) -> Result<Catalog> {
    let (preprocessed, _) = book.preprocess_book(&Extraction)?;
    let ctx = RenderContext::new(
        book.root.clone(),
        preprocessed,
        book.config.clone(),
        book.root.join("../target/book/xgettext"),
    );
    let catalogs = create_catalogs(&ctx, std::fs::read_to_string)?;
    let mut catalogs: Vec<(PathBuf, Catalog)> = catalogs.into_iter().collect();
    match catalogs.len() {
        1 => Ok(catalogs.remove(0).1),
        n => Err(Error::msg(format!(
            "expected one catalog, got {n} (is output.xgettext.depth set?)"
        ))),
    }
}

fn msgids(catalog: &Catalog) -> BTreeSet<String> {
    catalog.messages().map(|m| m.msgid().to_string()).collect()
}

fn parse(path: &Path) -> Result<Catalog> {
    polib::po_file::parse(path)
        .map_err(|err| Error::msg(format!("cannot read {}: {err}", path.display())))
}

fn write(catalog: &Catalog, path: &Path) -> Result<()> {
    polib::po_file::write(catalog, path)
        .map_err(|err| Error::msg(format!("cannot write {}: {err}", path.display())))
}

/// The Spanish catalog for `template`: each message keeps the translation it
/// had in `old` (when it was neither empty nor fuzzy) and new ones come in
/// empty; messages the book no longer has are dropped.
pub fn merge(template: &Catalog, old: Option<&Catalog>, language: &str) -> Catalog {
    let translated: HashMap<&str, &str> = old
        .map(|old| {
            old.messages()
                .filter(|m| m.is_translated() && !m.is_fuzzy())
                .filter_map(|m| Some((m.msgid(), m.msgstr().ok()?)))
                .collect()
        })
        .unwrap_or_default();
    let mut metadata = CatalogMetadata::new();
    if let Some(old) = old {
        metadata.po_revision_date = old.metadata.po_revision_date.clone();
        metadata.last_translator = old.metadata.last_translator.clone();
        metadata.language_team = old.metadata.language_team.clone();
    }
    metadata.pot_creation_date = template.metadata.pot_creation_date.clone();
    metadata.project_id_version = template.metadata.project_id_version.clone();
    metadata.language = language.to_string();
    metadata.mime_version = "1.0".to_string();
    metadata.content_type = "text/plain; charset=UTF-8".to_string();
    metadata.content_transfer_encoding = "8bit".to_string();
    let mut merged = Catalog::new(metadata);
    for message in template.messages() {
        merged.append_or_update(
            Message::build_singular()
                .with_source(message.source().to_string())
                .with_comments(message.comments().to_string())
                .with_msgid(message.msgid().to_string())
                .with_msgstr(match translated.get(message.msgid()) {
                    Some(translation) => translation.to_string(),
                    None if stays_as_it_is(message.msgid()) => message.msgid().to_string(),
                    None => String::new(),
                })
                .done(),
        );
    }
    merged
}

/// Messages that are not prose, which every language copies as they are
/// (po/README.md): a whole code block (the extractor gives one for output
/// listings: compiler errors, console sessions), a string literal of a
/// listing, or text without a word in it. New ones come in copied, so a
/// maintainer translates only prose.
pub fn stays_as_it_is(msgid: &str) -> bool {
    let text = msgid.trim();
    let literal = !text.contains('\n')
        && text.len() >= 2
        && (text.starts_with('"') || text.starts_with("r\"") || text.starts_with("b\""))
        && text.ends_with('"');
    let wordless = !text
        .as_bytes()
        .windows(2)
        .any(|pair| pair.iter().all(u8::is_ascii_alphabetic));
    text.starts_with("```") || text.starts_with("~~~") || literal || wordless
}

/// `--xgettext`: rewrites `po/messages.pot` (only when its messages changed,
/// so the file does not churn on its date) and merges every translation.
pub fn update(book: &MDBook, po_dir: &Path) -> Result<()> {
    let template = extract(book)?;
    let pot = po_dir.join("messages.pot");
    let unchanged = pot.exists() && msgids(&parse(&pot)?) == msgids(&template);
    if !unchanged {
        write(&template, &pot)?;
    }
    for language in TRANSLATIONS {
        let path = po_dir.join(format!("{language}.po"));
        let old = if path.exists() {
            Some(parse(&path)?)
        } else {
            None
        };
        let merged = merge(&template, old.as_ref(), language);
        let empty = merged.messages().filter(|m| !m.is_translated()).count();
        write(&merged, &path)?;
        println!(
            "{}: {} messages, {} to translate",
            path.display(),
            merged.count(),
            empty
        );
    }
    Ok(())
}

/// What is wrong with the catalogs, one line each (empty when nothing is).
pub fn problems(
    template: &Catalog,
    pot: &Catalog,
    translations: &[(&str, Catalog)],
) -> Vec<String> {
    let mut problems = Vec::new();
    let fresh = msgids(template);
    let stored = msgids(pot);
    let new: Vec<&String> = fresh.difference(&stored).collect();
    let gone: Vec<&String> = stored.difference(&fresh).collect();
    if !new.is_empty() || !gone.is_empty() {
        problems.push(format!(
            "po/messages.pot is stale: {} messages of the book are not in it, {} in it are no \
             longer in the book (first: {}); run `cargo kata book --xgettext`",
            new.len(),
            gone.len(),
            first(new.iter().chain(gone.iter()).map(|s| s.as_str()))
        ));
    }
    for (language, catalog) in translations {
        let mut untranslated = Vec::new();
        let mut fuzzy = Vec::new();
        for message in catalog.messages() {
            if !message.is_translated() {
                untranslated.push(message.msgid().to_string());
            } else if message.is_fuzzy() {
                fuzzy.push(message.msgid().to_string());
            }
        }
        let have = msgids(catalog);
        let missing: Vec<&String> = fresh.difference(&have).collect();
        let obsolete: Vec<&String> = have.difference(&fresh).collect();
        for (what, list) in [
            ("untranslated", untranslated.iter().collect::<Vec<_>>()),
            ("fuzzy", fuzzy.iter().collect()),
            ("missing (not merged yet)", missing),
            ("obsolete (no longer in the book)", obsolete),
        ] {
            if !list.is_empty() {
                problems.push(format!(
                    "po/{language}.po: {} {what} messages (first: {})",
                    list.len(),
                    first(list.iter().map(|s| s.as_str()))
                ));
            }
        }
    }
    problems
}

fn first<'a>(mut messages: impl Iterator<Item = &'a str>) -> String {
    let Some(message) = messages.next() else {
        return String::new();
    };
    let line: String = message
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(70)
        .collect();
    format!("{line:?}")
}

/// `--check-po`: the catalogs against the book as it is now.
pub fn check(book: &MDBook, po_dir: &Path) -> Result<Vec<String>> {
    let template = extract(book)?;
    let pot = parse(&po_dir.join("messages.pot"))?;
    let mut translations = Vec::new();
    for language in TRANSLATIONS {
        translations.push((*language, parse(&po_dir.join(format!("{language}.po")))?));
    }
    Ok(problems(&template, &pot, &translations))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog(entries: &[(&str, &str)]) -> Catalog {
        let mut catalog = Catalog::new(CatalogMetadata::new());
        for (id, translation) in entries {
            catalog.append_or_update(
                Message::build_singular()
                    .with_msgid(id.to_string())
                    .with_msgstr(translation.to_string())
                    .done(),
            );
        }
        catalog
    }

    #[test]
    fn merging_keeps_translations_and_brings_new_messages_in_empty() {
        let template = catalog(&[("Threads", ""), ("A new paragraph.", "")]);
        let old = catalog(&[("Threads", "Hilos"), ("Gone from the book.", "Ya no está.")]);
        let merged = merge(&template, Some(&old), "es");
        let entries: Vec<(String, String)> = merged
            .messages()
            .map(|m| (m.msgid().to_string(), m.msgstr().unwrap().to_string()))
            .collect();
        assert_eq!(
            entries,
            [
                ("Threads".to_string(), "Hilos".to_string()),
                ("A new paragraph.".to_string(), String::new())
            ]
        );
        assert_eq!(merged.metadata.language, "es");
    }

    #[test]
    fn output_listings_literals_and_figures_come_in_copied() {
        let template = catalog(&[
            ("```text\nerror[E0382]: use of moved value\n```", ""),
            ("\"tcp\"", ""),
            ("1.04×", ""),
            ("A new paragraph.", ""),
        ]);
        let merged = merge(&template, None, "es");
        let copied: Vec<bool> = merged
            .messages()
            .map(|m| m.msgstr().unwrap() == m.msgid())
            .collect();
        assert_eq!(copied, [true, true, true, false]);
    }

    #[test]
    fn every_kind_of_problem_is_reported() {
        let template = catalog(&[("Threads", ""), ("New.", "")]);
        let pot = catalog(&[("Threads", "")]);
        let mut es = catalog(&[("Threads", ""), ("Old.", "Viejo.")]);
        let mut flags = polib::message::MessageFlags::new();
        flags.add_flag("fuzzy");
        es.append_or_update(
            Message::build_singular()
                .with_msgid("New.".to_string())
                .with_msgstr("Nuevo (a guess).".to_string())
                .with_flags(flags)
                .done(),
        );
        let problems = problems(&template, &pot, &[("es", es)]);
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems[0].starts_with("po/messages.pot is stale: 1 messages"));
        assert!(problems[1].contains("1 untranslated"));
        assert!(problems[2].contains("1 fuzzy"));
        assert!(problems[3].contains("1 obsolete"));
    }

    #[test]
    fn a_complete_catalog_has_no_problems() {
        let template = catalog(&[("Threads", "")]);
        let es = catalog(&[("Threads", "Hilos")]);
        assert!(problems(&template, &template, &[("es", es)]).is_empty());
    }
}
