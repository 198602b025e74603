//! Server functions the pages call; each delegates to the server's services.

use leptos::prelude::*;

use crate::model::{Dashboard, Settings, Stats};

/// The `Stats` document of a channel for the last 30 days, as `GET /api/stats` serves it.
#[server]
pub async fn get_stats(channel: String) -> Result<Stats, ServerFnError> {
    use crate::server::domain::time::now_ms;
    use crate::server::http::stats::{resolve_query, StatsParams};
    let state = admin_state().await?;
    let now = now_ms();
    let params = StatsParams { channel: Some(channel), ..Default::default() };
    let query = resolve_query(&params, now).map_err(ServerFnError::new)?;
    Ok(state.figures.stats(query, now).await.stats.clone())
}

/// The figures of a channel with its charts' options, for the dashboard pages.
#[server]
pub async fn get_dashboard(channel: String) -> Result<Dashboard, ServerFnError> {
    let stats = get_stats(channel).await?;
    let charts = crate::server::charts::chart_options(&stats);
    Ok(Dashboard { stats, charts })
}

#[server]
pub async fn get_settings() -> Result<Settings, ServerFnError> {
    Ok(admin_state().await?.figures.settings())
}

/// Validates and stores new settings; every open dashboard hears of it through
/// `stats_update` once the figures follow them.
#[server]
pub async fn update_settings(
    session_gap_minutes: u32,
    min_session_messages: u32,
    online_window_minutes: u32,
    timezone: String,
) -> Result<(), ServerFnError> {
    use crate::server::domain::event::Channel;
    let state = admin_state().await?;
    let settings = Settings { session_gap_minutes, min_session_messages, online_window_minutes, timezone };
    crate::server::domain::settings::validate(&settings).map_err(ServerFnError::new)?;
    let live = state.live.clone();
    state
        .figures
        .change_settings(settings, move |version| {
            for channel in Channel::ALL {
                live.stats_changed(channel, &["settings"], version);
            }
        })
        .await
        .map_err(|_| ServerFnError::new("the settings could not be saved; try again"))
}

/// The app state, once the request is known to come from a logged-in admin.
#[cfg(feature = "ssr")]
async fn admin_state() -> Result<crate::server::state::AppState, ServerFnError> {
    let state = use_context::<crate::server::state::AppState>().ok_or_else(|| ServerFnError::new("no app state"))?;
    let parts: axum::http::request::Parts = leptos_axum::extract().await?;
    match crate::server::http::access::admin_of(&parts, &state).await {
        Ok(Some(_)) => Ok(state),
        _ => Err(ServerFnError::new("log in first")),
    }
}
