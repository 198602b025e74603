//! Messages per calendar month, the last twelve. Its option, its table for "view as
//! table", and what a click on each of its elements lists.

use charming::component::Axis;
use charming::element::{AreaStyle, AxisType, ItemStyle};
use charming::series::Line;
use charming::Chart;

use super::{counts, frame, head, no_targets, vertical_gradient, ChartSpec, ACCENT, ACCENT_SOFT};
use crate::chart_kind::ChartKind;
use crate::components::chart_table::ChartTable;
use crate::i18n::{Locale, Text};
use crate::model::{DashboardFigures, Stats};

pub const SPEC: ChartSpec = ChartSpec { kind: ChartKind::Monthly, option, table, targets: no_targets };

/// Messages per calendar month, the last twelve, as an area fading downwards.
fn option(stats: &Stats, locale: Locale) -> Chart {
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

fn table(dashboard: &DashboardFigures, locale: Locale) -> ChartTable {
    let stats = &dashboard.stats;
    ChartTable {
        head: head(locale, &[Text::Month, Text::Messages]),
        rows: stats.monthly.iter().map(|m| vec![locale.month(&m.month), locale.count(m.messages)]).collect(),
    }
}
