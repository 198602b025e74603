//! The sessions of the range, newest activity first, as the `sessions_page` rows.

use leptos::prelude::*;

use crate::model::{SessionRow, SessionsPage};

/// `2026-03-02T10:00:00Z` → `2026-03-02 10:00`.
fn short_time(rfc3339: &str) -> String {
    rfc3339.get(..16).map(|t| t.replace('T', " ")).unwrap_or_default()
}

#[component]
pub fn SessionsTable(page: SessionsPage) -> impl IntoView {
    let shown = page.rows.len();
    view! {
        <section class="panel sessions" aria-label="Sessions">
            <header class="panel-header">
                <h2>"Sessions"</h2>
                <span class="muted">{format!("{shown} of {}", page.total)}</span>
                <a class="download" href="/api/stats/sessions.csv" download="sessions.csv">"Download CSV"</a>
            </header>
            <table>
                <thead>
                    <tr>
                        <th>"Visitor"</th>
                        <th>"Channel"</th>
                        <th>"Country"</th>
                        <th>"Started"</th>
                        <th>"Last activity"</th>
                        <th>"Messages"</th>
                        <th>"Session"</th>
                    </tr>
                </thead>
                <tbody>{page.rows.into_iter().map(|row| view! { <Row row /> }).collect_view()}</tbody>
            </table>
        </section>
    }
}

#[component]
fn Row(row: SessionRow) -> impl IntoView {
    let name = row.user_name.clone().unwrap_or_else(|| "Anonymous".to_string());
    let place = match (&row.country, &row.city) {
        (Some(code), Some(city)) => format!("{code} · {city}"),
        (Some(code), None) => code.clone(),
        (None, Some(city)) => city.clone(),
        (None, None) => "—".to_string(),
    };
    view! {
        <tr data-session=row.session_id.clone()>
            <td>
                <span class="visitor">{name}</span>
                <span class="muted">{row.user_id.clone()}</span>
                {row.human_mode.then(|| view! { <span class="human" title="A human operator took part">"human"</span> })}
            </td>
            <td>{row.channel.clone()}</td>
            <td>{place}</td>
            <td>{short_time(&row.first_activity)}</td>
            <td>{short_time(&row.last_activity)}</td>
            <td>{row.message_count}</td>
            <td>{format!("{} of {}", row.session_number, row.total_sessions)}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_to_the_minute() {
        assert_eq!(short_time("2026-03-02T10:00:00Z"), "2026-03-02 10:00");
    }
}
