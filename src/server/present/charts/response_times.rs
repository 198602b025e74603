//! Response times of the range: how many bot replies, waits for a person and operator
//! replies took under a minute, 1–5 minutes and so on, side by side. Its table adds the
//! sample counts and the p50 and p90 of each.

use charming::component::{Axis, Legend};
use charming::element::{AxisType, ItemStyle};
use charming::series::Bar;
use charming::Chart;

use super::{counts, frame, head, no_targets, ChartSpec, ACCENT, TEAL};
use crate::chart_kind::ChartKind;
use crate::components::chart_table::ChartTable;
use crate::conversation_words::{named_timings, TIMING_BUCKET_NAMES};
use crate::i18n::{Locale, Text};
use crate::model::{DashboardFigures, Stats};

pub const SPEC: ChartSpec = ChartSpec { kind: ChartKind::ResponseTimes, option, table, targets: no_targets };

const COLORS: [&str; 3] = [TEAL, "#f59e0b", ACCENT];

fn option(stats: &Stats, locale: Locale) -> Chart {
    let timings = named_timings(&stats.response_times);
    let names: Vec<&str> = timings.iter().map(|(name, _)| name.get(locale)).collect();
    let mut chart = frame()
        .legend(Legend::new().data(names.clone()))
        .x_axis(Axis::new().type_(AxisType::Category).data(TIMING_BUCKET_NAMES.map(|b| b.get(locale)).to_vec()))
        .y_axis(Axis::new().type_(AxisType::Value));
    for (i, (_, timing)) in timings.iter().enumerate() {
        chart = chart.series(
            Bar::new()
                .name(names[i])
                .item_style(ItemStyle::new().color(COLORS[i]).border_radius(4))
                .data(counts(timing.buckets.iter().map(|b| b.count))),
        );
    }
    chart
}

/// One row per timing: samples, p50, p90, then each bucket.
fn table(dashboard: &DashboardFigures, locale: Locale) -> ChartTable {
    let mut columns = vec![Text::Response, Text::Samples, Text::Median, Text::Percentile90];
    columns.extend(TIMING_BUCKET_NAMES);
    let rows = named_timings(&dashboard.stats.response_times).map(|(name, timing)| {
        let mut row = vec![name.get(locale).to_string(), locale.count(timing.samples)];
        row.extend([timing.p50_seconds, timing.p90_seconds].map(|p| seconds(locale, p)));
        row.extend(timing.buckets.iter().map(|b| locale.count(b.count)));
        row
    });
    ChartTable { head: head(locale, &columns), rows: rows.to_vec() }
}

/// A percentile as a duration, or a dash when there was no sample.
fn seconds(locale: Locale, value: Option<f64>) -> String {
    value.map_or_else(|| "—".to_string(), |s| locale.duration(s))
}
