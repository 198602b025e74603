//! Sessions by their number of messages. Its option, its table for "view as table", and
//! what a click on each of its elements lists.

use charming::component::Axis;
use charming::element::AxisType;
use charming::series::Bar;
use charming::Chart;

use super::{counts, frame, gradient_bars, head, no_targets, ChartSpec};
use crate::chart_kind::ChartKind;
use crate::components::chart_table::ChartTable;
use crate::i18n::{Locale, Text};
use crate::model::{DashboardFigures, Stats};

pub const SPEC: ChartSpec = ChartSpec { kind: ChartKind::Lengths, option, table, targets: no_targets };

/// Sessions by their number of messages.
fn option(stats: &Stats, locale: Locale) -> Chart {
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

fn table(dashboard: &DashboardFigures, locale: Locale) -> ChartTable {
    let stats = &dashboard.stats;
    ChartTable {
        head: head(locale, &[Text::Length, Text::Sessions]),
        rows: stats.distribution.iter().map(|b| vec![b.bucket.clone(), locale.count(b.sessions)]).collect(),
    }
}
