//! `kata book [--open]`: builds the mdBook into `target/book`, and its
//! Spanish edition into `target/book/es` (po/README.md); `--open` opens the
//! one in the learner's language. `--xgettext` updates the translation
//! catalogs instead. mdBook is used as a library by the small `kata-book`
//! binary of this workspace, compiled on first use, so there is nothing else
//! to install.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anstream::println;
use rust_i18n::t;

use crate::cmd::verify::include_problems;
use crate::course::Course;
use crate::error::{Error, Result};
use crate::process::{self, Bounds};
use crate::runner::cargo;
use crate::ui::{self, CODE, OK, WARN, paint};

const BOOK_LIMIT: Duration = Duration::from_secs(30 * 60);

pub fn book(course: &Course, open: bool, xgettext: bool, language: &str) -> Result<bool> {
    let book_dir = course.root.join("book");
    for page in std::fs::read_dir(book_dir.join("src")).map_err(|e| Error::io(&book_dir, e))? {
        let page = page.map_err(|e| Error::io(&book_dir, e))?.path();
        if page.extension().is_some_and(|x| x == "md") {
            let text = std::fs::read_to_string(&page).map_err(|e| Error::io(&page, e))?;
            for problem in include_problems(course, &page, &text) {
                println!("{} {problem}", paint(WARN, t!("warning.prefix")));
            }
        }
    }
    // The book builder lives in the workspace this harness was built from.
    let harness_workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the harness is in a workspace");
    let mut command = Command::new(cargo());
    command
        .args(["run", "-q", "--manifest-path"])
        .arg(harness_workspace.join("Cargo.toml"))
        .args(["-p", "kata-book", "--"])
        .arg(&book_dir);
    if xgettext {
        command.arg("--xgettext");
    }
    let spinner = ui::spinner(&t!("book.building"));
    let finished = process::run_bounded(command, Bounds::new(BOOK_LIMIT));
    spinner.finish_and_clear();
    let finished = finished?;
    if !finished.status.is_some_and(|s| s.success()) {
        println!("{}", finished.stderr.trim_end());
        return Err(Error::Other(t!("book.failed").into_owned()));
    }
    if xgettext {
        println!("{}", finished.stdout.trim_end());
        return Ok(true);
    }
    let index = match language {
        "en" => course.root.join("target/book/index.html"),
        other => course.root.join(format!("target/book/{other}/index.html")),
    };
    println!(
        "{} {}",
        paint(OK, "✓"),
        t!(
            "book.built",
            index = paint(CODE, course.display_path(&index))
        )
    );
    if open {
        open_in_browser(&index);
    }
    Ok(true)
}

fn open_in_browser(page: &PathBuf) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let opened = Command::new(opener)
        .arg(page)
        .status()
        .is_ok_and(|s| s.success());
    if !opened {
        println!("{}", t!("book.open_yourself", page = page.display()));
    }
}
