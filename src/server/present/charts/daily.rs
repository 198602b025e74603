//! Messages and sessions per day of the range. Its option, its table for "view as
//! table", and what a click on each of its elements lists.

use charming::component::{Axis, Legend};
use charming::element::{AxisType, ItemStyle};
use charming::series::{Bar, Line};
use charming::Chart;

use super::{counts, frame, gradient_bars, head, ChartSpec, TEAL};
use crate::chart_kind::ChartKind;
use crate::components::chart_table::ChartTable;
use crate::dashboard_view::RowFilter;
use crate::i18n::{Locale, Text};
use crate::model::{DashboardFigures, Stats};

pub const SPEC: ChartSpec = ChartSpec { kind: ChartKind::Daily, option, table, targets: day_targets };

/// Messages and sessions per day of the range.
fn option(stats: &Stats, locale: Locale) -> Chart {
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

fn table(dashboard: &DashboardFigures, locale: Locale) -> ChartTable {
    let stats = &dashboard.stats;
    ChartTable {
        head: head(locale, &[Text::Date, Text::Messages, Text::Sessions]),
        rows: stats
            .daily
            .iter()
            .map(|d| vec![locale.date(&d.date), locale.count(d.messages), locale.count(d.sessions)])
            .collect(),
    }
}

/// A click on a day lists the sessions that started that day (here and on every chart
/// with a bar per day).
pub(super) fn day_targets(stats: &Stats) -> Vec<Option<RowFilter>> {
    stats.daily.iter().map(|d| Some(RowFilter::Day(d.date.clone()))).collect()
}
