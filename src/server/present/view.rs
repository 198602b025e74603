//! Turns a dashboard's view (a date-range preset, a comparison, a table filter) into
//! engine queries, with the calendar of the configured time zone: "today" and "7 days"
//! start at local midnight, "12 months" at the first of a local month.

use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;

use crate::dashboard_view::{DashboardView, RangePreset, RowFilter};
use crate::model::CountryBucket;
use crate::server::domain::event::Channel;
use crate::server::pipeline::engine::calendar::{add_months, first_of_month, local, start_of_day};
use crate::server::pipeline::engine::query::{range_end_at, RowQuery, SessionFilter, StatsQuery, MAX_PER_PAGE};

/// Rows per page of the dashboard's sessions table.
pub const TABLE_ROWS: u64 = 25;

/// A view resolved to instants: the range, the same-length period just before it, and
/// the first and last local day of the range for the page to show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedView {
    pub query: StatsQuery,
    pub previous: Option<StatsQuery>,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

fn date(text: &Option<String>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.as_deref()?, "%Y-%m-%d").ok()
}

/// Resolves `view` at `now`. `earliest` is the first instant with data, where "all"
/// starts.
pub fn resolve(view: &DashboardView, tz: Tz, now: i64, earliest: Option<i64>) -> ResolvedView {
    let end_now = range_end_at(now);
    let today = local(tz, now).date();
    let days_back = |days: i64| start_of_day(tz, today - Duration::days(days - 1));
    let (from, to) = match view.range {
        RangePreset::Today => (days_back(1), end_now),
        RangePreset::Days7 => (days_back(7), end_now),
        RangePreset::Days30 => (days_back(30), end_now),
        RangePreset::Days90 => (days_back(90), end_now),
        RangePreset::Months12 => (start_of_day(tz, add_months(first_of_month(today), -11)), end_now),
        RangePreset::All => (earliest.map_or(days_back(1), |at| start_of_day(tz, local(tz, at).date())), end_now),
        RangePreset::Custom => match (date(&view.from), date(&view.to)) {
            (Some(first), Some(last)) if first <= last => {
                (start_of_day(tz, first), start_of_day(tz, last + Duration::days(1)))
            }
            // A custom range without its two days shows the default range.
            _ => (days_back(30), end_now),
        },
    };
    let length = to - from;
    let rows = RowQuery { filter: session_filter(view.filter.as_ref(), tz), oldest_first: view.oldest_first };
    let query = StatsQuery {
        channel: view.channel,
        from,
        to,
        page: view.page.min(1_000_000),
        per_page: TABLE_ROWS.min(MAX_PER_PAGE),
        rows,
    };
    let previous = (view.compare && view.range != RangePreset::All).then(|| StatsQuery {
        from: from - length,
        to: from,
        page: 1,
        per_page: 1,
        rows: RowQuery::default(),
        ..query.clone()
    });
    ResolvedView { first_day: local(tz, from).date(), last_day: local(tz, to - 1).date(), query, previous }
}

fn session_filter(filter: Option<&RowFilter>, tz: Tz) -> SessionFilter {
    match filter {
        None => SessionFilter::All,
        Some(RowFilter::Day(day)) => match NaiveDate::parse_from_str(day, "%Y-%m-%d") {
            Ok(day) => SessionFilter::StartedIn(start_of_day(tz, day), start_of_day(tz, day + Duration::days(1))),
            Err(_) => SessionFilter::All,
        },
        Some(RowFilter::Hour { weekday, hour }) => SessionFilter::StartedAtHour(*weekday, *hour),
        Some(RowFilter::Country(code)) if CountryBucket::of(code) == CountryBucket::Unknown => {
            SessionFilter::Country(None)
        }
        Some(RowFilter::Country(code)) => match code.as_bytes().try_into() {
            Ok(code) => SessionFilter::Country(Some(code)),
            Err(_) => SessionFilter::All,
        },
        Some(RowFilter::Channel(channel)) => match Channel::parse(channel.as_str()) {
            Some(channel) => SessionFilter::Channel(channel),
            None => SessionFilter::All,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::domain::time::parse_rfc3339_ms;

    fn ms(text: &str) -> i64 {
        parse_rfc3339_ms(text).unwrap()
    }

    fn view(range: RangePreset) -> DashboardView {
        DashboardView { range, ..DashboardView::default() }
    }

    const NOW: &str = "2026-03-10T22:30:00Z";

    #[test]
    fn presets_start_at_local_midnight_and_end_now() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        // 22:30 UTC is 23:30 in Berlin, still the 10th.
        let today = resolve(&view(RangePreset::Today), berlin, ms(NOW), None);
        assert_eq!(today.query.from, ms("2026-03-09T23:00:00Z"));
        assert_eq!(today.query.to, ms(NOW) + 1000);
        let week = resolve(&view(RangePreset::Days7), berlin, ms(NOW), None);
        assert_eq!(week.query.from, ms("2026-03-03T23:00:00Z"));
        assert_eq!((week.first_day.to_string(), week.last_day.to_string()), ("2026-03-04".into(), "2026-03-10".into()));
        let year = resolve(&view(RangePreset::Months12), berlin, ms(NOW), None);
        assert_eq!(year.query.from, ms("2025-03-31T22:00:00Z"));
    }

    #[test]
    fn a_custom_range_holds_both_of_its_days() {
        let custom = DashboardView {
            range: RangePreset::Custom,
            from: Some("2026-01-01".into()),
            to: Some("2026-01-31".into()),
            ..DashboardView::default()
        };
        let resolved = resolve(&custom, Tz::UTC, ms(NOW), None);
        assert_eq!((resolved.query.from, resolved.query.to), (ms("2026-01-01T00:00:00Z"), ms("2026-02-01T00:00:00Z")));
        let reversed = DashboardView { from: custom.to.clone(), to: custom.from.clone(), ..custom };
        let fallback = resolve(&reversed, Tz::UTC, ms(NOW), None);
        assert_eq!(fallback.query, resolve(&view(RangePreset::Days30), Tz::UTC, ms(NOW), None).query);
    }

    #[test]
    fn the_previous_period_has_the_same_length_and_ends_where_the_range_starts() {
        let resolved = resolve(&view(RangePreset::Days7).with_compare(true), Tz::UTC, ms(NOW), None);
        let previous = resolved.previous.unwrap();
        assert_eq!(previous.to, resolved.query.from);
        assert_eq!(previous.to - previous.from, resolved.query.to - resolved.query.from);
        assert!(resolve(&view(RangePreset::All).with_compare(true), Tz::UTC, ms(NOW), None).previous.is_none());
    }

    #[test]
    fn all_starts_on_the_day_of_the_first_data() {
        let resolved = resolve(&view(RangePreset::All), Tz::UTC, ms(NOW), Some(ms("2024-05-06T07:08:09Z")));
        assert_eq!(resolved.query.from, ms("2024-05-06T00:00:00Z"));
    }

    #[test]
    fn a_day_filter_is_that_local_day() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let filtered = DashboardView { filter: Some(RowFilter::Day("2026-03-05".into())), ..DashboardView::default() };
        let resolved = resolve(&filtered, berlin, ms(NOW), None);
        assert_eq!(
            resolved.query.rows.filter,
            SessionFilter::StartedIn(ms("2026-03-04T23:00:00Z"), ms("2026-03-05T23:00:00Z"))
        );
    }
}
