//! Settings shared by every bench file: `mod common;` at its top.

use std::time::Duration;

use criterion::Criterion;

/// The criterion settings of every bench file: short warm-up and
/// measurement, so that one file runs in a minute or two on a two-core
/// machine. A benchmark whose one run is long (hundreds of milliseconds)
/// sets a smaller `sample_size` on its group.
pub fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .without_plots()
}
