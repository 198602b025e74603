//! The figures of how conversations went (`stats.md`, "Outcomes", "Response times",
//! "Live queue"), as the `Stats` document carries them: shared by the server that
//! computes them and the pages that show them.

use serde::{Deserialize, Serialize};

/// Sessions by outcome: each session in exactly one, so they add up to the sessions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeCounts {
    pub bot_only: u64,
    pub handed_over_answered: u64,
    pub handed_over_unanswered: u64,
    pub abandoned: u64,
}

impl OutcomeCounts {
    /// In the order the dashboard shows them.
    pub fn as_array(&self) -> [u64; 4] {
        [self.bot_only, self.handed_over_answered, self.handed_over_unanswered, self.abandoned]
    }

    pub fn total(&self) -> u64 {
        self.as_array().iter().sum()
    }

    pub fn add(&mut self, other: &OutcomeCounts) {
        self.bot_only += other.bot_only;
        self.handed_over_answered += other.handed_over_answered;
        self.handed_over_unanswered += other.handed_over_unanswered;
        self.abandoned += other.abandoned;
    }

    /// Whole percentages in `as_array` order that always add up to 100 (or are all 0
    /// when there is no session): the largest remainders get the points rounding lost.
    pub fn percents(&self) -> [u64; 4] {
        let counts = self.as_array();
        let total = self.total();
        if total == 0 {
            return [0; 4];
        }
        let mut shares = counts.map(|n| n * 100 / total);
        let mut left = 100 - shares.iter().sum::<u64>();
        let mut by_remainder: Vec<usize> = (0..4).collect();
        // Ties go to the earlier outcome, so the result never depends on sort stability.
        by_remainder.sort_by_key(|&i| std::cmp::Reverse(counts[i] * 100 % total));
        for i in by_remainder {
            if left == 0 {
                break;
            }
            shares[i] += 1;
            left -= 1;
        }
        shares
    }
}

/// The duration buckets of every timing, as `stats.md` names them, with their upper
/// bounds in seconds.
pub const TIMING_BUCKETS: [(&str, u64); 5] =
    [("0-1m", 60), ("1-5m", 300), ("5-15m", 900), ("15-60m", 3600), ("60m+", u64::MAX)];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimingBucket {
    pub bucket: String,
    pub count: u64,
}

/// One response time over a range: how many samples, two percentiles, the buckets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    pub samples: u64,
    pub p50_seconds: Option<f64>,
    pub p90_seconds: Option<f64>,
    pub buckets: Vec<TimingBucket>,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            samples: 0,
            p50_seconds: None,
            p90_seconds: None,
            buckets: TIMING_BUCKETS
                .iter()
                .map(|(bucket, _)| TimingBucket { bucket: bucket.to_string(), count: 0 })
                .collect(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ResponseTimes {
    pub bot_reply: Timing,
    pub handover_wait: Timing,
    pub operator_reply: Timing,
}

/// Who waits for a person right now, and how many people answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Queue {
    pub waiting: u64,
    pub longest_wait_seconds: f64,
    pub operators_active: u64,
}

/// One operator over a range (`stats.md`, "Operators").
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OperatorRow {
    pub operator_id: String,
    pub sessions_answered: u64,
    /// Handovers this operator answered first, which the percentiles are taken over.
    pub first_responses: u64,
    pub first_response_p50_seconds: Option<f64>,
    pub first_response_p90_seconds: Option<f64>,
    pub messages: u64,
    /// Their latest operator message on the channel(s), over all time.
    pub last_active: Option<String>,
}

/// How the operators table is ordered; each order breaks ties by `operator_id`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperatorSort {
    /// Most first.
    #[default]
    SessionsAnswered,
    /// Most first.
    Messages,
    /// Quickest p50 first; operators without a first response last.
    FirstResponse,
    /// Most recent first.
    LastActive,
    /// By id, ascending.
    OperatorId,
}

impl OperatorSort {
    pub const ALL: [OperatorSort; 5] = [
        OperatorSort::SessionsAnswered,
        OperatorSort::Messages,
        OperatorSort::FirstResponse,
        OperatorSort::LastActive,
        OperatorSort::OperatorId,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OperatorSort::SessionsAnswered => "sessions_answered",
            OperatorSort::Messages => "messages",
            OperatorSort::FirstResponse => "first_response",
            OperatorSort::LastActive => "last_active",
            OperatorSort::OperatorId => "operator_id",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|sort| sort.as_str() == text)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OperatorsPage {
    pub page: u64,
    pub per_page: u64,
    /// Operators with a message in a session of the range.
    pub total: u64,
    pub sort: OperatorSort,
    pub rows: Vec<OperatorRow>,
}

/// One page where chats start (`stats.md`, "Pages").
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PageRow {
    pub page_url: String,
    pub widget_opens: u64,
    pub sessions: u64,
    pub handovers: u64,
    /// `sessions / widget_opens`, `null` without opens (it can pass 1: not every session
    /// starts with an open that named the page).
    pub open_to_session: Option<f64>,
    /// `handovers / sessions`, `null` without sessions.
    pub session_to_handover: Option<f64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PagesList {
    /// Distinct pages with an open or a session in the range.
    pub total: u64,
    pub rows: Vec<PageRow>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(values: [u64; 4]) -> OutcomeCounts {
        let [bot_only, handed_over_answered, handed_over_unanswered, abandoned] = values;
        OutcomeCounts { bot_only, handed_over_answered, handed_over_unanswered, abandoned }
    }

    #[test]
    fn percents_always_add_up_to_one_hundred() {
        assert_eq!(counts([1, 1, 1, 0]).percents(), [34, 33, 33, 0]);
        assert_eq!(counts([2, 1, 0, 0]).percents(), [67, 33, 0, 0]);
        assert_eq!(counts([0, 0, 0, 0]).percents(), [0, 0, 0, 0]);
        for a in 0..9 {
            for b in 0..9 {
                for c in 0..9 {
                    let shares = counts([a, b, c, 7]).percents();
                    assert_eq!(shares.iter().sum::<u64>(), 100, "{a} {b} {c}");
                }
            }
        }
    }
}
