//! Messages by weekday and hour of the day, in the configured time zone. Its option,
//! its table for "view as table", and what a click on each of its elements lists.

use charming::component::{Axis, Grid, VisualMap, VisualMapChannel};
use charming::datatype::DataPoint;
use charming::element::{AxisType, Orient, Tooltip};
use charming::series::Heatmap;
use charming::Chart;

use super::{base, ChartSpec};
use crate::chart_kind::ChartKind;
use crate::components::chart_table::ChartTable;
use crate::dashboard_view::RowFilter;
use crate::i18n::{Locale, Text};
use crate::model::{DashboardFigures, Stats};

pub const SPEC: ChartSpec = ChartSpec { kind: ChartKind::Heatmap, option, table, targets };

/// Messages by weekday (rows, Monday on top) and hour of the day, in the configured zone.
fn option(stats: &Stats, locale: Locale) -> Chart {
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

fn table(dashboard: &DashboardFigures, locale: Locale) -> ChartTable {
    let stats = &dashboard.stats;
    let mut head = vec![Text::Weekday.get(locale).to_string()];
    head.extend((0..24).map(|h| format!("{h:02}")));
    let rows = stats
        .heatmap
        .iter()
        .zip(locale.weekday_names())
        .map(|(hours, day)| std::iter::once(day.to_string()).chain(hours.iter().map(|n| locale.count(*n))).collect())
        .collect();
    ChartTable { head, rows }
}

/// A click on a cell lists the sessions that started in that hour of that weekday.
/// Cells are listed weekday by weekday (0 = Monday), 24 hours each.
fn targets(_stats: &Stats) -> Vec<Option<RowFilter>> {
    (0..7 * 24u8).map(|i| Some(RowFilter::Hour { weekday: i / 24, hour: i % 24 })).collect()
}
