//! # Lesson `traits`: OOP with traits
//!
//! A server inventory, the Rust way: a type that keeps its invariants, text
//! formats both ways, checks behind a trait, decorators as wrapper types, and
//! Python's dunder methods as derivable traits.
//!
//! Work through the exercises in order; each module is one exercise and
//! `cargo kata check traits/<exercise>` runs its tests. The book chapter
//! (`cargo kata book --open`) explains the ideas behind each one.

#[cfg_attr(feature = "solution", path = "../../../solutions/traits/server.rs")]
pub mod server;

#[cfg_attr(feature = "solution", path = "../../../solutions/traits/display.rs")]
pub mod display;

#[cfg_attr(feature = "solution", path = "../../../solutions/traits/checks.rs")]
pub mod checks;

#[cfg_attr(feature = "solution", path = "../../../solutions/traits/decorators.rs")]
pub mod decorators;

#[cfg_attr(feature = "solution", path = "../../../solutions/traits/equality.rs")]
pub mod equality;
