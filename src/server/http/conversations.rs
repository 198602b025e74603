//! `GET /api/operators` and `GET /api/pages`: the operators table and the pages where
//! chats start, for the range and channel `GET /api/stats` takes.

use axum::extract::{Query, State};
use axum::http::request::Parts;
use axum::Json;
use serde::Deserialize;

use super::access::ReadAccess;
use super::error::ApiError;
use super::stats::{charge_read, resolve_query, StatsParams};
use crate::conversation_figures::{OperatorSort, OperatorsPage, PagesList};
use crate::server::domain::time::now_ms;
use crate::server::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct OperatorParams {
    #[serde(flatten)]
    pub range: StatsParams,
    pub sort: Option<String>,
}

pub async fn get_operators(
    State(state): State<AppState>,
    _access: ReadAccess,
    parts: Parts,
    Query(params): Query<OperatorParams>,
) -> Result<Json<OperatorsPage>, ApiError> {
    charge_read(&state, &parts, 1.0)?;
    let query = resolve_query(&params.range, now_ms()).map_err(ApiError::BadRequest)?;
    let sort = match params.sort.as_deref() {
        None | Some("") => OperatorSort::default(),
        Some(text) => OperatorSort::parse(text).ok_or_else(|| {
            let names: Vec<&str> = OperatorSort::ALL.iter().map(|s| s.as_str()).collect();
            ApiError::BadRequest(format!("sort must be one of {}", names.join(", ")))
        })?,
    };
    crate::server::pipeline::catch_up::before_reading(&state.db, &state.figures).await?;
    Ok(Json(state.figures.operators(&query, sort)))
}

pub async fn get_pages(
    State(state): State<AppState>,
    _access: ReadAccess,
    parts: Parts,
    Query(params): Query<StatsParams>,
) -> Result<Json<PagesList>, ApiError> {
    charge_read(&state, &parts, 1.0)?;
    let query = resolve_query(&params, now_ms()).map_err(ApiError::BadRequest)?;
    crate::server::pipeline::catch_up::before_reading(&state.db, &state.figures).await?;
    Ok(Json(state.figures.pages(&query)))
}
