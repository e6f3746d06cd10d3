//! The real course, as shipped: `kata verify` proves the stub/solution/test
//! contract of every lesson, and the book builds with its listings included.
//! This is what `cargo test` at the root runs besides the harness's own tests.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use common::{kata_bin, stdout_of};
use predicates::str::contains;

fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the harness is in the course")
        .to_path_buf()
}

/// `kata` on the real course, with its own target folder (the one cargo uses
/// for everything else), so lesson dependencies are built once.
fn kata() -> Command {
    let mut cmd = kata_bin();
    cmd.arg("--root")
        .arg(course_root())
        .timeout(Duration::from_secs(3600));
    cmd
}

#[test]
fn every_lesson_keeps_the_contract() {
    let output = kata().arg("verify").output().expect("kata verify runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        output.status.success(),
        "kata verify found breaches:\n{stdout}"
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
}

#[test]
fn the_book_builds_with_its_listings() {
    kata()
        .arg("book")
        .assert()
        .success()
        .stdout(contains("target/book/index.html"));
    let chapter = fs::read_to_string(course_root().join("target/book/traits-solutions.html"))
        .expect("the solutions page was rendered");
    // An include that went missing leaves the directive in the page.
    assert!(
        !chapter.contains("{{#include"),
        "an include was not expanded"
    );
    assert!(
        chapter.contains("validate_hostname"),
        "the solutions are included"
    );
    // Whole solution files are shown without their `// ANCHOR:` lines.
    let course = harness::course::Course::load(&course_root()).expect("the course loads");
    for lesson in course.lessons.iter().map(|l| l.id.as_str()) {
        let page = course_root().join(format!("target/book/{lesson}-solutions.html"));
        let page = fs::read_to_string(&page).expect("every solutions page was rendered");
        assert!(
            !page.contains("ANCHOR"),
            "{lesson}-solutions.html shows anchor lines"
        );
    }
    // The introduction's `cargo kata list` listing is the snapshot without
    // its header: the shown block starts with the first lesson's line.
    let intro = fs::read_to_string(course_root().join("target/book/introduction.html")).unwrap();
    let listing = intro
        .split("<code class=\"language-text\">")
        .nth(1)
        .expect("the introduction shows the listing");
    assert!(
        listing.starts_with("1. traits "),
        "the listing starts with {:?}",
        listing.lines().next()
    );
    // Every figure reads on a phone: at most 600 px wide, so that it is
    // shown at least at 60 % on a 400 px screen, with text of 14 px or more.
    let img = course_root().join("book/src/img");
    let figures = fs::read_dir(&img)
        .unwrap()
        .chain(fs::read_dir(img.join("es")).unwrap());
    for figure in figures {
        let path = figure.unwrap().path();
        if path.extension().is_none_or(|x| x != "svg") {
            continue;
        }
        let svg = fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let width: f64 = svg
            .split("viewBox=\"")
            .nth(1)
            .and_then(|v| v.split_whitespace().nth(2))
            .and_then(|w| w.parse().ok())
            .unwrap_or_else(|| panic!("{name} has no viewBox"));
        assert!(width <= 600.0, "{name} is {width} px wide");
        for size in svg.split("font-size=\"").skip(1) {
            let size: f64 = size.split('"').next().unwrap().parse().unwrap();
            assert!(size >= 14.0, "{name} has {size} px text");
        }
    }
    // Search is on: the index the search box loads exists, and it indexes
    // the chapters' text.
    let book = course_root().join("target/book");
    let index = fs::read_dir(&book)
        .expect("the book folder exists")
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with("searchindex") && name.ends_with(".js")
        })
        .expect("the book has a search index (mdbook-driver's `search` feature)");
    let words = fs::read_to_string(&index).unwrap();
    assert!(
        words.contains("traits.html"),
        "the index covers the chapters"
    );
    let name = index.file_name().unwrap().to_string_lossy().into_owned();
    let front = fs::read_to_string(book.join("index.html")).unwrap();
    assert!(front.contains(&name), "the pages load {name}");

    // `--open` opens the edition in kata's language: the one it names.
    kata()
        .args(["--lang", "es", "book"])
        .assert()
        .success()
        .stdout(contains("target/book/es/index.html"));
    // The Spanish edition is built beside it (po/README.md), each page in
    // Spanish, with search, and linked to its English twin and back; every
    // figure has its Spanish twin in img/es, which the Spanish pages show.
    let es = book.join("es");
    for figure in fs::read_dir(&img).unwrap().flatten().map(|e| e.path()) {
        if figure.extension().is_some_and(|x| x == "svg") {
            let name = figure.file_name().unwrap();
            assert!(
                img.join("es").join(name).is_file(),
                "book/src/img/{} has no Spanish twin in book/src/img/es",
                name.to_string_lossy()
            );
        }
    }
    let race = fs::read_to_string(es.join("threads-concepts-sync.html")).unwrap();
    assert!(
        race.contains("img/es/threads-race.svg"),
        "the Spanish page shows the Spanish figure"
    );
    let page = fs::read_to_string(es.join("threads-semaphore.html"))
        .expect("the Spanish edition was built into target/book/es");
    assert!(
        page.contains("<html lang=\"es\""),
        "the page says it is Spanish"
    );
    assert!(
        page.contains("href=\"../threads-semaphore.html\"") && page.contains("Read in English"),
        "the Spanish page links to its English twin"
    );
    assert!(page.contains("semáforo"), "the page is in Spanish");
    let english = fs::read_to_string(book.join("threads-semaphore.html")).unwrap();
    assert!(
        english.contains("href=\"es/threads-semaphore.html\"")
            && english.contains("Leer en español"),
        "the English page links to its Spanish twin"
    );
    // Links to a section (`threads-concepts.md#spawn-and-join`) are kept as
    // they are in the translation: every Spanish page has the English ids.
    let ids = |html: &str| -> Vec<String> {
        html.split("<h")
            .skip(1)
            .filter(|rest| rest.as_bytes().first().is_some_and(u8::is_ascii_digit))
            .filter_map(|rest| rest[1..].strip_prefix(" id=\""))
            .filter_map(|rest| rest.split('"').next().map(str::to_string))
            .collect()
    };
    for page in fs::read_dir(&book).unwrap().flatten().map(|e| e.path()) {
        if page.extension().is_none_or(|x| x != "html") {
            continue;
        }
        let name = page.file_name().unwrap();
        let Ok(spanish) = fs::read_to_string(es.join(name)) else {
            continue;
        };
        let english = fs::read_to_string(&page).unwrap();
        let name = name.to_string_lossy();
        // Every page links to its twin in the other language.
        let chapter = Path::new(&*name).with_extension("md");
        if course_root().join("book/src").join(chapter).is_file() {
            assert!(
                english.contains(&format!("href=\"es/{name}\""))
                    && spanish.contains(&format!("href=\"../{name}\"")),
                "{name} and es/{name} do not link to each other"
            );
        }
        assert_eq!(
            ids(&spanish),
            ids(&english),
            "the headings of es/{name} have other ids than the English page's"
        );
    }
    assert!(
        fs::read_dir(&es)
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("searchindex")),
        "the Spanish edition has its own search index"
    );
}

