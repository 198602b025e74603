//! `GET /metrics`: this instance's numbers in the Prometheus text format — connected
//! sockets, ingest volume and refusals, how long stats answers take, the data version,
//! and the state of rebuilds, the database, Redis and the followed sources. Counters are plain atomics
//! bumped where the work happens; the text is written on each scrape.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use parking_lot::Mutex;

use crate::model::SourceState;
use crate::server::http::access::ReadAccess;
use crate::server::live::DASHBOARD_NS;
use crate::server::sockets::INGEST_NS;
use crate::server::state::AppState;

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

    fn render(&self, state: &AppState) -> String {
        let mut out = String::with_capacity(4096);
        let mut metric = |name: &str, kind: &str, help: &str, samples: &[(String, String)]| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for (labels, value) in samples {
                let _ = writeln!(out, "{name}{labels} {value}");
            }
        };
        let plain = |value: String| vec![(String::new(), value)];
        let sockets = |ns: &str| state.fanout.local_sockets(ns).len().to_string();
        metric(
            "chatpulse_dashboards_connected",
            "gauge",
            "Dashboard sockets connected to this instance.",
            &plain(sockets(DASHBOARD_NS)),
        );
        metric(
            "chatpulse_ingest_sockets_connected",
            "gauge",
            "Ingest sockets connected to this instance.",
            &plain(sockets(INGEST_NS)),
        );
        metric(
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
        metric(
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
        metric(
            "chatpulse_stats_seconds",
            "histogram",
            "Time to answer a stats request (API) or a dashboard refetch.",
            &latency,
        );
        let figures = &state.figures;
        metric(
            "chatpulse_data_version",
            "gauge",
            "The data version these figures serve.",
            &plain(figures.version().to_string()),
        );
        metric(
            "chatpulse_stats_computations_total",
            "counter",
            "Stats documents computed (not served from the shared snapshot).",
            &plain(figures.computations().to_string()),
        );
        let progress = figures.rebuild_progress();
        metric(
            "chatpulse_rebuilds_running",
            "gauge",
            "Rebuilds of the figures under way.",
            &plain(progress.running.to_string()),
        );
        metric(
            "chatpulse_rebuilds_started_total",
            "counter",
            "Rebuilds of the figures started (settings changes made during one share the next).",
            &plain(progress.started.to_string()),
        );
        metric(
            "chatpulse_rebuild_events_loaded",
            "gauge",
            "Events the current (or last) rebuild has read so far.",
            &plain(progress.events_loaded.to_string()),
        );
        metric(
            "chatpulse_rebuild_last_seconds",
            "gauge",
            "How long the last completed rebuild took.",
            &plain(progress.last_seconds.to_string()),
        );
        let redis_up = match state.fanout.redis_status() {
            "ok" => "1",
            "unavailable" => "0",
            _ => "",
        };
        if !redis_up.is_empty() {
            metric("chatpulse_redis_up", "gauge", "Whether Redis answered the last check.", &plain(redis_up.into()));
        }
        let sources = state.sources.snapshot();
        if !sources.is_empty() {
            let each = |value: &dyn Fn(&crate::model::SourceStatus) -> String| -> Vec<(String, String)> {
                sources.iter().map(|s| (format!("{{source=\"{}\"}}", s.name), value(s))).collect()
            };
            metric(
                "chatpulse_source_up",
                "gauge",
                "Whether a followed source is being read (0 while it is down).",
                &each(&|s| u8::from(s.state != SourceState::Down).to_string()),
            );
            metric(
                "chatpulse_source_backfilling",
                "gauge",
                "Whether a followed SQL source is still reading its history.",
                &each(&|s| u8::from(s.state == SourceState::Backfilling).to_string()),
            );
            metric(
                "chatpulse_source_read_total",
                "counter",
                "Rows or announcements read from a followed source.",
                &each(&|s| s.read.to_string()),
            );
            metric(
                "chatpulse_source_refused_total",
                "counter",
                "Rows or announcements a followed source gave that could not become events.",
                &each(&|s| s.refused.to_string()),
            );
        }
        out
    }
}

/// `GET /metrics`, with a read key (or an admin session), like the stats it describes.
pub async fn metrics(State(state): State<AppState>, _access: ReadAccess) -> Response {
    let body = state.metrics.render(&state);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response()
}

/// Counts the refusals of `POST /api/ingest/events`, whatever refused them (key,
/// limits, validation, database).
pub async fn count_http_ingest(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    if !status.is_success() {
        state.metrics.ingest_refused(Door::Http, status.as_u16());
    }
    response
}
