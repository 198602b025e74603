//! Server functions the pages call; each delegates to the server's services.

use leptos::prelude::*;
use leptos::server_fn::codec::Postcard;

use crate::app::server_error::ServerError;
use crate::i18n::Locale;
use crate::model::{ChannelFilter, DashboardPage, Settings, Stats};

/// The `Stats` document of a channel for the last 30 days, as `GET /api/stats` serves it.
#[server(endpoint = "get_stats")]
pub async fn get_stats(channel: String) -> Result<Stats, ServerError> {
    use crate::server::domain::time::now_ms;
    use crate::server::http::stats::{resolve_query, StatsParams};
    let state = reader_state().await?;
    settle(&state).await?;
    let now = now_ms();
    let params = StatsParams { channel: Some(channel), ..Default::default() };
    let query = resolve_query(&params, now).map_err(ServerError::invalid)?;
    Ok(state.figures.stats(query, now).await.stats.clone())
}

/// Everything a dashboard page shows for its view, written on the server in its
/// language (see `model::DashboardPage`). The view is its page's `channel`, the viewer's
/// `locale` and the page's URL `query` (`DashboardView::query_string`).
/// The charts' tables are left out (`ChartPart::table_html` is empty): a page asks for
/// one with `get_chart_table` when its table is opened.
#[server(output = Postcard, endpoint = "get_dashboard")]
pub async fn get_dashboard(
    channel: ChannelFilter,
    locale: Locale,
    query: String,
) -> Result<DashboardPage, ServerError> {
    let started = std::time::Instant::now();
    let state = reader_state().await?;
    let whole = dashboard_of(&state, channel, locale, &query).await?;
    let dashboard = without_chart_tables(&whole);
    state.metrics.stats_answered("dashboard", started.elapsed());
    Ok(dashboard)
}

/// A copy of `page` for `get_dashboard`: every part but the charts' tables, which are
/// left out rather than copied and dropped (each open dashboard's refetch makes one).
#[cfg(feature = "ssr")]
fn without_chart_tables(page: &DashboardPage) -> DashboardPage {
    let charts = page
        .charts
        .iter()
        .map(|chart| crate::model::ChartPart {
            option: chart.option.clone(),
            table_html: String::new(),
            filter_values: chart.filter_values.clone(),
        })
        .collect();
    DashboardPage {
        version: page.version,
        totals_html: page.totals_html.clone(),
        sessions_html: page.sessions_html.clone(),
        tables_html: page.tables_html.clone(),
        charts,
        first_day: page.first_day.clone(),
        last_day: page.last_day.clone(),
    }
}

/// One chart's numbers as an HTML table, for the same view as `get_dashboard`; `chart` is
/// its `ChartKind::name`. In postcard, as the page's other reads.
#[server(output = Postcard, endpoint = "get_chart_table")]
pub async fn get_chart_table(
    channel: ChannelFilter,
    locale: Locale,
    query: String,
    chart: String,
) -> Result<String, ServerError> {
    let index = crate::chart_kind::ChartKind::ALL
        .iter()
        .position(|kind| kind.name() == chart)
        .ok_or_else(|| ServerError::invalid(format!("no chart is called '{chart}'")))?;
    let state = reader_state().await?;
    let dashboard = dashboard_of(&state, channel, locale, &query).await?;
    Ok(dashboard.charts.get(index).map(|c| c.table_html.clone()).unwrap_or_default())
}

/// The whole page of a view (its charts' tables included), shared with the other
/// readers of the same view and version.
#[cfg(feature = "ssr")]
async fn dashboard_of(
    state: &crate::server::state::AppState,
    channel: ChannelFilter,
    locale: Locale,
    query: &str,
) -> Result<std::sync::Arc<DashboardPage>, ServerError> {
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(query.trim_start_matches('?').as_bytes()).into_owned().collect();
    let view = crate::dashboard_view::DashboardView::from_query(channel, locale, |name| {
        pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.clone())
    });
    settle(state).await?;
    let now = crate::server::domain::time::now_ms();
    Ok(crate::server::present::dashboard::dashboard(&state.figures, &state.dashboards, view, now).await)
}

#[server(output = Postcard, endpoint = "get_settings")]
pub async fn get_settings() -> Result<Settings, ServerError> {
    Ok(admin_state().await?.figures.settings())
}

/// Validates and stores new settings; every open dashboard hears of it through
/// `stats_update` once the figures follow them.
#[server(endpoint = "update_settings")]
pub async fn update_settings(
    session_gap_minutes: u32,
    min_session_messages: u32,
    online_window_minutes: u32,
    timezone: String,
) -> Result<(), ServerError> {
    let state = admin_state().await?;
    let settings = Settings { session_gap_minutes, min_session_messages, online_window_minutes, timezone };
    crate::server::domain::settings::validate(&settings).map_err(ServerError::invalid)?;
    state
        .figures
        .change_settings(settings)
        .await
        .map_err(|_| ServerError::unavailable("the settings could not be saved; try again"))
}

/// The logged-in admin a server function acts for.
#[cfg(feature = "ssr")]
pub(crate) struct ActingAdmin {
    pub state: crate::server::state::AppState,
    pub username: String,
    pub session_token: String,
    /// The client's address as the limits see it.
    pub address: std::net::IpAddr,
}

#[cfg(feature = "ssr")]
pub(crate) async fn acting_admin() -> Result<ActingAdmin, ServerError> {
    use crate::server::auth::logins::session_token;
    let (state, parts, account) = signed_in().await?;
    if account.role == Role::Viewer {
        return Err(ServerError::admin_only());
    }
    let cookie = parts.headers.get(axum::http::header::COOKIE).and_then(|v| v.to_str().ok());
    let session_token = session_token(cookie).unwrap_or_default().to_string();
    let address = state.limits.client_address(&parts.extensions, &parts.headers);
    Ok(ActingAdmin { state, username: account.username, session_token, address })
}

/// The app state, the request and the account whose session it carries (any role).
#[cfg(feature = "ssr")]
async fn signed_in() -> Result<
    (crate::server::state::AppState, axum::http::request::Parts, crate::server::auth::logins::SignedIn),
    ServerError,
> {
    let state = use_context::<crate::server::state::AppState>()
        .ok_or_else(|| ServerError::unavailable("the server is starting; try again"))?;
    let parts: axum::http::request::Parts =
        leptos_axum::extract().await.map_err(|e| ServerError::invalid(e.to_string()))?;
    match crate::server::http::access::account_of(&parts, &state).await {
        Ok(Some(account)) => Ok((state, parts, account)),
        Ok(None) => Err(ServerError::login_required()),
        Err(_) => Err(ServerError::unavailable("the server cannot check your session right now")),
    }
}

/// Applies what other instances stored before a read (see `server::pipeline::catch_up`).
#[cfg(feature = "ssr")]
async fn settle(state: &crate::server::state::AppState) -> Result<(), ServerError> {
    crate::server::pipeline::catch_up::before_reading(&state.db, &state.figures)
        .await
        .map_err(|_| ServerError::unavailable("the database is unavailable; showing the last figures"))
}

/// The app state, once the request is known to come from a logged-in account of any
/// role: what a viewer may read.
#[cfg(feature = "ssr")]
async fn reader_state() -> Result<crate::server::state::AppState, ServerError> {
    Ok(signed_in().await?.0)
}

/// The app state, once the request is known to come from a logged-in admin.
#[cfg(feature = "ssr")]
async fn admin_state() -> Result<crate::server::state::AppState, ServerError> {
    Ok(acting_admin().await?.state)
}

#[cfg(feature = "ssr")]
use crate::server::auth::logins::Role;