/// The Spanish catalog is complete and current: every message of the English
/// book is in `po/messages.pot` and has a Spanish translation in `po/es.po`
/// that is neither empty nor fuzzy, and nothing there is obsolete.
#[test]
fn the_spanish_catalog_matches_the_english_book() {
    let harness_workspace = course_root();
    let output = std::process::Command::new(env!("CARGO"))
        .current_dir(&harness_workspace)
        .args(["run", "-q", "-p", "kata-book", "--"])
        .arg(harness_workspace.join("book"))
        .arg("--check-po")
        .output()
        .expect("kata-book runs");
    assert!(
        output.status.success(),
        "the catalogs do not match the book (po/README.md says how to update them):\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `kata` on the real course with a state folder of its own, so the learner
/// state of whoever runs the tests does not leak into the output.
fn kata_fresh(state: &tempfile::TempDir) -> Command {
    let mut cmd = kata();
    cmd.env("KATA_STATE_DIR", state.path());
    cmd
}

// The book's introduction shows this output (book/src/introduction.md).
#[test]
fn a_fresh_course_lists_every_exercise_as_not_started() {
    let state = tempfile::tempdir().unwrap();
    insta::assert_snapshot!(stdout_of(kata_fresh(&state).arg("list"), 0));
}

// The book's introduction shows this output (book/src/introduction.md).
#[test]
fn checking_a_stub_shows_its_todo_and_where_to_go() {
    let state = tempfile::tempdir().unwrap();
    insta::assert_snapshot!(stdout_of(
        kata_fresh(&state).args(["check", "traits/server"]),
        1
    ));
}

// The Spanish book's introduction shows these two (a snapshot named
// `<name>_in_spanish` takes the place of `<name>` there).
#[test]
fn a_fresh_course_lists_every_exercise_as_not_started_in_spanish() {
    let state = tempfile::tempdir().unwrap();
    insta::assert_snapshot!(stdout_of(
        kata_fresh(&state).args(["--lang", "es", "list"]),
        0
    ));
}

#[test]
fn checking_a_stub_shows_its_todo_and_where_to_go_in_spanish() {
    let state = tempfile::tempdir().unwrap();
    insta::assert_snapshot!(stdout_of(
        kata_fresh(&state).args(["--lang", "es", "check", "traits/server"]),
        1
    ));
}

// Catches: a test whose comment says it catches a wrong solution that the
// gallery never makes it prove, and a gallery entry that names a test whose
// comments do not say so (the claim would be invisible to a reader).
#[test]
fn every_catches_comment_is_a_claim_the_gallery_proves() {
    use harness::cmd::gallery::{claims, load};
    let course = harness::course::Course::load(&course_root()).expect("the course loads");
    let mut all = Vec::new();
    for lesson in &course.lessons {
        let wrongs = load(&course, lesson).expect("gallery.toml loads");
        for (id, what) in claims::disagreements(&course, lesson, &wrongs).expect("tests read") {
            all.push(format!("{}/{id}: {what}", lesson.id));
        }
    }
    assert!(all.is_empty(), "{}", all.join("\n"));
}
