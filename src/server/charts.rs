//! Chart options built on the server from a `Stats` document, as pure functions: the
//! browser receives only the ECharts option JSON, so charming never ships in the WASM.

use charming::component::{Axis, Grid, Legend};
use charming::element::{AreaStyle, AxisType, Tooltip, Trigger};
use charming::series::{Bar, Line};
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

pub fn chart_options(stats: &Stats) -> ChartOptions {
    let json = |chart: Chart| serde_json::to_string(&chart).expect("charts serialize");
    ChartOptions { daily: json(daily_chart(stats)), monthly: json(monthly_chart(stats)) }
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
    fn the_monthly_chart_is_an_area_over_the_months() {
        let option: Value = serde_json::to_value(monthly_chart(&stats())).unwrap();
        assert_eq!(option["xAxis"]["data"], json!(["2026-02", "2026-03"]));
        assert_eq!(option["series"][0]["data"], json!([7, 4]));
        assert!(option["series"][0]["areaStyle"].is_object());
    }
}
