//! The grid of totals of one `Stats` document.

use leptos::prelude::*;

use crate::components::stat_card::StatCard;
use crate::model::Stats;

/// Seconds as "4m 05s" or "1h 02m".
pub fn format_duration(seconds: f64) -> String {
    let s = seconds.round() as u64;
    if s >= 3600 {
        format!("{}h {:02}m", s / 3600, (s % 3600) / 60)
    } else {
        format!("{}m {:02}s", s / 60, s % 60)
    }
}

#[component]
pub fn TotalsGrid(stats: Stats) -> impl IntoView {
    let t = stats.totals;
    view! {
        <section class="kpis" aria-label="Totals">
            <StatCard
                field="users"
                label="Users"
                value=t.users.to_string()
                detail=format!("web {} · premium {}", t.web_users, t.premium_users)
            />
            <StatCard field="sessions" label="Sessions" value=t.sessions.to_string() />
            <StatCard field="messages" label="Messages" value=t.messages.to_string() />
            <StatCard field="online_users" label="Online now" value=t.online_users.to_string() />
            <StatCard field="widget_opens" label="Widget opens" value=t.widget_opens.to_string() />
            <StatCard field="human_sessions" label="Human-mode sessions" value=t.human_sessions.to_string() />
            <StatCard
                field="avg_messages_per_session"
                label="Messages per session"
                value=format!("{:.1}", t.avg_messages_per_session)
            />
            <StatCard
                field="avg_session_seconds"
                label="Average session"
                value=format_duration(t.avg_session_seconds)
            />
        </section>
        <p class="version" data-version=stats.version>{format!("data version {}", stats.version)}</p>
    }
}
