//! This instance's counters — events stored, ingest refusals, how long stats answers
//! take — as plain atomics bumped where the work happens, and the Prometheus text format
//! they are written in. `GET /metrics` (`http::metrics`) adds the other services' state.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use parking_lot::Mutex;

/// Upper bounds (seconds) of the stats latency buckets.
const LATENCY_BUCKETS: [f64; 11] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

/// Where an ingest came in.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Door {
    Http,
    Socket,
}

impl Door {
    fn label(self) -> &'static str {
        match self {
            Door::Http => "http",
            Door::Socket => "socket",
        }
    }
}

#[derive(Default)]
pub struct Metrics {
    events_accepted: AtomicU64,
    events_duplicate: AtomicU64,
    /// Ingest requests refused, by door and HTTP status (the socket acks' equivalents).
    refused: Mutex<BTreeMap<(Door, u16), u64>>,
    stats_latency: Mutex<BTreeMap<&'static str, Histogram>>,
}

#[derive(Default, Clone)]
struct Histogram {
    counts: [u64; LATENCY_BUCKETS.len()],
    total: u64,
    sum_seconds: f64,
}

impl Metrics {
    pub fn events_stored(&self, accepted: usize, duplicates: usize) {
        self.events_accepted.fetch_add(accepted as u64, Ordering::Relaxed);
        self.events_duplicate.fetch_add(duplicates as u64, Ordering::Relaxed);
    }

    pub fn ingest_refused(&self, door: Door, status: u16) {
        *self.refused.lock().entry((door, status)).or_default() += 1;
    }

    /// How long a stats answer took, by the door it left through (`api`, `dashboard`).
    pub fn stats_answered(&self, door: &'static str, took: Duration) {
        let seconds = took.as_secs_f64();
        let mut histograms = self.stats_latency.lock();
        let histogram = histograms.entry(door).or_default();
        for (count, bound) in histogram.counts.iter_mut().zip(LATENCY_BUCKETS) {
            if seconds <= bound {
                *count += 1;
            }
        }
        histogram.total += 1;
        histogram.sum_seconds += seconds;
    }

    /// Writes this instance's counters: events stored, ingest refusals, stats latency.
    pub fn write_counters(&self, out: &mut Exposition) {
        out.metric(
            "chatpulse_ingest_events_total",
            "counter",
            "Events stored by this instance, by result.",
            &[
                ("{result=\"accepted\"}".into(), self.events_accepted.load(Ordering::Relaxed).to_string()),
                ("{result=\"duplicate\"}".into(), self.events_duplicate.load(Ordering::Relaxed).to_string()),
            ],
        );
        let refused: Vec<(String, String)> = self
            .refused
            .lock()
            .iter()
            .map(|((door, status), n)| (format!("{{door=\"{}\",status=\"{status}\"}}", door.label()), n.to_string()))
            .collect();
        out.metric(
            "chatpulse_ingest_refused_total",
            "counter",
            "Ingest requests refused (nothing stored), by door and status.",
            &refused,
        );
        let mut latency = Vec::new();
        for (door, histogram) in self.stats_latency.lock().iter() {
            for (bound, count) in LATENCY_BUCKETS.iter().zip(histogram.counts) {
                latency.push((format!("_bucket{{door=\"{door}\",le=\"{bound}\"}}"), count.to_string()));
            }
            latency.push((format!("_bucket{{door=\"{door}\",le=\"+Inf\"}}"), histogram.total.to_string()));
            latency.push((format!("_sum{{door=\"{door}\"}}"), histogram.sum_seconds.to_string()));
            latency.push((format!("_count{{door=\"{door}\"}}"), histogram.total.to_string()));
        }
        out.metric(
            "chatpulse_stats_seconds",
            "histogram",
            "Time to answer a stats request (API) or a dashboard refetch.",
            &latency,
        );
    }
}

/// A scrape being written in the Prometheus text format.
#[derive(Default)]
pub struct Exposition {
    out: String,
}

impl Exposition {
    /// One metric: its help and type lines, then a line per (labels, value) sample.
    pub fn metric(&mut self, name: &str, kind: &str, help: &str, samples: &[(String, String)]) {
        let _ = writeln!(self.out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        for (labels, value) in samples {
            let _ = writeln!(self.out, "{name}{labels} {value}");
        }
    }

    /// A metric with one sample and no labels.
    pub fn single(&mut self, name: &str, kind: &str, help: &str, value: impl ToString) {
        self.metric(name, kind, help, &[(String::new(), value.to_string())]);
    }

    pub fn finish(self) -> String {
        self.out
    }
}
