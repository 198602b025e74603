//! What a dashboard shows, as its URL query says it: the date range, the comparison,
//! and the sessions table's page, order and filter. Kept in the URL so that a view can be
//! bookmarked and shared; read the same way on the server and in the browser.

use serde::{Deserialize, Serialize};

use crate::i18n::{Locale, Text};
use crate::model::{ChannelFilter, CountryBucket};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RangePreset {
    Today,
    Days7,
    #[default]
    Days30,
    Days90,
    Months12,
    All,
    Custom,
}

impl RangePreset {
    pub const ALL: [RangePreset; 7] = [
        RangePreset::Today,
        RangePreset::Days7,
        RangePreset::Days30,
        RangePreset::Days90,
        RangePreset::Months12,
        RangePreset::All,
        RangePreset::Custom,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RangePreset::Today => "today",
            RangePreset::Days7 => "7d",
            RangePreset::Days30 => "30d",
            RangePreset::Days90 => "90d",
            RangePreset::Months12 => "12m",
            RangePreset::All => "all",
            RangePreset::Custom => "custom",
        }
    }

    pub fn parse(code: &str) -> Option<RangePreset> {
        RangePreset::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn label(self) -> Text {
        match self {
            RangePreset::Today => Text::Today,
            RangePreset::Days7 => Text::Days7,
            RangePreset::Days30 => Text::Days30,
            RangePreset::Days90 => Text::Days90,
            RangePreset::Months12 => Text::Months12,
            RangePreset::All => Text::AllTime,
            RangePreset::Custom => Text::Custom,
        }
    }
}

/// Narrows the sessions table to what a chart element stands for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RowFilter {
    /// Sessions that started on this local day (`YYYY-MM-DD`).
    Day(String),
    /// Sessions that started in this local weekday (0 = Monday) and hour.
    Hour { weekday: u8, hour: u8 },
    /// Sessions whose visitor was in this country (ISO code), or `unknown`.
    Country(String),
    /// Sessions of one channel.
    Channel(ChannelFilter),
}

impl RowFilter {
    /// The query parameters of the filters, in the order a URL with several is read.
    pub const PARAMS: [&'static str; 4] = ["day", "hour", "country", "table_channel"];

    /// The filter a query parameter stands for, if its value is well formed.
    pub fn from_param(name: &str, value: &str) -> Option<RowFilter> {
        match name {
            "day" => is_iso_date(value).then(|| RowFilter::Day(value.to_string())),
            "hour" => parse_hour(value).map(|(weekday, hour)| RowFilter::Hour { weekday, hour }),
            "country" => is_country(value).then(|| RowFilter::Country(value.to_string())),
            "table_channel" => ChannelFilter::parse(value).map(RowFilter::Channel),
            _ => None,
        }
    }

    /// The query parameter that reads back as this filter.
    pub fn param(&self) -> (&'static str, String) {
        match self {
            RowFilter::Day(day) => ("day", day.clone()),
            RowFilter::Hour { weekday, hour } => ("hour", format!("{weekday}-{hour}")),
            RowFilter::Country(code) => ("country", code.clone()),
            RowFilter::Channel(channel) => ("table_channel", channel.as_str().into()),
        }
    }

    /// The filter's words on the chip above the table.
    pub fn describe(&self, locale: Locale) -> String {
        use crate::i18n::fill;
        match self {
            RowFilter::Day(day) => fill(Text::FilterDay.get(locale), &[&locale.date(day)]),
            RowFilter::Hour { weekday, hour } => {
                let day = locale.weekday_names().get(*weekday as usize).copied().unwrap_or("?");
                fill(Text::FilterHour.get(locale), &[day, &format!("{hour:02}")])
            }
            RowFilter::Country(code) => {
                fill(Text::FilterCountry.get(locale), &[locale.country_group(code).unwrap_or(code)])
            }
            RowFilter::Channel(channel) => fill(Text::FilterChannel.get(locale), &[channel.as_str()]),
        }
    }
}

/// The view of one dashboard page. Unknown or malformed query values fall back to the
/// defaults: a mistyped link still opens a dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DashboardView {
    pub channel: ChannelFilter,
    pub range: RangePreset,
    /// First and last local day of a custom range, `YYYY-MM-DD`, both included.
    pub from: Option<String>,
    pub to: Option<String>,
    pub compare: bool,
    pub page: u64,
    pub oldest_first: bool,
    pub filter: Option<RowFilter>,
    pub locale: Locale,
}

impl Default for DashboardView {
    /// All channels, the last 30 days, the table's first page, newest first.
    fn default() -> Self {
        DashboardView {
            channel: ChannelFilter::All,
            range: RangePreset::default(),
            from: None,
            to: None,
            compare: false,
            page: 1,
            oldest_first: false,
            filter: None,
            locale: Locale::default(),
        }
    }
}

fn is_iso_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() })
}

