//! Chart options built on the server from a `Stats` document, as pure functions: the
//! browser receives only the ECharts option JSON, so charming never ships in the WASM.

use charming::component::{Axis, Grid, Legend, VisualMap, VisualMapChannel};
use charming::datatype::DataPoint;
use charming::element::{AreaStyle, AxisType, Color, ColorStop, ItemStyle, Orient, Tooltip, Trigger};
use charming::series::{Bar, Heatmap, Line, Pie};
use charming::Chart;

use crate::i18n::{Locale, Text};
use crate::model::{ChartOptions, Stats};

const ACCENT: &str = "#4f46e5";
const ACCENT_SOFT: &str = "rgba(79, 70, 229, 0.08)";
const TEAL: &str = "#0ea5a4";

fn counts(values: impl Iterator<Item = u64>) -> Vec<i64> {
    values.map(|v| v as i64).collect()
}

/// Top to bottom, strong to faint: the gradient of areas and bars.
fn vertical_gradient(top: &str, bottom: &str) -> Color {
    Color::LinearGradient {
        x: 0.0,
        y: 0.0,
        x2: 0.0,
        y2: 1.0,
        color_stops: vec![ColorStop::new(0, top), ColorStop::new(1, bottom)],
    }
}

fn gradient_bars() -> ItemStyle {
    ItemStyle::new().color(vertical_gradient(ACCENT, "#a5b4fc")).border_radius(4)
}

/// What every chart shares: a transparent background (the panel shows through in both
/// themes) and short update animations. ECharts' own `aria` stays off: it would replace
/// the chart's accessible name (its caption) with a generated description, and the
/// numbers are readable through "view as table" instead.
fn base() -> Chart {
    Chart::new().background_color("transparent").animation_duration_update(300)
}

fn frame() -> Chart {
    base().tooltip(Tooltip::new().trigger(Trigger::Axis)).grid(Grid::new().left(48).right(16).top(36).bottom(28))
}

/// Messages and sessions per day of the range.
pub fn daily_chart(stats: &Stats, locale: Locale) -> Chart {
    let dates: Vec<String> = stats.daily.iter().map(|d| d.date.get(5..).unwrap_or(&d.date).to_string()).collect();
    let (messages, sessions) = (Text::Messages.get(locale), Text::Sessions.get(locale));
    frame()
        .legend(Legend::new().data(vec![messages, sessions]))
        .x_axis(Axis::new().type_(AxisType::Category).data(dates))
        .y_axis(Axis::new().type_(AxisType::Value))
        .series(
            Bar::new().name(messages).item_style(gradient_bars()).data(counts(stats.daily.iter().map(|d| d.messages))),
        )
        .series(
            Line::new()
                .name(sessions)
                .smooth(true)
                .item_style(ItemStyle::new().color(TEAL))
                .data(counts(stats.daily.iter().map(|d| d.sessions))),
        )
}

/// Messages per calendar month, the last twelve, as an area fading downwards.
pub fn monthly_chart(stats: &Stats, locale: Locale) -> Chart {
    let months: Vec<String> = stats.monthly.iter().map(|m| locale.month(&m.month)).collect();
    frame()
        .x_axis(Axis::new().type_(AxisType::Category).data(months))
        .y_axis(Axis::new().type_(AxisType::Value))
        .series(
            Line::new()
                .name(Text::Messages.get(locale))
                .smooth(true)
                .item_style(ItemStyle::new().color(ACCENT))
                .area_style(AreaStyle::new().color(vertical_gradient("rgba(79, 70, 229, 0.45)", ACCENT_SOFT)))
                .data(counts(stats.monthly.iter().map(|m| m.messages))),
        )
}

