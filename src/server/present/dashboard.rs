//! A dashboard page's whole answer for one view: the figures of its range with the
//! charts' options in its language, the previous period's totals when it compares, and
//! the listed sessions' local times and country names; then written as the page shows
//! it (`dashboard_page`). Built once per (view, version, second) and shared by every open
//! dashboard showing that view.

use crate::conversation_figures::OperatorSort;
use crate::dashboard_view::DashboardView;
use crate::model::{DashboardFigures, DashboardPage};
use crate::server::domain::country::country_name;
use crate::server::pipeline::engine::calendar::local_minute;
use crate::server::pipeline::engine::query::StatsQuery;
use crate::server::pipeline::figures::Figures;
use crate::server::pipeline::shared_cache::SharedCache;

/// Operators the dashboard lists; `GET /api/operators` pages through all of them.
const DASHBOARD_OPERATORS: u64 = 10;

/// The page of `view` at the figures' current version, from `shared` when another
/// reader asked for it in the same second.
pub async fn dashboard(
    figures: &Figures,
    shared: &SharedCache<DashboardView, DashboardPage>,
    view: DashboardView,
    now_ms: i64,
) -> std::sync::Arc<DashboardPage> {
    shared
        .get_or_compute(view, figures.version(), now_ms, |view| async move {
            let figures = build(figures, view.clone(), now_ms).await;
            crate::server::present::dashboard_page::render(&figures, &view)
        })
        .await
}

async fn build(figures: &Figures, view: DashboardView, now_ms: i64) -> DashboardFigures {
    let resolved = super::view::resolve(&view, figures.tz(), now_ms, figures.earliest());
    let stats = figures.stats(resolved.query.clone(), now_ms).await.stats.clone();
    let previous = match resolved.previous {
        Some(query) => Some(figures.stats(query, now_ms).await.stats.totals.clone()),
        None => None,
    };
    let tz = crate::server::domain::settings::settings_tz(&stats.settings);
    let first_page = StatsQuery { page: 1, per_page: DASHBOARD_OPERATORS, ..resolved.query.clone() };
    let operators = figures.operators(&first_page, OperatorSort::default());
    let pages = figures.pages(&resolved.query);
    let rows = &stats.sessions_page.rows;
    let row_times = rows.iter().map(|r| (local_minute(tz, r.first_ms), local_minute(tz, r.last_ms))).collect();
    let codes = stats.countries.iter().map(|c| &c.country).chain(rows.iter().flat_map(|r| &r.country));
    let mut country_names: Vec<(String, String)> =
        codes.filter_map(|code| Some((code.clone(), country_name(code, view.locale)?.to_string()))).collect();
    country_names.sort();
    country_names.dedup();
    DashboardFigures {
        previous,
        country_names,
        first_day: resolved.first_day.to_string(),
        last_day: resolved.last_day.to_string(),
        row_times,
        stats,
        operators,
        pages,
    }
}
