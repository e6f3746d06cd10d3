//! The language `kata` speaks: English or Spanish. Its messages live in
//! `harness/locales/*.yml` (rust-i18n, `_version: 2`: each key with its `en`
//! and `es` side by side) and are looked up with rust-i18n's `t!` macro.
//!
//! The choice, first one set and non-empty wins: `--lang`, `KATA_LANG`, then
//! the POSIX locale variables `LC_ALL`, `LC_MESSAGES`, `LANG`. A locale whose
//! language is `es` (`es`, `es_ES.UTF-8`, `es_MX`) means Spanish, any other
//! (`C`, `POSIX`, `en_US.UTF-8`) English. `--lang` and `KATA_LANG` must name a
//! supported language: anything else is a usage error.

use std::ffi::OsString;

use rust_i18n::t;

use crate::error::Error;

/// The languages `kata` speaks, as `--lang` and `KATA_LANG` name them.
pub const SUPPORTED: &[&str] = &["en", "es"];

/// The locale variables read after `--lang` and `KATA_LANG`, in order.
pub const LOCALE_VARIABLES: &[&str] = &["LC_ALL", "LC_MESSAGES", "LANG"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    /// `en` or `es`: the locale of the message catalog.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// A language as `--lang` or `KATA_LANG` name it (`es`, `ES`); `None` for
    /// one `kata` does not speak.
    pub fn parse(text: &str) -> Option<Lang> {
        match text.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            _ => None,
        }
    }

    /// The language of a POSIX locale (`es_ES.UTF-8`, `es`, `C`): Spanish
    /// when its language part is `es`, else English.
    pub fn of_locale(locale: &str) -> Lang {
        let language = locale
            .split(['_', '.', '@', '-'])
            .next()
            .unwrap_or("")
            .trim();
        if language.eq_ignore_ascii_case("es") {
            Lang::Es
        } else {
            Lang::En
        }
    }
}

