//! Users by country, most first, with "other" and "unknown" last. Its option, its table
//! for "view as table", and what a click on each of its elements lists.

use charming::component::{Axis, Grid};
use charming::element::{AxisType, ItemStyle, Tooltip, Trigger};
use charming::series::Bar;
use charming::Chart;

use super::{base, counts, head, vertical_gradient, ChartSpec, ACCENT};
use crate::chart_kind::ChartKind;
use crate::components::chart_table::ChartTable;
use crate::dashboard_view::RowFilter;
use crate::i18n::{Locale, Text};
use crate::model::{CountryBucket, DashboardFigures, Stats};

pub const SPEC: ChartSpec = ChartSpec { kind: ChartKind::Countries, option, table, targets };

/// Users by country, most first, with "other" and "unknown" last.
fn option(stats: &Stats, locale: Locale) -> Chart {
    let names: Vec<String> =
        stats.countries.iter().map(|c| locale.country_group(&c.country).unwrap_or(&c.country).to_string()).collect();
    base()
        .tooltip(Tooltip::new().trigger(Trigger::Axis))
        // Room on the left for the longest label, "bilinmiyor".
        .grid(Grid::new().left(84).right(16).top(16).bottom(28))
        .x_axis(Axis::new().type_(AxisType::Value))
        .y_axis(Axis::new().type_(AxisType::Category).inverse(true).data(names))
        .series(
            Bar::new()
                .name(Text::Users.get(locale))
                .item_style(ItemStyle::new().color(vertical_gradient(ACCENT, "#818cf8")).border_radius(4))
                .data(counts(stats.countries.iter().map(|c| c.users))),
        )
}

fn table(dashboard: &DashboardFigures, locale: Locale) -> ChartTable {
    let (stats, names) = (&dashboard.stats, &dashboard.country_names);
    let name = |code: &str| match locale.country_group(code) {
        Some(group) => group.to_string(),
        None => names.iter().find(|(c, _)| c == code).map_or(code.to_string(), |(_, n)| n.clone()),
    };
    ChartTable {
        head: head(locale, &[Text::Country, Text::Users]),
        rows: stats.countries.iter().map(|c| vec![name(&c.country), locale.count(c.users)]).collect(),
    }
}

/// A click on a bar lists that country's sessions; "other" stands for many countries
/// and filters nothing.
fn targets(stats: &Stats) -> Vec<Option<RowFilter>> {
    stats
        .countries
        .iter()
        .map(|c| (CountryBucket::of(&c.country) != CountryBucket::Other).then(|| RowFilter::Country(c.country.clone())))
        .collect()
}
