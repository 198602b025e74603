//! The operators table and the pages where chats start, written for the viewer: local
//! times, the language's numbers and durations, conversions as percentages.

use chrono_tz::Tz;

use crate::components::chart_table::ChartTable;
use crate::i18n::{Locale, Text};
use crate::model::DashboardFigures;
use crate::server::domain::time::parse_rfc3339_ms;
use crate::server::pipeline::engine::calendar::local_minute;

fn head(locale: Locale, columns: &[Text]) -> Vec<String> {
    columns.iter().map(|c| c.get(locale).to_string()).collect()
}

fn duration(locale: Locale, seconds: Option<f64>) -> String {
    seconds.map_or_else(|| "—".to_string(), |s| locale.duration(s))
}

fn share(locale: Locale, ratio: Option<f64>) -> String {
    ratio.map_or_else(|| "—".to_string(), |r| locale.percent((r * 100.0).round() as u64))
}

pub fn operators(figures: &DashboardFigures, tz: Tz, locale: Locale) -> ChartTable {
    let columns = [
        Text::SenderOperator,
        Text::SessionsAnswered,
        Text::FirstResponseP50,
        Text::FirstResponseP90,
        Text::Messages,
        Text::LastActive,
    ];
    let rows = figures.operators.rows.iter().map(|o| {
        let last =
            o.last_active.as_deref().and_then(parse_rfc3339_ms).map(|ms| locale.date_time(&local_minute(tz, ms)));
        vec![
            o.operator_id.clone(),
            locale.count(o.sessions_answered),
            duration(locale, o.first_response_p50_seconds),
            duration(locale, o.first_response_p90_seconds),
            locale.count(o.messages),
            last.unwrap_or_else(|| "—".to_string()),
        ]
    });
    ChartTable { head: head(locale, &columns), rows: rows.collect() }
}

pub fn pages(figures: &DashboardFigures, locale: Locale) -> ChartTable {
    let columns =
        [Text::Page, Text::WidgetOpens, Text::Sessions, Text::Handovers, Text::OpenToSession, Text::SessionToHandover];
    let rows = figures.pages.rows.iter().map(|p| {
        vec![
            p.page_url.clone(),
            locale.count(p.widget_opens),
            locale.count(p.sessions),
            locale.count(p.handovers),
            share(locale, p.open_to_session),
            share(locale, p.session_to_handover),
        ]
    });
    ChartTable { head: head(locale, &columns), rows: rows.collect() }
}
