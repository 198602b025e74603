//! The dashboard's charts, in the order the page shows them. The server builds each
//! one's option, table and click targets; the browser only hosts them, so both sides
//! name them from this one list.

use crate::i18n::Text;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    Daily,
    Monthly,
    Heatmap,
    Channels,
    Senders,
    Lengths,
    Countries,
    Outcomes,
    ResponseTimes,
}

impl ChartKind {
    pub const ALL: [ChartKind; 9] = [
        ChartKind::Daily,
        ChartKind::Outcomes,
        ChartKind::ResponseTimes,
        ChartKind::Monthly,
        ChartKind::Heatmap,
        ChartKind::Channels,
        ChartKind::Senders,
        ChartKind::Lengths,
        ChartKind::Countries,
    ];

    /// Which chart, for tests and styles (`data-chart`).
    pub fn name(self) -> &'static str {
        match self {
            ChartKind::Daily => "daily",
            ChartKind::Monthly => "monthly",
            ChartKind::Heatmap => "heatmap",
            ChartKind::Channels => "channels",
            ChartKind::Senders => "senders",
            ChartKind::Lengths => "lengths",
            ChartKind::Countries => "countries",
            ChartKind::Outcomes => "outcomes",
            ChartKind::ResponseTimes => "response_times",
        }
    }

    /// The caption, which is also the chart's accessible name.
    pub fn caption(self) -> Text {
        match self {
            ChartKind::Daily => Text::ChartDaily,
            ChartKind::Monthly => Text::ChartMonthly,
            ChartKind::Heatmap => Text::ChartHeatmap,
            ChartKind::Channels => Text::ChartChannels,
            ChartKind::Senders => Text::ChartSenders,
            ChartKind::Lengths => Text::ChartLengths,
            ChartKind::Countries => Text::ChartCountries,
            ChartKind::Outcomes => Text::ChartOutcomes,
            ChartKind::ResponseTimes => Text::ChartResponseTimes,
        }
    }

    /// The `RowFilter` query parameter a click on one of the chart's elements sets, for
    /// the charts whose elements stand for a day, an hour, a channel or a country.
    pub fn filter_param(self) -> Option<&'static str> {
        match self {
            ChartKind::Daily | ChartKind::Outcomes => Some("day"),
            ChartKind::Heatmap => Some("hour"),
            ChartKind::Channels => Some("table_channel"),
            ChartKind::Countries => Some("country"),
            ChartKind::Monthly | ChartKind::Senders | ChartKind::Lengths | ChartKind::ResponseTimes => None,
        }
    }
}
