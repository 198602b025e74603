//! `GET /metrics`: this instance's numbers in the Prometheus text format — connected
//! sockets, ingest volume and refusals, how long stats answers take, the data version,
//! and the state of rebuilds, Redis and the followed sources. The text is written on
//! each scrape from the services' own state.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::access::ReadAccess;
use crate::model::SourceState;
use crate::server::metrics::{Door, Exposition};
use crate::server::realtime::DASHBOARD_NS;
use crate::server::realtime::INGEST_NS;
use crate::server::state::AppState;

/// `GET /metrics`, with a read key (or an admin session), like the stats it describes.
pub async fn metrics(State(state): State<AppState>, _access: ReadAccess) -> Response {
    let body = render(&state);
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

fn render(state: &AppState) -> String {
    let mut out = Exposition::default();
    let sockets = |ns: &str| state.fanout.local_sockets(ns).len();
    out.single(
        "chatpulse_dashboards_connected",
        "gauge",
        "Dashboard sockets connected to this instance.",
        sockets(DASHBOARD_NS),
    );
    out.single(
        "chatpulse_ingest_sockets_connected",
        "gauge",
        "Ingest sockets connected to this instance.",
        sockets(INGEST_NS),
    );
    state.metrics.write_counters(&mut out);
    let figures = &state.figures;
    out.single("chatpulse_data_version", "gauge", "The data version these figures serve.", figures.version());
    out.single(
        "chatpulse_stats_computations_total",
        "counter",
        "Stats documents computed (not served from the shared snapshot).",
        figures.computations(),
    );
    let progress = figures.rebuild_progress();
    out.single("chatpulse_rebuilds_running", "gauge", "Rebuilds of the figures under way.", progress.running);
    out.single(
        "chatpulse_rebuilds_started_total",
        "counter",
        "Rebuilds of the figures started (settings changes made during one share the next).",
        progress.started,
    );
    out.single(
        "chatpulse_rebuild_events_loaded",
        "gauge",
        "Events the current (or last) rebuild has read so far.",
        progress.events_loaded,
    );
    out.single(
        "chatpulse_rebuild_last_seconds",
        "gauge",
        "How long the last completed rebuild took.",
        progress.last_seconds,
    );
    match state.fanout.redis_status() {
        "ok" => out.single("chatpulse_redis_up", "gauge", "Whether Redis answered the last check.", 1),
        "unavailable" => out.single("chatpulse_redis_up", "gauge", "Whether Redis answered the last check.", 0),
        _ => {}
    }
    let sources = state.sources.snapshot();
    if !sources.is_empty() {
        let each = |value: &dyn Fn(&crate::model::SourceStatus) -> String| -> Vec<(String, String)> {
            sources.iter().map(|s| (format!("{{source=\"{}\"}}", s.name), value(s))).collect()
        };
        out.metric(
            "chatpulse_source_up",
            "gauge",
            "Whether a followed source is being read (0 while it is down).",
            &each(&|s| u8::from(s.state != SourceState::Down).to_string()),
        );
        out.metric(
            "chatpulse_source_backfilling",
            "gauge",
            "Whether a followed SQL source is still reading its history.",
            &each(&|s| u8::from(s.state == SourceState::Backfilling).to_string()),
        );
        out.metric(
            "chatpulse_source_read_total",
            "counter",
            "Rows or announcements read from a followed source.",
            &each(&|s| s.read.to_string()),
        );
        out.metric(
            "chatpulse_source_refused_total",
            "counter",
            "Rows or announcements a followed source gave that could not become events.",
            &each(&|s| s.refused.to_string()),
        );
    }
    out.finish()
}