/// Messages by weekday (rows, Monday on top) and hour of the day, in the configured zone.
pub fn heatmap_chart(stats: &Stats, locale: Locale) -> Chart {
    let hours: Vec<String> = (0..24).map(|h| format!("{h:02}")).collect();
    let cells: Vec<Vec<DataPoint>> = stats
        .heatmap
        .iter()
        .enumerate()
        .flat_map(|(day, row)| {
            row.iter()
                .enumerate()
                .map(move |(hour, n)| [hour as i64, day as i64, *n as i64].map(DataPoint::from).to_vec())
        })
        .collect();
    let max = stats.heatmap.iter().flatten().copied().max().unwrap_or(0).max(1);
    base()
        .tooltip(Tooltip::new())
        .grid(Grid::new().left(48).right(16).top(16).bottom(64))
        .x_axis(Axis::new().type_(AxisType::Category).data(hours))
        .y_axis(Axis::new().type_(AxisType::Category).inverse(true).data(locale.weekday_names().to_vec()))
        .visual_map(
            VisualMap::new()
                .min(0)
                .max(max as f64)
                .calculable(true)
                .orient(Orient::Horizontal)
                .left("center")
                .bottom(0)
                .in_range(VisualMapChannel::new().color(vec!["#eef2ff", "#818cf8", "#3730a3"])),
        )
        .series(Heatmap::new().name(Text::Messages.get(locale)).data(cells))
}

/// Sessions per channel; a slice grows when hovered (ECharts' default `emphasis.scale`).
pub fn channels_chart(stats: &Stats, locale: Locale) -> Chart {
    let slices: Vec<(i64, String)> = stats.channels.iter().map(|c| (c.sessions as i64, c.channel.clone())).collect();
    base()
        .tooltip(Tooltip::new())
        .legend(Legend::new().bottom(0))
        .color(vec![ACCENT, TEAL])
        .series(Pie::new().name(Text::Sessions.get(locale)).radius(vec!["40%", "68%"]).data(slices))
}

/// Messages by who sent them: visitor, bot, operator.
pub fn senders_chart(stats: &Stats, locale: Locale) -> Chart {
    let t = &stats.totals;
    let names = [Text::SenderUser, Text::SenderBot, Text::SenderOperator].map(|s| s.get(locale).to_string());
    frame()
        .x_axis(Axis::new().type_(AxisType::Category).data(names.to_vec()))
        .y_axis(Axis::new().type_(AxisType::Value))
        .series(
            Bar::new()
                .name(Text::Messages.get(locale))
                .item_style(ItemStyle::new().color(vertical_gradient(TEAL, "#99f6e4")).border_radius(4))
                .data(counts([t.user_messages, t.bot_messages, t.operator_messages].into_iter())),
        )
}

/// Sessions by their number of messages.
pub fn lengths_chart(stats: &Stats, locale: Locale) -> Chart {
    let buckets: Vec<String> = stats.distribution.iter().map(|b| b.bucket.clone()).collect();
    frame()
        .x_axis(Axis::new().type_(AxisType::Category).data(buckets))
        .y_axis(Axis::new().type_(AxisType::Value))
        .series(
            Bar::new()
                .name(Text::Sessions.get(locale))
                .item_style(gradient_bars())
                .data(counts(stats.distribution.iter().map(|b| b.sessions))),
        )
}

/// Users by country, most first, with "other" and "unknown" last.
pub fn countries_chart(stats: &Stats, locale: Locale) -> Chart {
    let names: Vec<String> =
        stats.countries.iter().map(|c| locale.country_group(&c.country).unwrap_or(&c.country).to_string()).collect();
    base()
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        // Room on the left for the longest label, "bilinmiyor".
        .grid(Grid::new().left(84).right(16).top(16).bottom(28))
        .x_axis(Axis::new().type_(AxisType::Value))
        .y_axis(Axis::new().type_(AxisType::Category).inverse(true).data(names))
        .series(
            Bar::new()
                .name(Text::Users.get(locale))
                .item_style(ItemStyle::new().color(vertical_gradient(ACCENT, "#818cf8")).border_radius(4))
                .data(counts(stats.countries.iter().map(|c| c.users))),
        )
}

