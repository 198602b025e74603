//! Each chart's numbers as a table, for "view as table": the same `Stats` the chart
//! was built from, written in the viewer's language.

use crate::components::chart_table::ChartTable;
use crate::i18n::{Locale, Text};
use crate::model::Stats;

fn head(locale: Locale, columns: &[Text]) -> Vec<String> {
    columns.iter().map(|c| c.get(locale).to_string()).collect()
}

pub fn daily(stats: &Stats, locale: Locale) -> ChartTable {
    ChartTable {
        head: head(locale, &[Text::Date, Text::Messages, Text::Sessions]),
        rows: stats
            .daily
            .iter()
            .map(|d| vec![locale.date(&d.date), locale.count(d.messages), locale.count(d.sessions)])
            .collect(),
    }
}

pub fn monthly(stats: &Stats, locale: Locale) -> ChartTable {
    ChartTable {
        head: head(locale, &[Text::Month, Text::Messages]),
        rows: stats.monthly.iter().map(|m| vec![locale.month(&m.month), locale.count(m.messages)]).collect(),
    }
}

pub fn heatmap(stats: &Stats, locale: Locale) -> ChartTable {
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

pub fn channels(stats: &Stats, locale: Locale) -> ChartTable {
    ChartTable {
        head: head(locale, &[Text::Channel, Text::Sessions, Text::Messages]),
        rows: stats
            .channels
            .iter()
            .map(|c| vec![c.channel.clone(), locale.count(c.sessions), locale.count(c.messages)])
            .collect(),
    }
}

pub fn senders(stats: &Stats, locale: Locale) -> ChartTable {
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

pub fn lengths(stats: &Stats, locale: Locale) -> ChartTable {
    ChartTable {
        head: head(locale, &[Text::Length, Text::Sessions]),
        rows: stats.distribution.iter().map(|b| vec![b.bucket.clone(), locale.count(b.sessions)]).collect(),
    }
}

pub fn countries(stats: &Stats, locale: Locale, names: &[(String, String)]) -> ChartTable {
    let name = |code: &str| match locale.country_group(code) {
        Some(group) => group.to_string(),
        None => names.iter().find(|(c, _)| c == code).map_or(code.to_string(), |(_, n)| n.clone()),
    };
    ChartTable {
        head: head(locale, &[Text::Country, Text::Users]),
        rows: stats.countries.iter().map(|c| vec![name(&c.country), locale.count(c.users)]).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DayCount;

    #[test]
    fn the_daily_table_has_a_row_per_day_in_the_language() {
        let stats = Stats {
            daily: vec![DayCount { date: "2026-03-01".into(), messages: 1234, sessions: 5 }],
            ..Default::default()
        };
        let table = daily(&stats, Locale::Tr);
        assert_eq!(table.head, ["Tarih", "Mesajlar", "Oturumlar"]);
        assert_eq!(table.rows, [["1 Mar 2026", "1.234", "5"]]);
    }

    #[test]
    fn the_heatmap_table_has_a_row_per_weekday_and_a_column_per_hour() {
        let stats = Stats { heatmap: vec![vec![0; 24]; 7], ..Default::default() };
        let table = heatmap(&stats, Locale::En);
        assert_eq!((table.head.len(), table.rows.len(), table.rows[6][0].as_str()), (25, 7, "Sun"));
    }
}
