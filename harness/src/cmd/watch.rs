//! `kata watch [<lesson>[/<exercise>]]`: checks again when a lesson file's
//! content changes. File-system events only wake it up: what decides is the
//! content (a sha256 per file), so the compiler reading the files, an editor
//! touching one, or a save of the same text does not re-check. Events close
//! together count once; while idle it sleeps in a blocking receive and uses
//! no CPU. Where the file system sends no events (WSL's `/mnt/c`, network and
//! container mounts) it polls instead, once a second: with `--poll`, or on its
//! own when it finds the lesson on such a mount or cannot watch for events.
//! Ctrl-C kills whatever check is running, with everything it started.

use std::collections::BTreeMap;
use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use anstream::println;
use notify::{EventKind, RecursiveMode, Watcher};
use rust_i18n::t;

use crate::cmd::check::{CheckOptions, check};
use crate::course::{Course, Lesson, Target};
use crate::error::{Error, Result};
use crate::seal;
use crate::ui::{CODE, DIM, paint};

/// Events closer together than this count as one save.
const DEBOUNCE: Duration = Duration::from_millis(300);
/// How often `--poll` looks at the files.
const POLL_EVERY: Duration = Duration::from_secs(1);

/// File systems that send no change events (or not for changes made from
/// the other side of the mount), as `/proc/self/mountinfo` names them.
const NO_EVENTS: &[&str] = &[
    "9p", "drvfs", "nfs", "nfs4", "cifs", "smb3", "smbfs", "vboxsf", "virtiofs",
];

pub fn watch(
    course: &Course,
    target: Option<Target<'_>>,
    timeout: Duration,
    poll: bool,
) -> Result<()> {
    let lessons: Vec<&Lesson> = match target {
        Some(t) => vec![t.lesson],
        None => course.lessons.iter().collect(),
    };
    let dirs: Vec<PathBuf> = lessons
        .iter()
        .map(|l| course.lesson_dir(l).join("src"))
        .collect();

    let (tx, rx) = mpsc::channel::<()>();
    let mut watcher = None;
    let mut why_poll = poll.then(|| t!("watch.poll_asked").into_owned());
    if why_poll.is_none() {
        why_poll = dirs
            .iter()
            .find_map(|d| mount_type(d).filter(|t| sends_no_events(t)))
            .map(|kind| t!("watch.poll_mount", kind = kind).into_owned());
    }
    if why_poll.is_none() {
        match event_watcher(&dirs, tx) {
            Ok(w) => watcher = Some(w),
            Err(e) => why_poll = Some(t!("watch.poll_no_events", error = e).into_owned()),
        }
    }

    // A first verdict straight away, then one per change.
    let mut known = snapshot(&dirs);
    let first = target.unwrap_or_else(|| Target {
        lesson: lessons[0],
        exercise: None,
    });
    run_once(course, first, timeout, why_poll.as_deref())?;
    loop {
        match &watcher {
            Some(_) => {
                // Sleep until something happens, then until it is quiet.
                if rx.recv().is_err() {
                    return Err(Error::Other(t!("watch.watcher_stopped").into_owned()));
                }
                while rx.recv_timeout(DEBOUNCE).is_ok() {}
            }
            None => std::thread::sleep(POLL_EVERY),
        }
        let now = snapshot(&dirs);
        let changed: Vec<&PathBuf> = now
            .iter()
            .filter(|(path, digest)| known.get(*path) != Some(digest))
            .map(|(path, _)| path)
            .chain(known.keys().filter(|p| !now.contains_key(*p)))
            .collect();
        let Some(path) = changed.first().map(|p| p.to_path_buf()) else {
            continue; // an event, but no content changed: nothing to do
        };
        known = now;
        // Which lesson the file is in; an exercise file narrows the check
        // unless the watch was for one exercise.
        let Some(lesson) = lessons
            .iter()
            .find(|l| path.starts_with(course.lesson_dir(l)))
        else {
            continue;
        };
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let exercise = match target.and_then(|t| t.exercise) {
            Some(fixed) => Some(fixed),
            None => lesson.exercise(stem),
        };
        run_once(
            course,
            Target { lesson, exercise },
            timeout,
            why_poll.as_deref(),
        )?;
    }
}

/// A watcher that sends `()` on every event that may be a change (not mere
/// reads: the compiler and kata itself open and read the files).
fn event_watcher(dirs: &[PathBuf], tx: mpsc::Sender<()>) -> notify::Result<impl Watcher> {
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let relevant = match &event {
            Ok(e) => !matches!(e.kind, EventKind::Access(_)),
            Err(_) => true,
        };
        if relevant {
            let _ = tx.send(());
        }
    })?;
    for dir in dirs {
        watcher.watch(dir, RecursiveMode::Recursive)?;
    }
    Ok(watcher)
}

/// Every `.rs` file below `dirs` with the sha256 of its content.
fn snapshot(dirs: &[PathBuf]) -> BTreeMap<PathBuf, String> {
    let mut files = BTreeMap::new();
    let mut pending: Vec<PathBuf> = dirs.to_vec();
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(t) if t.is_dir() => pending.push(path),
                Ok(_) if path.extension().is_some_and(|x| x == "rs") => {
                    if let Ok(bytes) = fs::read(&path) {
                        files.insert(path, seal::sha256_hex(&bytes));
                    }
                }
                _ => {}
            }
        }
    }
    files
}

/// The type of the file system `path` is on, from `/proc/self/mountinfo`
/// (Linux; `None` elsewhere or when unknown).
fn mount_type(path: &Path) -> Option<String> {
    let path = path.canonicalize().ok()?;
    let info = fs::read_to_string("/proc/self/mountinfo").ok()?;
    let mut best: Option<(usize, String)> = None;
    for line in info.lines() {
        // id parent major:minor root MOUNT_POINT options… - TYPE source …
        let fields: Vec<&str> = line.split(' ').collect();
        let Some(point) = fields.get(4) else { continue };
        let point = PathBuf::from(point.replace("\\040", " "));
        let Some(dash) = fields.iter().position(|f| *f == "-") else {
            continue;
        };
        let Some(kind) = fields.get(dash + 1) else {
            continue;
        };
        let depth = point.components().count();
        if path.starts_with(&point) && best.as_ref().is_none_or(|(d, _)| depth >= *d) {
            best = Some((depth, kind.to_string()));
        }
    }
    best.map(|(_, kind)| kind)
}

fn sends_no_events(kind: &str) -> bool {
    NO_EVENTS.contains(&kind) || kind.starts_with("fuse")
}

fn run_once(
    course: &Course,
    target: Target<'_>,
    timeout: Duration,
    polling: Option<&str>,
) -> Result<()> {
    if std::io::stdout().is_terminal() {
        print!("\x1b[2J\x1b[H"); // clear the screen for a fresh verdict
    }
    match check(course, target, &CheckOptions::new(timeout)) {
        Ok(_) => {}
        Err(Error::Other(message)) | Err(Error::Course(message)) => {
            println!("{} {message}", t!("error.prefix"));
        }
        Err(other) => return Err(other),
    }
    let lesson = paint(CODE, target.lesson.id.as_str());
    let how = match polling {
        Some(why) => t!(
            "watch.polling",
            lesson = lesson,
            secs = POLL_EVERY.as_secs(),
            why = why
        ),
        None => t!("watch.watching", lesson = lesson),
    };
    println!("{}", paint(DIM, t!("watch.ctrl_c", how = how)));
    Ok(())
}
