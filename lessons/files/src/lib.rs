//! # Lesson `files`: text, JSON, YAML, the file system, and backups
//!
//! The files an ops tool reads and writes: logs summarised without
//! reading them twice (or at all, for `tail`), an inventory in JSON and
//! YAML with errors that say where, the YAML traps, the `os`/`shutil`
//! operations and the difference between a hard link and a symlink, a
//! write that is all or nothing, and a dated `.tar.gz` backup that a
//! hostile archive cannot turn against you.
//!
//! Work through the exercises in order; each module is one exercise and
//! `cargo kata check files/<exercise>` runs its tests. The book chapter
//! (`cargo kata book --open`) explains the ideas behind each one. Every
//! test works in a temporary folder of its own.

#[cfg_attr(feature = "solution", path = "../../../solutions/files/text.rs")]
pub mod text;

#[cfg_attr(feature = "solution", path = "../../../solutions/files/json.rs")]
pub mod json;

#[cfg_attr(feature = "solution", path = "../../../solutions/files/yaml.rs")]
pub mod yaml;

#[cfg_attr(feature = "solution", path = "../../../solutions/files/fs_ops.rs")]
pub mod fs_ops;

#[cfg_attr(feature = "solution", path = "../../../solutions/files/atomic.rs")]
pub mod atomic;

#[cfg_attr(feature = "solution", path = "../../../solutions/files/backup.rs")]
pub mod backup;
