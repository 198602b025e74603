//! The sessions of the range as the `sessions_page` rows: paged, ordered by last
//! activity either way, narrowed by a clicked chart element, with the whole range as CSV.
//! Links are plain `<a>`s, which the router navigates in place.

use leptos::prelude::*;

use crate::dashboard_view::DashboardView;
use crate::i18n::{fill, Locale, Text};
use crate::model::{DashboardFigures, SessionRow};

/// The flag emoji of an ISO 3166-1 alpha-2 code: two regional indicator letters.
pub fn flag(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_uppercase)
        .filter_map(|c| char::from_u32(0x1F1E6 + (c as u32 - 'A' as u32)))
        .collect()
}

/// The CSV export of the same channel and range (every row, not only this page).
fn csv_link(dashboard: &DashboardFigures) -> String {
    let stats = &dashboard.stats;
    let encode = |t: &str| t.replace('+', "%2B").replace(':', "%3A");
    format!(
        "/api/stats/sessions.csv?channel={}&from={}&to={}",
        stats.channel.as_str(),
        encode(&stats.from),
        encode(&stats.to)
    )
}

#[component]
pub fn SessionsTable(dashboard: DashboardFigures, view: DashboardView, locale: Locale) -> impl IntoView {
    let page = &dashboard.stats.sessions_page;
    let t = move |text: Text| text.get(locale);
    let first = ((page.page - 1) * page.per_page + 1).min(page.total);
    let last = (first + page.rows.len() as u64).saturating_sub(1).max(first.min(page.total));
    let pages = page.total.div_ceil(page.per_page).max(1);
    let names = dashboard.country_names.clone();
    let rows = page.rows.iter().zip(dashboard.row_times.iter()).map(|(row, times)| {
        let country = row.country.as_ref().map(|code| {
            let name = names.iter().find(|(c, _)| c == code).map_or(code.as_str(), |(_, n)| n.as_str());
            format!("{} {name}", flag(code))
        });
        view! { <Row row=row.clone() times=times.clone() country locale /> }
    });
    let order_link = view.with_order(!view.oldest_first).href();
    view! {
        <section class="panel sessions" aria-label=t(Text::SessionsHeading)>
            <header class="panel-header">
                <h2>{t(Text::SessionsHeading)}</h2>
                <span class="muted" data-total=page.total>
                    {fill(t(Text::RowsShown), &[&locale.count(first), &locale.count(last), &locale.count(page.total)])}
                </span>
                {view.filter.clone().map(|filter| {
                    view! {
                        <span class="filter-chip" data-filter="">
                            {fill(t(Text::FilteredBy), &[&filter.describe(locale)])}
                            <a href=view.with_filter(None).href() class="clear">{t(Text::ClearFilter)}</a>
                        </span>
                    }
                })}
                <a class="download" href=csv_link(&dashboard) download="sessions.csv">{t(Text::DownloadCsv)}</a>
            </header>
            <table>
                <thead>
                    <tr>
                        <th scope="col">{t(Text::Visitor)}</th>
                        <th scope="col">{t(Text::Channel)}</th>
                        <th scope="col">{t(Text::Country)}</th>
                        <th scope="col">{t(Text::Started)}</th>
                        <th scope="col" aria-sort=if view.oldest_first { "ascending" } else { "descending" }>
                            <a href=order_link class="sort" title=t(Text::SortByLastActivity)>
                                {t(Text::LastActivity)}
                                {if view.oldest_first { " ↑" } else { " ↓" }}
                            </a>
                        </th>
                        <th scope="col">{t(Text::Messages)}</th>
                        <th scope="col">{t(Text::SessionNumber)}</th>
                    </tr>
                </thead>
                <tbody>{rows.collect_view()}</tbody>
            </table>
            {(page.total == 0).then(|| view! { <p class="muted empty">{t(Text::NoSessions)}</p> })}
            <nav class="pager" aria-label=t(Text::SessionsHeading)>
                {(view.page > 1).then(|| view! { <a href=view.with_page(view.page - 1).href() rel="prev">{t(Text::PreviousPage)}</a> })}
                <span>{fill(t(Text::PageOf), &[&locale.count(view.page), &locale.count(pages)])}</span>
                {(view.page < pages).then(|| view! { <a href=view.with_page(view.page + 1).href() rel="next">{t(Text::NextPage)}</a> })}
            </nav>
        </section>
    }
}

#[component]
fn Row(row: SessionRow, times: (String, String), country: Option<String>, locale: Locale) -> impl IntoView {
    let t = move |text: Text| text.get(locale);
    let name = row.user_name.clone().unwrap_or_else(|| t(Text::Anonymous).to_string());
    let place = match (country, &row.city) {
        (Some(country), Some(city)) => format!("{country} · {city}"),
        (Some(country), None) => country,
        (None, Some(city)) => city.clone(),
        (None, None) => "—".to_string(),
    };
    view! {
        <tr data-session=row.session_id.clone()>
            <td>
                <span class="visitor">{name}</span>
                <span class="muted">{row.user_id.clone()}</span>
                {row.human_mode.then(|| view! { <span class="human" title=t(Text::HumanMarkerTitle)>{t(Text::HumanMarker)}</span> })}
            </td>
            <td>{row.channel.clone()}</td>
            <td>{place}</td>
            <td>{locale.date_time(&times.0)}</td>
            <td>{locale.date_time(&times.1)}</td>
            <td>{locale.count(row.message_count)}</td>
            <td>{fill(t(Text::NOfM), &[&row.session_number.to_string(), &row.total_sessions.to_string()])}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_made_of_regional_indicators() {
        assert_eq!(flag("TR"), "🇹🇷");
        assert_eq!(flag("unknown"), "");
    }
}
