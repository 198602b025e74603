//! The dashboard's charts, one file each: its ECharts option (built with charming on the
//! server, so the browser receives only the option's JSON and charming never ships in
//! the WASM), its numbers as a table for "view as table", and what a click on each of
//! its elements lists. Adding a chart: a file here, its entry in `SPECS`, and its
//! `ChartKind` (the list the page places charts by).

pub mod channels;
pub mod countries;
pub mod daily;
pub mod heatmap;
pub mod lengths;
pub mod monthly;
pub mod outcomes;
pub mod response_times;
pub mod senders;

use charming::component::Grid;
use charming::element::{Color, ColorStop, ItemStyle, Tooltip, Trigger};
use charming::Chart;

use crate::chart_kind::ChartKind;
use crate::components::chart_table::ChartTable;
use crate::dashboard_view::RowFilter;
use crate::i18n::{Locale, Text};
use crate::model::{DashboardFigures, Stats};

/// One chart kind, whole.
pub struct ChartSpec {
    pub kind: ChartKind,
    /// The ECharts option, in the viewer's language.
    pub option: fn(&Stats, Locale) -> Chart,
    /// Its numbers, for "view as table".
    pub table: fn(&DashboardFigures, Locale) -> ChartTable,
    /// The sessions filter a click on each element sets, by data index (`None` where a
    /// click filters nothing).
    pub targets: fn(&Stats) -> Vec<Option<RowFilter>>,
}

/// Every chart, in `ChartKind::ALL` order.
pub const SPECS: [ChartSpec; 9] = [
    daily::SPEC,
    outcomes::SPEC,
    response_times::SPEC,
    monthly::SPEC,
    heatmap::SPEC,
    channels::SPEC,
    senders::SPEC,
    lengths::SPEC,
    countries::SPEC,
];

impl ChartSpec {
    /// The option as the JSON the browser gives ECharts.
    pub fn option_json(&self, stats: &Stats, locale: Locale) -> String {
        serde_json::to_string(&(self.option)(stats, locale)).expect("charts serialize")
    }
}

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
/// themes), no entrance animation and short update animations. The entrance animation
/// repainted every chart of a page for a second just when the page was busiest loading,
/// and showed the numbers late; updates still move from the old values to the new. ECharts'
/// own `aria` stays off: it would replace the chart's accessible name (its caption) with a
/// generated description, and the numbers are readable through "view as table" instead.
fn base() -> Chart {
    Chart::new().background_color("transparent").animation_duration(0).animation_duration_update(300)
}

fn frame() -> Chart {
    base().tooltip(Tooltip::new().trigger(Trigger::Axis)).grid(Grid::new().left(48).right(16).top(36).bottom(28))
}

fn head(locale: Locale, columns: &[Text]) -> Vec<String> {
    columns.iter().map(|c| c.get(locale).to_string()).collect()
}

/// For charts whose elements stand for no one filter (months, senders, lengths).
fn no_targets(_stats: &Stats) -> Vec<Option<RowFilter>> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DayCount, MonthCount};
    use serde_json::{json, Value};

    #[test]
    fn the_specs_are_in_the_order_the_page_places_charts() {
        assert_eq!(SPECS.map(|spec| spec.kind), ChartKind::ALL);
    }

    fn tables_of(stats: Stats) -> DashboardFigures {
        DashboardFigures { stats, ..DashboardFigures::default() }
    }

    fn stats() -> Stats {
        Stats {
            daily: vec![
                DayCount { date: "2026-03-01".into(), messages: 4, sessions: 2, outcomes: Default::default() },
                DayCount { date: "2026-03-02".into(), messages: 0, sessions: 0, outcomes: Default::default() },
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
        let option: Value = serde_json::to_value((daily::SPEC.option)(&stats(), Locale::En)).unwrap();
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
            serde_json::to_value((heatmap::SPEC.option)(&Stats { heatmap, ..Stats::default() }, Locale::En)).unwrap();
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
        let option: Value = serde_json::to_value((channels::SPEC.option)(&stats, Locale::En)).unwrap();
        assert_eq!(option["series"][0]["data"], json!([{"value": 5, "name": "web"}, {"value": 2, "name": "premium"}]));
    }

    #[test]
    fn the_monthly_chart_is_an_area_over_the_months() {
        let option: Value = serde_json::to_value((monthly::SPEC.option)(&stats(), Locale::En)).unwrap();
        assert_eq!(option["xAxis"]["data"], json!(["Feb 2026", "Mar 2026"]));
        assert_eq!(option["series"][0]["data"], json!([7, 4]));
        assert_eq!(option["series"][0]["areaStyle"]["color"]["type"], "linear");
    }

    #[test]
    fn charts_speak_the_language_and_bars_have_a_gradient() {
        let option: Value = serde_json::to_value((daily::SPEC.option)(&stats(), Locale::Tr)).unwrap();
        assert_eq!(option["legend"]["data"], json!([{"name": "Mesajlar"}, {"name": "Oturumlar"}]));
        assert_eq!(option["series"][0]["itemStyle"]["color"]["type"], "linear");
        assert!(option.get("aria").is_none());
        assert_eq!(
            (option["animationDuration"].as_f64(), option["animationDurationUpdate"].as_f64()),
            (Some(0.0), Some(300.0))
        );
        let heatmap: Value = serde_json::to_value((heatmap::SPEC.option)(&Stats::default(), Locale::Tr)).unwrap();
        assert_eq!(heatmap["yAxis"]["data"][0], "Pzt");
    }

    #[test]
    fn the_sender_chart_splits_messages_by_who_sent_them() {
        let mut stats = stats();
        stats.totals.user_messages = 5;
        stats.totals.bot_messages = 4;
        stats.totals.operator_messages = 1;
        let option: Value = serde_json::to_value((senders::SPEC.option)(&stats, Locale::En)).unwrap();
        assert_eq!(option["xAxis"]["data"], json!(["Visitor", "Bot", "Operator"]));
        assert_eq!(option["series"][0]["data"], json!([5, 4, 1]));
    }

    #[test]
    fn the_daily_table_has_a_row_per_day_in_the_language() {
        let stats = Stats {
            daily: vec![DayCount {
                date: "2026-03-01".into(),
                messages: 1234,
                sessions: 5,
                outcomes: Default::default(),
            }],
            ..Default::default()
        };
        let table = (daily::SPEC.table)(&tables_of(stats), Locale::Tr);
        assert_eq!(table.head, ["Tarih", "Mesajlar", "Oturumlar"]);
        assert_eq!(table.rows, [["1 Mar 2026", "1.234", "5"]]);
    }

    #[test]
    fn the_heatmap_table_has_a_row_per_weekday_and_a_column_per_hour() {
        let stats = Stats { heatmap: vec![vec![0; 24]; 7], ..Default::default() };
        let table = (heatmap::SPEC.table)(&tables_of(stats), Locale::En);
        assert_eq!((table.head.len(), table.rows.len(), table.rows[6][0].as_str()), (25, 7, "Sun"));
    }
}
