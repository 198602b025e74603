//! Shared pieces of the benchmarks.

pub mod cluster;
#[path = "../../tests/shared/events.rs"]
pub mod events;
pub mod fanout;
pub mod hostile;
pub mod import;
pub mod ingest;
pub mod load;
#[path = "../../tests/shared/process.rs"]
pub mod process;
pub mod reads;
pub mod restart;
pub mod server;
pub mod signal;
pub mod sio;
pub mod sources;
pub mod stats;

/// p50, p99 and max of durations in milliseconds.
pub fn percentiles(mut samples: Vec<f64>) -> (f64, f64, f64) {
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    (at(0.50), at(0.99), *samples.last().unwrap())
}
