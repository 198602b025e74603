//! Messages by who sent them: visitor, bot, operator. Its option, its table for "view
//! as table", and what a click on each of its elements lists.

use charming::component::Axis;
use charming::element::{AxisType, ItemStyle};
use charming::series::Bar;
use charming::Chart;

use super::{counts, frame, head, no_targets, vertical_gradient, ChartSpec, TEAL};
use crate::chart_kind::ChartKind;
use crate::components::chart_table::ChartTable;
use crate::i18n::{Locale, Text};
use crate::model::{DashboardFigures, Stats};

pub const SPEC: ChartSpec = ChartSpec { kind: ChartKind::Senders, option, table, targets: no_targets };

/// Messages by who sent them: visitor, bot, operator.
fn option(stats: &Stats, locale: Locale) -> Chart {
    let t = &stats.totals;
    let names = [Text::SenderUser, Text::SenderBot, Text::SenderOperator].map(|s| s.get(locale).to_string());
    frame()
        .x_axis(Axis::new().type_(AxisType::Category).data(names.to_vec()))
        .y_axis(Axis::new().type_(AxisType::Value))
        .series(
            Bar::new()
                .name(Text::Messages.get(locale))
                .item_style(ItemStyle::new().color(vertical_gradient(TEAL, "#99f6e4")).border_radius(4))
                .data(counts([t.user_messages, t.bot_messages, t.operator_messages].into_iter())),
        )
}

fn table(dashboard: &DashboardFigures, locale: Locale) -> ChartTable {
    let stats = &dashboard.stats;
    let t = &stats.totals;
    let rows = [
        (Text::SenderUser, t.user_messages),
        (Text::SenderBot, t.bot_messages),
        (Text::SenderOperator, t.operator_messages),
    ];
    ChartTable {
        head: head(locale, &[Text::Sender, Text::Messages]),
        rows: rows.iter().map(|(who, n)| vec![who.get(locale).to_string(), locale.count(*n)]).collect(),
    }
}
