//! Pages where chats start (`stats.md`, "Pages"): widget opens by the page they name,
//! the sessions that started there (a session's page is the first page one of its
//! messages names), and how many of those were handed over.

use std::collections::HashMap;

use super::names::Number;
use super::query::StatsQuery;
use super::{includes, Engine};
use crate::conversation_figures::{PageRow, PagesList};
use crate::model::Channel;
use crate::server::domain::conversation::is_handed_over;

/// Pages a list shows at most, busiest first.
pub const TOP_PAGES: usize = 20;

#[derive(Default)]
struct Tally {
    opens: u64,
    sessions: u64,
    handovers: u64,
}

impl Engine {
    pub fn pages(&self, q: &StatsQuery) -> PagesList {
        let mut tallies: HashMap<Number, Tally> = HashMap::new();
        let range = (q.from, i64::MIN, Number::FIRST, Channel::Web)..(q.to, i64::MIN, Number::FIRST, Channel::Web);
        for &(_, _, page, channel) in self.page_opens.range(range) {
            if includes(q.channel, channel) {
                tallies.entry(page).or_default().opens += 1;
            }
        }
        for (_, state, session) in self.sessions_in(q.channel, (q.from, q.to)) {
            let msgs = &state.msgs[session.indices()];
            let Some(page) = msgs.iter().find_map(|m| self.labels.of(m).page) else { continue };
            let tally = tallies.entry(page).or_default();
            tally.sessions += 1;
            tally.handovers += is_handed_over(msgs) as u64;
        }
        let total = tallies.len() as u64;
        let mut rows: Vec<PageRow> = tallies
            .into_iter()
            .map(|(page, t)| PageRow {
                page_url: self.pages.name(page).to_string(),
                widget_opens: t.opens,
                sessions: t.sessions,
                handovers: t.handovers,
                open_to_session: (t.opens > 0).then(|| t.sessions as f64 / t.opens as f64),
                session_to_handover: (t.sessions > 0).then(|| t.handovers as f64 / t.sessions as f64),
            })
            .collect();
        rows.sort_by(|a, b| {
            (b.widget_opens, b.sessions).cmp(&(a.widget_opens, a.sessions)).then_with(|| a.page_url.cmp(&b.page_url))
        });
        rows.truncate(TOP_PAGES);
        PagesList { total, rows }
    }
}
