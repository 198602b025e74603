//! Chart options built on the server from a `Stats` document, as pure functions: the
//! browser receives only the ECharts option JSON, so charming never ships in the WASM.

use charming::component::{Axis, Grid, Legend, VisualMap};
use charming::datatype::DataPoint;
use charming::element::{AreaStyle, AxisType, Orient, Tooltip, Trigger};
use charming::series::{Bar, Heatmap, Line, Pie};
use charming::Chart;

use crate::model::{ChartOptions, Stats};

fn counts(values: impl Iterator<Item = u64>) -> Vec<i64> {
    values.map(|v| v as i64).collect()
}

fn frame() -> Chart {
    Chart::new()
        .animation_duration_update(300)
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        .grid(Grid::new().left(48).right(16).top(36).bottom(28))
}

/// Messages and sessions per day of the range.
pub fn daily_chart(stats: &Stats) -> Chart {
    let dates: Vec<String> = stats.daily.iter().map(|d| d.date.clone()).collect();
    frame()
        .legend(Legend::new().data(vec!["Messages", "Sessions"]))
        .x_axis(Axis::new().type_(AxisType::Category).data(dates))
        .y_axis(Axis::new().type_(AxisType::Value))
        .series(Bar::new().name("Messages").data(counts(stats.daily.iter().map(|d| d.messages))))
        .series(Line::new().name("Sessions").smooth(true).data(counts(stats.daily.iter().map(|d| d.sessions))))
}

/// Messages per calendar month, the last twelve.
pub fn monthly_chart(stats: &Stats) -> Chart {
    let months: Vec<String> = stats.monthly.iter().map(|m| m.month.clone()).collect();
    frame()
        .x_axis(Axis::new().type_(AxisType::Category).data(months))
        .y_axis(Axis::new().type_(AxisType::Value))
        .series(
            Line::new()
                .name("Messages")
                .smooth(true)
                .area_style(AreaStyle::new().opacity(0.25))
                .data(counts(stats.monthly.iter().map(|m| m.messages))),
        )
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Messages by weekday (rows, Monday on top) and hour of the day, in the configured zone.
pub fn heatmap_chart(stats: &Stats) -> Chart {
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
    Chart::new()
        .tooltip(Tooltip::new())
        .grid(Grid::new().left(48).right(16).top(16).bottom(64))
        .x_axis(Axis::new().type_(AxisType::Category).data(hours))
        .y_axis(Axis::new().type_(AxisType::Category).inverse(true).data(WEEKDAYS.to_vec()))
        .visual_map(
            VisualMap::new()
                .min(0)
                .max(max as f64)
                .calculable(true)
                .orient(Orient::Horizontal)
                .left("center")
                .bottom(0),
        )
        .series(Heatmap::new().name("Messages").data(cells))
}

/// Sessions per channel; a slice grows when hovered.
pub fn channels_chart(stats: &Stats) -> Chart {
    let slices: Vec<(i64, String)> = stats.channels.iter().map(|c| (c.sessions as i64, c.channel.clone())).collect();
    // ECharts scales a pie slice up on hover by default (`emphasis.scale`).
    Chart::new()
        .tooltip(Tooltip::new())
        .legend(Legend::new().bottom(0))
        .series(Pie::new().name("Sessions").radius(vec!["40%", "68%"]).data(slices))
}

/// Sessions by their number of messages.
pub fn distribution_chart(stats: &Stats) -> Chart {
    let buckets: Vec<String> = stats.distribution.iter().map(|b| b.bucket.clone()).collect();
    frame()
        .x_axis(Axis::new().type_(AxisType::Category).data(buckets))
        .y_axis(Axis::new().type_(AxisType::Value))
        .series(Bar::new().name("Sessions").data(counts(stats.distribution.iter().map(|b| b.sessions))))
}

/// Users by country, most first, with "other" and "unknown" last.
pub fn countries_chart(stats: &Stats) -> Chart {
    let names: Vec<String> = stats.countries.iter().map(|c| c.country.clone()).collect();
    Chart::new()
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        // Room on the left for the longest label, "unknown".
        .grid(Grid::new().left(72).right(16).top(16).bottom(28))
        .x_axis(Axis::new().type_(AxisType::Value))
        .y_axis(Axis::new().type_(AxisType::Category).inverse(true).data(names))
        .series(Bar::new().name("Users").data(counts(stats.countries.iter().map(|c| c.users))))
}

pub fn chart_options(stats: &Stats) -> ChartOptions {
    let json = |chart: Chart| serde_json::to_string(&chart).expect("charts serialize");
    ChartOptions {
        daily: json(daily_chart(stats)),
        monthly: json(monthly_chart(stats)),
        heatmap: json(heatmap_chart(stats)),
        channels: json(channels_chart(stats)),
        distribution: json(distribution_chart(stats)),
        countries: json(countries_chart(stats)),
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
        let option: Value = serde_json::to_value(daily_chart(&stats())).unwrap();
        assert_eq!(option["xAxis"]["data"], json!(["2026-03-01", "2026-03-02"]));
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
        let option: Value = serde_json::to_value(heatmap_chart(&Stats { heatmap, ..Stats::default() })).unwrap();
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
        let option: Value = serde_json::to_value(channels_chart(&stats)).unwrap();
        assert_eq!(option["series"][0]["data"], json!([{"value": 5, "name": "web"}, {"value": 2, "name": "premium"}]));
    }

    #[test]
    fn the_monthly_chart_is_an_area_over_the_months() {
        let option: Value = serde_json::to_value(monthly_chart(&stats())).unwrap();
        assert_eq!(option["xAxis"]["data"], json!(["2026-02", "2026-03"]));
        assert_eq!(option["series"][0]["data"], json!([7, 4]));
        assert!(option["series"][0]["areaStyle"].is_object());
    }
}
