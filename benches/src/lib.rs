//! The course's benchmarks: the reference solutions of the lessons measured
//! against what a production program would use instead. Everything is in
//! `benches/` (one criterion bench file per lesson, their shared settings in
//! `benches/common/mod.rs`) and the figures in `results/`; see
//! ARCHITECTURE.md. This library is empty.
