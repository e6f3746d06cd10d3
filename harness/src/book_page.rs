//! Where things are in the book: each exercise has a page of its own,
//! `book/src/<lesson>-<exercise>.md`, rendered to
//! `target/book/<lesson>-<exercise>.html` by `kata book`. `kata verify`
//! checks that every exercise's page exists and is in `SUMMARY.md`, so a
//! path made here always leads somewhere.

/// The exercise's page inside the built book (`target/book`), e.g.
/// `threads-pool.html` for `threads/pool`.
pub fn exercise_page(lesson_id: &str, exercise_id: &str) -> String {
    format!("{lesson_id}-{exercise_id}.html")
}

/// The markdown source of the exercise's page inside `book/src`, e.g.
/// `threads-pool.md`.
pub fn exercise_source(lesson_id: &str, exercise_id: &str) -> String {
    format!("{lesson_id}-{exercise_id}.md")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exercise_page_is_named_after_its_lesson_and_exercise() {
        assert_eq!(exercise_page("threads", "pool"), "threads-pool.html");
        // Exercise ids keep their underscores: the page is the id, unchanged.
        assert_eq!(
            exercise_page("processes", "exit_codes"),
            "processes-exit_codes.html"
        );
        assert_eq!(
            exercise_source("processes", "exit_codes"),
            "processes-exit_codes.md"
        );
    }
}
