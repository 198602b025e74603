//! Sessions per channel. Its option, its table for "view as table", and what a click on
//! each of its elements lists.

use charming::component::Legend;
use charming::element::Tooltip;
use charming::series::Pie;
use charming::Chart;

use super::{base, head, ChartSpec, ACCENT, TEAL};
use crate::chart_kind::ChartKind;
use crate::components::chart_table::ChartTable;
use crate::dashboard_view::RowFilter;
use crate::i18n::{Locale, Text};
use crate::model::{ChannelFilter, DashboardFigures, Stats};

pub const SPEC: ChartSpec = ChartSpec { kind: ChartKind::Channels, option, table, targets };

/// Sessions per channel; a slice grows when hovered (ECharts' default `emphasis.scale`).
fn option(stats: &Stats, locale: Locale) -> Chart {
    let slices: Vec<(i64, String)> = stats.channels.iter().map(|c| (c.sessions as i64, c.channel.clone())).collect();
    base()
        .tooltip(Tooltip::new())
        .legend(Legend::new().bottom(0))
        .color(vec![ACCENT, TEAL])
        .series(Pie::new().name(Text::Sessions.get(locale)).radius(vec!["40%", "68%"]).data(slices))
}

fn table(dashboard: &DashboardFigures, locale: Locale) -> ChartTable {
    let stats = &dashboard.stats;
    ChartTable {
        head: head(locale, &[Text::Channel, Text::Sessions, Text::Messages]),
        rows: stats
            .channels
            .iter()
            .map(|c| vec![c.channel.clone(), locale.count(c.sessions), locale.count(c.messages)])
            .collect(),
    }
}

/// A click on a slice lists that channel's sessions.
fn targets(stats: &Stats) -> Vec<Option<RowFilter>> {
    stats.channels.iter().map(|c| ChannelFilter::parse(&c.channel).map(RowFilter::Channel)).collect()
}
