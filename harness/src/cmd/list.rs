//! `kata` / `kata list`: every lesson and exercise with its state, the overall
//! progress and the next exercise to do. `--json` for scripts and instructors.

use anstream::println;
use rust_i18n::t;
use serde::Serialize;

use crate::course::Course;
use crate::error::Result;
use crate::progress::{State, Store};
use crate::ui::{BAD, BOLD, CODE, DIM, OK, WARN, paint};

#[derive(Debug, Serialize)]
pub struct Listing {
    pub done: usize,
    pub total: usize,
    /// `lesson/exercise` of the first exercise in teaching order not done yet.
    pub next: Option<String>,
    pub lessons: Vec<LessonListing>,
}

#[derive(Debug, Serialize)]
pub struct LessonListing {
    pub id: String,
    pub title: String,
    pub exercises: Vec<ExerciseListing>,
}

#[derive(Debug, Serialize)]
pub struct ExerciseListing {
    pub id: String,
    pub title: String,
    pub state: State,
    /// Tests passed / total at the last check of the file as it is now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tests_passed: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tests_total: Option<usize>,
    /// The file to edit, relative to the course root.
    pub file: String,
}

/// The listing, with titles in kata's language (`--json` keeps English:
/// it is for scripts).
pub fn listing(course: &Course, store: &Store, language: &str) -> Listing {
    let mut lessons = Vec::new();
    let (mut done, mut total, mut next) = (0, 0, None);
    for lesson in &course.lessons {
        let mut exercises = Vec::new();
        for exercise in &lesson.exercises {
            let state = store.state(course, lesson, exercise);
            total += 1;
            if state == State::Done {
                done += 1;
            } else if next.is_none() {
                next = Some(format!("{}/{}", lesson.id, exercise.id));
            }
            let record = store
                .get(lesson, exercise)
                .and_then(|p| p.last_check.as_ref())
                .filter(|_| matches!(state, State::Done | State::Failing));
            exercises.push(ExerciseListing {
                id: exercise.id.clone(),
                title: exercise.title_in(language).to_string(),
                state,
                tests_passed: record.map(|r| r.passed),
                tests_total: record.map(|r| r.total),
                file: course.display_path(&course.stub_path(lesson, exercise)),
            });
        }
        lessons.push(LessonListing {
            id: lesson.id.clone(),
            title: lesson.title_in(language).to_string(),
            exercises,
        });
    }
    Listing {
        done,
        total,
        next,
        lessons,
    }
}

pub fn list(course: &Course, json: bool) -> Result<()> {
    let store = Store::open(course);
    if let Some(warning) = &store.warning {
        anstream::eprintln!("{} {warning}", paint(WARN, t!("warning.prefix")));
    }
    let language = if json {
        "en"
    } else {
        crate::lang::current().code()
    };
    let listing = listing(course, &store, language);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&listing).expect("serialisable")
        );
        return Ok(());
    }
    // Columns as wide as the longest id and title of the whole course.
    let exercises = || listing.lessons.iter().flat_map(|l| &l.exercises);
    let id_width = exercises().map(|e| e.id.chars().count()).max().unwrap_or(0);
    let title_width = exercises()
        .map(|e| e.title.chars().count())
        .max()
        .unwrap_or(0);
    for (number, lesson) in listing.lessons.iter().enumerate() {
        let finished = lesson
            .exercises
            .iter()
            .filter(|e| e.state == State::Done)
            .count();
        println!(
            "{} {}  {}",
            paint(BOLD, format!("{}. {}", number + 1, lesson.id)),
            lesson.title,
            paint(DIM, format!("{finished}/{}", lesson.exercises.len()))
        );
        for exercise in &lesson.exercises {
            let (mark, style) = match exercise.state {
                State::Done => ("✓", OK),
                State::Failing => ("✗", BAD),
                State::Edited => ("~", WARN),
                State::NotStarted => ("·", DIM),
            };
            let tests = match (exercise.tests_passed, exercise.tests_total) {
                (Some(passed), Some(total)) if total > 0 => {
                    format!(" ({})", t!("list.tests", passed = passed, total = total))
                }
                _ => String::new(),
            };
            println!(
                "   {} {:<id_width$}  {:<title_width$}  {}",
                paint(style, mark),
                exercise.id,
                exercise.title,
                paint(style, format!("{}{tests}", exercise.state.label()))
            );
        }
    }
    println!();
    println!(
        "{}",
        t!("list.progress", done = listing.done, total = listing.total)
    );
    match &listing.next {
        Some(next) => println!(
            "{}",
            t!(
                "list.next",
                command = paint(CODE, format!("cargo kata check {next}"))
            )
        ),
        None => println!("{}", t!("list.all_done")),
    }
    Ok(())
}