pub fn chart_options(stats: &Stats, locale: Locale) -> ChartOptions {
    let json = |chart: Chart| serde_json::to_string(&chart).expect("charts serialize");
    ChartOptions {
        daily: json(daily_chart(stats, locale)),
        monthly: json(monthly_chart(stats, locale)),
        heatmap: json(heatmap_chart(stats, locale)),
        channels: json(channels_chart(stats, locale)),
        senders: json(senders_chart(stats, locale)),
        distribution: json(lengths_chart(stats, locale)),
        countries: json(countries_chart(stats, locale)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DayCount, MonthCount};
    use serde_json::{json, Value};

    fn stats() -> Stats {
        Stats {
            daily: vec![
                DayCount { date: "2026-03-01".into(), messages: 4, sessions: 2 },
                DayCount { date: "2026-03-02".into(), messages: 0, sessions: 0 },
            ],
            monthly: vec![
                MonthCount { month: "2026-02".into(), messages: 7 },
                MonthCount { month: "2026-03".into(), messages: 4 },
            ],
            ..Stats::default()
        }
    }

    #[test]
    fn the_daily_chart_shows_messages_as_bars_and_sessions_as_a_line_per_day() {
        let option: Value = serde_json::to_value(daily_chart(&stats(), Locale::En)).unwrap();
        assert_eq!(option["xAxis"]["data"], json!(["03-01", "03-02"]));
        assert_eq!(option["series"][0]["type"], "bar");
        assert_eq!(option["series"][0]["data"], json!([4, 0]));
        assert_eq!(option["series"][1]["type"], "line");
        assert_eq!(option["series"][1]["data"], json!([2, 0]));
        assert_eq!(option["legend"]["data"], json!([{"name": "Messages"}, {"name": "Sessions"}]));
    }

    #[test]
    fn the_heatmap_has_a_cell_per_weekday_and_hour_with_monday_first() {
        let mut heatmap = vec![vec![0u64; 24]; 7];
        heatmap[0][10] = 3;
        heatmap[6][23] = 1;
        let option: Value =
            serde_json::to_value(heatmap_chart(&Stats { heatmap, ..Stats::default() }, Locale::En)).unwrap();
        let cells = option["series"][0]["data"].as_array().unwrap();
        assert_eq!(cells.len(), 7 * 24);
        assert!(cells.contains(&json!([10, 0, 3])) && cells.contains(&json!([23, 6, 1])));
        assert_eq!(option["yAxis"]["data"][0], "Mon");
        assert_eq!(option["visualMap"][0]["max"], 3.0);
    }

    #[test]
    fn the_channel_pie_names_each_slice() {
        let stats = Stats {
            channels: vec![
                crate::model::ChannelCount { channel: "web".into(), sessions: 5, messages: 9 },
                crate::model::ChannelCount { channel: "premium".into(), sessions: 2, messages: 4 },
            ],
            ..Stats::default()
        };
        let option: Value = serde_json::to_value(channels_chart(&stats, Locale::En)).unwrap();
        assert_eq!(option["series"][0]["data"], json!([{"value": 5, "name": "web"}, {"value": 2, "name": "premium"}]));
    }

    #[test]
    fn the_monthly_chart_is_an_area_over_the_months() {
        let option: Value = serde_json::to_value(monthly_chart(&stats(), Locale::En)).unwrap();
        assert_eq!(option["xAxis"]["data"], json!(["Feb 2026", "Mar 2026"]));
        assert_eq!(option["series"][0]["data"], json!([7, 4]));
        assert_eq!(option["series"][0]["areaStyle"]["color"]["type"], "linear");
    }

    #[test]
    fn charts_speak_the_language_and_bars_have_a_gradient() {
        let option: Value = serde_json::to_value(daily_chart(&stats(), Locale::Tr)).unwrap();
        assert_eq!(option["legend"]["data"], json!([{"name": "Mesajlar"}, {"name": "Oturumlar"}]));
        assert_eq!(option["series"][0]["itemStyle"]["color"]["type"], "linear");
        assert!(option.get("aria").is_none());
        let heatmap: Value = serde_json::to_value(heatmap_chart(&Stats::default(), Locale::Tr)).unwrap();
        assert_eq!(heatmap["yAxis"]["data"][0], "Pzt");
    }

    #[test]
    fn the_sender_chart_splits_messages_by_who_sent_them() {
        let mut stats = stats();
        stats.totals.user_messages = 5;
        stats.totals.bot_messages = 4;
        stats.totals.operator_messages = 1;
        let option: Value = serde_json::to_value(senders_chart(&stats, Locale::En)).unwrap();
        assert_eq!(option["xAxis"]["data"], json!(["Visitor", "Bot", "Operator"]));
        assert_eq!(option["series"][0]["data"], json!([5, 4, 1]));
    }
}