/// Chooses the language from `--lang` (`flag`) and the environment (`env`
/// gives a variable's value). An unsupported `--lang` or `KATA_LANG` is an
/// error, said in the language the rest of the chain chooses, which comes
/// with it. Sets nothing: [`set_lang`] does.
pub fn choose(
    flag: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Lang, (Error, Lang)> {
    let set = |value: Option<String>| value.filter(|v| !v.trim().is_empty());
    let mut bad: Option<(&str, String)> = None;
    if let Some(flag) = flag {
        match Lang::parse(flag) {
            Some(lang) => return Ok(lang),
            None => bad = Some(("--lang", flag.to_string())),
        }
    }
    let mut chosen = None;
    if let Some(value) = set(env("KATA_LANG")) {
        match Lang::parse(&value) {
            Some(lang) => chosen = Some(lang),
            None => {
                bad.get_or_insert(("KATA_LANG", value));
            }
        }
    }
    let chosen = chosen.unwrap_or_else(|| {
        LOCALE_VARIABLES
            .iter()
            .find_map(|name| set(env(name)))
            .map_or(Lang::En, |locale| Lang::of_locale(&locale))
    });
    match bad {
        None => Ok(chosen),
        Some((source, value)) => {
            let error = Error::Usage(
                t!(
                    "lang.unsupported",
                    locale = chosen.code(),
                    source = source,
                    value = value,
                    supported = SUPPORTED.join(", ")
                )
                .into_owned(),
            );
            Err((error, chosen))
        }
    }
}

/// The value of `--lang` on a command line (`--lang es`, `--lang=es`),
/// looked for before clap parses it so that `--help` is in that language.
/// Nothing after `--` counts.
pub fn flag_in(args: &[OsString]) -> Option<String> {
    let mut args = args.iter().skip(1);
    let mut found = None;
    while let Some(arg) = args.next() {
        let arg = arg.to_string_lossy();
        if arg == "--" {
            break;
        }
        if arg == "--lang" {
            found = Some(
                args.next()
                    .map(|v| v.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            );
        } else if let Some(value) = arg.strip_prefix("--lang=") {
            found = Some(value.to_string());
        }
    }
    found
}

/// Makes `lang` the language of every message from now on.
pub fn set_lang(lang: Lang) {
    rust_i18n::set_locale(lang.code());
}

/// The language messages are in now.
pub fn current() -> Lang {
    Lang::parse(&rust_i18n::locale()).unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    fn env_of<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    fn chosen(flag: Option<&str>, vars: &[(&str, &str)]) -> Lang {
        choose(flag, env_of(vars)).unwrap_or_else(|(e, _)| panic!("{e}"))
    }

    // Catches: a source read out of order, an empty variable taken as set,
    // a regional Spanish locale not recognised.
    #[test]
    fn the_first_source_set_wins() {
        let all = [
            ("KATA_LANG", "en"),
            ("LC_ALL", "es_ES.UTF-8"),
            ("LC_MESSAGES", "en_US.UTF-8"),
            ("LANG", "es_MX"),
        ];
        assert_eq!(chosen(Some("es"), &all), Lang::Es);
        assert_eq!(chosen(None, &all), Lang::En);
        assert_eq!(chosen(None, &all[1..]), Lang::Es);
        assert_eq!(chosen(None, &all[2..]), Lang::En);
        assert_eq!(chosen(None, &all[3..]), Lang::Es);
        assert_eq!(chosen(None, &[]), Lang::En);
        assert_eq!(
            chosen(None, &[("KATA_LANG", ""), ("LC_ALL", ""), ("LANG", "es")]),
            Lang::Es
        );
        for (locale, lang) in [
            ("es", Lang::Es),
            ("es_ES.UTF-8", Lang::Es),
            ("es_MX", Lang::Es),
            ("es_AR@euro", Lang::Es),
            ("C", Lang::En),
            ("POSIX", Lang::En),
            ("C.UTF-8", Lang::En),
            ("en_US.UTF-8", Lang::En),
            ("fr_FR.UTF-8", Lang::En),
            ("estonian", Lang::En),
        ] {
            assert_eq!(Lang::of_locale(locale), lang, "{locale}");
        }
    }

    // Catches: an unsupported language silently taken as English.
    #[test]
    fn an_unsupported_language_is_a_usage_error() {
        let (error, _) = choose(Some("fr"), env_of(&[])).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(error.to_string().contains("en, es"), "{error}");
        let (error, lang) =
            choose(None, env_of(&[("KATA_LANG", "fr"), ("LANG", "es_ES")])).unwrap_err();
        assert_eq!(lang, Lang::Es);
        assert_eq!(error.exit_code(), 2);
        assert!(error.to_string().contains("idiomas disponibles"), "{error}");
    }

    #[test]
    fn the_flag_is_found_before_clap_parses() {
        let args = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(flag_in(&args(&["kata", "list"])), None);
        assert_eq!(
            flag_in(&args(&["kata", "--lang", "es", "list"])).as_deref(),
            Some("es")
        );
        assert_eq!(
            flag_in(&args(&["kata", "check", "a/b", "--lang=en"])).as_deref(),
            Some("en")
        );
        assert_eq!(flag_in(&args(&["kata", "--", "--lang", "es"])), None);
    }

    /// Every `harness/locales/*.yml`: key -> locale -> text.
    fn catalog() -> BTreeMap<String, BTreeMap<String, String>> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let mut keys = BTreeMap::new();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "yml"))
            .collect();
        files.sort();
        assert!(!files.is_empty(), "no locale files in {}", dir.display());
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let map: BTreeMap<String, serde_yaml::Value> =
                serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            assert_eq!(
                map.get("_version").and_then(serde_yaml::Value::as_u64),
                Some(2),
                "{}: `_version: 2` (each key with its languages side by side)",
                file.display()
            );
            for (key, value) in map {
                if key == "_version" {
                    continue;
                }
                let texts: BTreeMap<String, String> = serde_yaml::from_value(value)
                    .unwrap_or_else(|e| panic!("{}: {key}: {e}", file.display()));
                assert!(
                    keys.insert(key.clone(), texts).is_none(),
                    "{key} is in two locale files"
                );
            }
        }
        keys
    }

    /// The `%{name}` placeholders of a message.
    fn placeholders(text: &str) -> BTreeSet<&str> {
        let mut found = BTreeSet::new();
        let mut rest = text;
        while let Some(start) = rest.find("%{") {
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else { break };
            found.insert(&after[..end]);
            rest = &after[end + 1..];
        }
        found
    }

    // Catches: a message left untranslated (or empty) in one language, or a
    // translation that drops or misspells a placeholder.
    #[test]
    fn every_message_is_in_both_languages_with_the_same_placeholders() {
        let mut problems = Vec::new();
        for (key, texts) in catalog() {
            for lang in SUPPORTED {
                match texts.get(*lang) {
                    Some(text) if !text.trim().is_empty() => {}
                    _ => problems.push(format!("{key}: no `{lang}` text")),
                }
            }
            for other in texts.keys().filter(|l| !SUPPORTED.contains(&l.as_str())) {
                problems.push(format!("{key}: `{other}` is not a supported language"));
            }
            if let (Some(en), Some(es)) = (texts.get("en"), texts.get("es"))
                && placeholders(en) != placeholders(es)
            {
                problems.push(format!(
                    "{key}: placeholders differ: en {:?}, es {:?}",
                    placeholders(en),
                    placeholders(es)
                ));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// The keys of every use of the `t!` macro (with a literal key) in `dir`'s
    /// `.rs` files, recursively.
    fn used_keys(dir: &Path, keys: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                used_keys(&path, keys);
                continue;
            }
            if path.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let mut rest = text.as_str();
            // Spelt in pieces, so that this file's own text is not a use.
            let needle = concat!("t", "!(");
            while let Some(at) = rest.find(needle) {
                let before = rest[..at].chars().next_back();
                rest = &rest[at + 3..];
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue; // `print!(`, `assert!(`, …
                }
                let Some(literal) = rest.trim_start().strip_prefix('"') else {
                    continue;
                };
                let key = &literal[..literal.find('"').unwrap_or(0)];
                keys.entry(key.to_string())
                    .or_insert_with(|| path.display().to_string());
            }
        }
    }

    // Catches: a `t!` macro whose key has no message (rust-i18n would print the
    // key itself), and a message nothing uses any more.
    #[test]
    fn every_key_used_is_in_the_catalog_and_every_key_in_it_is_used() {
        let mut used = BTreeMap::new();
        used_keys(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut used,
        );
        let catalog = catalog();
        let missing: Vec<String> = used
            .iter()
            .filter(|(key, _)| !catalog.contains_key(*key))
            .map(|(key, file)| format!("{key} (used in {file})"))
            .collect();
        let unused: Vec<&String> = catalog.keys().filter(|k| !used.contains_key(*k)).collect();
        assert!(
            missing.is_empty(),
            "keys missing from harness/locales: {missing:?}"
        );
        assert!(unused.is_empty(), "keys nothing uses: {unused:?}");
    }
}
