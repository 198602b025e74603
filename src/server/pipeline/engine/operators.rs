//! The operators table (`stats.md`, "Operators"): per `operator_id`, the sessions of a
//! range they wrote in, the handovers they answered first and how fast, their messages,
//! and when they last wrote. Read by a pass over the range's sessions, paged and sorted.

use std::cmp::Ordering;
use std::collections::HashMap;

use super::conversations::percentile_seconds;
use super::names::Number;
use super::query::StatsQuery;
use super::{includes, Engine};
use crate::conversation_figures::{OperatorRow, OperatorSort, OperatorsPage};
use crate::server::domain::conversation::handover_answer;
use crate::server::domain::time::format_ms;

/// What one operator adds up to over the sessions of a range.
#[derive(Default)]
struct Tally {
    sessions: u64,
    messages: u64,
    /// Handover waits they ended, in milliseconds.
    first_responses: Vec<i64>,
}

impl Engine {
    pub fn operators(&self, q: &StatsQuery, sort: OperatorSort) -> OperatorsPage {
        let mut tallies: HashMap<Number, Tally> = HashMap::new();
        let mut in_session: Vec<Number> = Vec::new();
        for (_, state, session) in self.sessions_in(q.channel, (q.from, q.to)) {
            let msgs = &state.msgs[session.indices()];
            in_session.clear();
            for operator in msgs.iter().filter_map(|m| self.labels.of(m).operator) {
                tallies.entry(operator).or_default().messages += 1;
                if !in_session.contains(&operator) {
                    in_session.push(operator);
                }
            }
            for operator in &in_session {
                tallies.entry(*operator).or_default().sessions += 1;
            }
            if let Some((handover, answer)) = handover_answer(msgs) {
                if let Some(operator) = self.labels.of(&msgs[answer]).operator {
                    tallies.entry(operator).or_default().first_responses.push(msgs[answer].at - msgs[handover].at);
                }
            }
        }
        let mut rows: Vec<(OperatorRow, Option<i64>)> = tallies
            .into_iter()
            .map(|(operator, mut tally)| {
                let last = self.operator_last[operator.index()]
                    .iter()
                    .enumerate()
                    .filter(|(channel, _)| includes(q.channel, crate::model::Channel::ALL[*channel]))
                    .filter_map(|(_, last)| last.map(|(at, _)| at))
                    .max();
                let row = OperatorRow {
                    operator_id: self.operators.name(operator).to_string(),
                    sessions_answered: tally.sessions,
                    first_responses: tally.first_responses.len() as u64,
                    first_response_p50_seconds: percentile_seconds(&mut tally.first_responses, 50),
                    first_response_p90_seconds: percentile_seconds(&mut tally.first_responses, 90),
                    messages: tally.messages,
                    last_active: last.map(format_ms),
                };
                (row, last)
            })
            .collect();
        rows.sort_by(|a, b| order(sort, a, b).then_with(|| a.0.operator_id.cmp(&b.0.operator_id)));
        let total = rows.len() as u64;
        let skip = (q.page.saturating_sub(1) * q.per_page).min(total) as usize;
        let rows = rows.into_iter().skip(skip).take(q.per_page as usize).map(|(row, _)| row).collect();
        OperatorsPage { page: q.page, per_page: q.per_page, total, sort, rows }
    }
}

fn order(
    sort: OperatorSort,
    (a, a_last): &(OperatorRow, Option<i64>),
    (b, b_last): &(OperatorRow, Option<i64>),
) -> Ordering {
    match sort {
        OperatorSort::SessionsAnswered => b.sessions_answered.cmp(&a.sessions_answered),
        OperatorSort::Messages => b.messages.cmp(&a.messages),
        OperatorSort::FirstResponse => match (a.first_response_p50_seconds, b.first_response_p50_seconds) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        },
        OperatorSort::LastActive => b_last.cmp(a_last),
        OperatorSort::OperatorId => Ordering::Equal,
    }
}
