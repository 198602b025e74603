//! `GET /api/stats` and `GET /api/stats/sessions.csv`.

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::access::ReadAccess;
use super::error::ApiError;
use crate::model::{ChannelFilter, SessionRow};
use crate::server::domain::time::{now_ms, parse_rfc3339_ms, DAY_MS};
use crate::server::pipeline::engine::query::{range_end_at, StatsQuery, DEFAULT_DAYS, MAX_PER_PAGE};
use crate::server::state::AppState;

/// A CSV export costs as much of the per-address read budget as this many stats reads.
const CSV_READ_COST: f64 = 25.0;

#[derive(Debug, Default, Deserialize)]
pub struct StatsParams {
    pub channel: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
}

/// Resolves the contract's defaults: `to` is now (`range_end_at`), `from` 30 days
/// before it.
pub fn resolve_query(p: &StatsParams, now: i64) -> Result<StatsQuery, String> {
    let channel = match p.channel.as_deref() {
        None | Some("") => ChannelFilter::All,
        Some(text) => ChannelFilter::parse(text).ok_or("channel must be all, web or premium")?,
    };
    let time = |value: &Option<String>, name: &str| -> Result<Option<i64>, String> {
        match value.as_deref() {
            None | Some("") => Ok(None),
            Some(text) => {
                parse_rfc3339_ms(text).map(Some).ok_or(format!("{name} must be an RFC 3339 time with an offset"))
            }
        }
    };
    let to = time(&p.to, "to")?.unwrap_or_else(|| range_end_at(now));
    let from = time(&p.from, "from")?.unwrap_or(to - DEFAULT_DAYS * DAY_MS);
    if from >= to {
        return Err("from must be before to".into());
    }
    let number = |value: &Option<String>, name: &str, default: u64, max: u64| -> Result<u64, String> {
        match value.as_deref() {
            None | Some("") => Ok(default),
            Some(text) => text
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or(format!("{name} must be a whole number from 1 to {max}")),
        }
    };
    Ok(StatsQuery {
        channel,
        from,
        to,
        page: number(&p.page, "page", 1, 1_000_000)?,
        per_page: number(&p.per_page, "per_page", 50, MAX_PER_PAGE)?,
        rows: Default::default(),
    })
}

/// Takes `cost` from the read budget of the request's address.
pub(super) fn charge_read(state: &AppState, parts: &Parts, cost: f64) -> Result<(), ApiError> {
    let address = state.limits.client_address(&parts.extensions, &parts.headers);
    state.limits.reads_per_address.take(&address, cost, std::time::Instant::now()).map_err(ApiError::TooMany)
}

pub async fn get_stats(
    State(state): State<AppState>,
    _access: ReadAccess,
    parts: Parts,
    Query(params): Query<StatsParams>,
) -> Result<Response, ApiError> {
    charge_read(&state, &parts, 1.0)?;
    let started = std::time::Instant::now();
    let now = now_ms();
    let query = resolve_query(&params, now).map_err(ApiError::BadRequest)?;
    crate::server::pipeline::catch_up::before_reading(&state.db, &state.figures).await?;
    let snapshot = state.figures.stats(query, now).await;
    state.metrics.stats_answered("api", started.elapsed());
    Ok(([(header::CONTENT_TYPE, "application/json")], snapshot.json()).into_response())
}

pub async fn get_sessions_csv(
    State(state): State<AppState>,
    _access: ReadAccess,
    parts: Parts,
    Query(mut params): Query<StatsParams>,
) -> Result<Response, ApiError> {
    charge_read(&state, &parts, CSV_READ_COST)?;
    params.page = None;
    params.per_page = None;
    let query = resolve_query(&params, now_ms()).map_err(ApiError::BadRequest)?;
    crate::server::pipeline::catch_up::before_reading(&state.db, &state.figures).await?;
    // Bounded: past the limit the caller narrows the range, so one request cannot hold
    // the figures' lock and memory for an unbounded number of rows.
    let most = state.limits.export_max_rows;
    let (rows, total) = state.figures.session_rows(query, most);
    if total > most {
        return Err(ApiError::BadRequest(format!(
            "the range holds {total} sessions; an export holds at most {most}: narrow from and to"
        )));
    }
    let chunks = std::iter::once(Ok::<_, std::convert::Infallible>(CSV_HEADER.to_string()))
        .chain(rows.chunks(1000).map(|chunk| Ok(chunk.iter().map(csv_line).collect::<String>())))
        .collect::<Vec<_>>();
    let body = Body::from_stream(futures::stream::iter(chunks));
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"sessions.csv\""),
        ],
        body,
    )
        .into_response())
}

const CSV_HEADER: &str = "session_id,user_id,channel,session_number,total_sessions,user_name,first_activity,\
last_activity,message_count,human_mode,country,city\n";

fn csv_line(r: &SessionRow) -> String {
    let fields = [
        csv_field(&r.session_id),
        csv_field(&r.user_id),
        r.channel.clone(),
        r.session_number.to_string(),
        r.total_sessions.to_string(),
        csv_field(r.user_name.as_deref().unwrap_or("")),
        r.first_activity.clone(),
        r.last_activity.clone(),
        r.message_count.to_string(),
        r.human_mode.to_string(),
        r.country.clone().unwrap_or_default(),
        csv_field(r.city.as_deref().unwrap_or("")),
    ];
    fields.join(",") + "\n"
}

/// Quotes a user-supplied cell, always: a spreadsheet whose list separator is `;` (or
/// a tab) would otherwise split an unquoted `a;=1+2` into a second cell that is a
/// formula. A cell that starts like a formula, even after spaces, is defused with `'`.
fn csv_field(text: &str) -> String {
    let formula_like = text.trim_start_matches(' ').starts_with(['=', '+', '-', '@', '\t', '\r', '\n', '|', '%']);
    let defused = if formula_like { format!("'{text}") } else { text.to_string() };
    format!("\"{}\"", defused.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_last_thirty_days_to_the_next_second() {
        let q = resolve_query(&StatsParams::default(), 10_000_500).unwrap();
        assert_eq!(q.to, 10_001_000);
        assert_eq!(q.from, 10_001_000 - 30 * DAY_MS);
        assert_eq!((q.channel, q.page, q.per_page), (ChannelFilter::All, 1, 50));
    }

    #[test]
    fn bad_parameters_are_explained() {
        let bad = |p: StatsParams| resolve_query(&p, 0).unwrap_err();
        assert!(bad(StatsParams { channel: Some("mobile".into()), ..Default::default() }).contains("channel"));
        assert!(bad(StatsParams { per_page: Some("501".into()), ..Default::default() }).contains("per_page"));
        assert!(bad(StatsParams { from: Some("yesterday".into()), ..Default::default() }).contains("from"));
        let reversed = StatsParams {
            from: Some("2026-01-02T00:00:00Z".into()),
            to: Some("2026-01-01T00:00:00Z".into()),
            ..Default::default()
        };
        assert!(bad(reversed).contains("before"));
    }

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("plain"), "\"plain\"");
        assert_eq!(csv_field("a,\"b\""), "\"a,\"\"b\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "\"'=HYPERLINK(1)\"");
        assert_eq!(csv_field("Ali;=2+3"), "\"Ali;=2+3\"", "one quoted cell whatever the list separator");
        assert_eq!(csv_field("  =1+2"), "\"'  =1+2\"");
    }
}