impl DashboardView {
    /// Reads the query of a dashboard URL; `get` looks up one parameter.
    pub fn from_query(channel: ChannelFilter, locale: Locale, get: impl Fn(&str) -> Option<String>) -> Self {
        let date = |name: &str| get(name).filter(|d| is_iso_date(d));
        let range = get("range").and_then(|r| RangePreset::parse(&r)).unwrap_or_default();
        let filter = RowFilter::PARAMS.iter().find_map(|name| RowFilter::from_param(name, &get(name)?));
        DashboardView {
            channel,
            range,
            from: if range == RangePreset::Custom { date("from") } else { None },
            to: if range == RangePreset::Custom { date("to") } else { None },
            compare: get("compare").as_deref() == Some("1"),
            page: get("page").and_then(|p| p.parse().ok()).filter(|p| *p >= 1).unwrap_or(1),
            oldest_first: get("sort").as_deref() == Some("oldest"),
            filter,
            locale,
        }
    }

    /// The query string (with its `?`, or empty) that reads back as this view.
    pub fn query_string(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if self.range != RangePreset::default() {
            pairs.push(("range", self.range.code().to_string()));
        }
        if let Some(from) = &self.from {
            pairs.push(("from", from.clone()));
        }
        if let Some(to) = &self.to {
            pairs.push(("to", to.clone()));
        }
        if self.compare {
            pairs.push(("compare", "1".into()));
        }
        if let Some(filter) = &self.filter {
            pairs.push(filter.param());
        }
        if self.oldest_first {
            pairs.push(("sort", "oldest".into()));
        }
        if self.page > 1 {
            pairs.push(("page", self.page.to_string()));
        }
        if pairs.is_empty() {
            return String::new();
        }
        // Every value is made of ASCII letters, digits and '-', so none needs escaping.
        let joined: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("?{}", joined.join("&"))
    }

    /// The page's path with this view's query: where a link to the view goes.
    pub fn href(&self) -> String {
        format!("{}{}", self.channel.path(), self.query_string())
    }

    /// The same view with another range; the table starts again at its first page.
    pub fn with_range(&self, range: RangePreset) -> Self {
        DashboardView { range, from: None, to: None, page: 1, ..self.clone() }
    }

    pub fn with_compare(&self, compare: bool) -> Self {
        DashboardView { compare, ..self.clone() }
    }

    pub fn with_page(&self, page: u64) -> Self {
        DashboardView { page: page.max(1), ..self.clone() }
    }

    pub fn with_order(&self, oldest_first: bool) -> Self {
        DashboardView { oldest_first, page: 1, ..self.clone() }
    }

    pub fn with_filter(&self, filter: Option<RowFilter>) -> Self {
        DashboardView { filter, page: 1, ..self.clone() }
    }
}

fn parse_hour(text: &str) -> Option<(u8, u8)> {
    let (weekday, hour) = text.split_once('-')?;
    let (weekday, hour) = (weekday.parse::<u8>().ok()?, hour.parse::<u8>().ok()?);
    (weekday < 7 && hour < 24).then_some((weekday, hour))
}

/// A country filter names one country or the unknown ones ("other" filters nothing).
fn is_country(code: &str) -> bool {
    match CountryBucket::of(code) {
        CountryBucket::Unknown => true,
        CountryBucket::Other => false,
        CountryBucket::Country(code) => code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(query: &str) -> DashboardView {
        let pairs: HashMap<String, String> = query
            .trim_start_matches('?')
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        DashboardView::from_query(ChannelFilter::Web, Locale::En, |k| pairs.get(k).cloned())
    }

    #[test]
    fn a_view_survives_its_own_query_string() {
        let views = [
            DashboardView::default(),
            DashboardView {
                channel: ChannelFilter::Web,
                range: RangePreset::Custom,
                from: Some("2026-01-01".into()),
                to: Some("2026-01-31".into()),
                compare: true,
                page: 3,
                oldest_first: true,
                filter: Some(RowFilter::Hour { weekday: 6, hour: 23 }),
                locale: Locale::En,
            },
            DashboardView {
                channel: ChannelFilter::Web,
                filter: Some(RowFilter::Country("unknown".into())),
                ..Default::default()
            },
        ];
        for view in views {
            let expected = DashboardView { channel: ChannelFilter::Web, ..view.clone() };
            assert_eq!(read(&view.query_string()), expected, "{}", view.query_string());
        }
        assert_eq!(DashboardView::default().query_string(), "");
    }

    #[test]
    fn malformed_values_fall_back_to_the_defaults() {
        let view = read("?range=5y&page=0&hour=7-3&country=tr&day=2026-1-1&compare=yes&from=2026-01-01");
        assert_eq!(view, DashboardView { channel: ChannelFilter::Web, ..Default::default() });
    }

    #[test]
    fn changing_the_range_or_filter_goes_back_to_the_first_page() {
        let view = DashboardView { page: 4, ..Default::default() };
        assert_eq!(view.with_range(RangePreset::Days7).page, 1);
        assert_eq!(view.with_filter(Some(RowFilter::Day("2026-01-02".into()))).page, 1);
        assert_eq!(view.with_compare(true).page, 4);
    }
}
