//! Session outcomes per day of the range, stacked: bot alone, answered by a person,
//! handover unanswered, abandoned. Its option, its table for "view as table", and what a
//! click on each of its elements lists.

use charming::component::{Axis, Legend};
use charming::element::{AxisType, ItemStyle};
use charming::series::Bar;
use charming::Chart;

use super::daily::day_targets;
use super::{counts, frame, head, ChartSpec};
use crate::chart_kind::ChartKind;
use crate::components::chart_table::ChartTable;
use crate::conversation_words::OUTCOME_NAMES;
use crate::i18n::{Locale, Text};
use crate::model::{DashboardFigures, Stats};

pub const SPEC: ChartSpec = ChartSpec { kind: ChartKind::Outcomes, option, table, targets: day_targets };

/// Green for the bot's own, blue for a person's answer, amber and red for the ones lost.
const COLORS: [&str; 4] = ["#10b981", "#4f46e5", "#f59e0b", "#ef4444"];

fn option(stats: &Stats, locale: Locale) -> Chart {
    let dates: Vec<String> = stats.daily.iter().map(|d| d.date.get(5..).unwrap_or(&d.date).to_string()).collect();
    let names = OUTCOME_NAMES.map(|name| name.get(locale));
    let mut chart = frame()
        .legend(Legend::new().data(names.to_vec()))
        .x_axis(Axis::new().type_(AxisType::Category).data(dates))
        .y_axis(Axis::new().type_(AxisType::Value));
    for (i, name) in names.iter().enumerate() {
        chart = chart.series(
            Bar::new()
                .name(*name)
                .stack("outcomes")
                .item_style(ItemStyle::new().color(COLORS[i]))
                .data(counts(stats.daily.iter().map(|d| d.outcomes.as_array()[i]))),
        );
    }
    chart
}

/// One row per day: the date and the four outcomes' sessions.
fn table(dashboard: &DashboardFigures, locale: Locale) -> ChartTable {
    let mut columns = vec![Text::Date];
    columns.extend(OUTCOME_NAMES);
    let rows = dashboard.stats.daily.iter().map(|d| {
        let mut row = vec![locale.date(&d.date)];
        row.extend(d.outcomes.as_array().iter().map(|n| locale.count(*n)));
        row
    });
    ChartTable { head: head(locale, &columns), rows: rows.collect() }
}
