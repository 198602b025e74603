//! The figures of how conversations went, read out of the engine: outcome tallies,
//! response-time summaries and the live queue (`stats.md`, "Outcomes" to "Live queue").

use super::names::Number;
use super::Engine;
use crate::conversation_figures::{OutcomeCounts, Queue};
#[cfg(test)]
use crate::conversation_figures::{ResponseTimes, Timing, TIMING_BUCKETS};
use crate::model::ChannelFilter;
#[cfg(test)]
use crate::server::domain::conversation::ResponseSamples;
use crate::server::domain::conversation::{waiting_since, Outcome};

pub fn tally(counts: &mut OutcomeCounts, outcome: Outcome) {
    *match outcome {
        Outcome::BotOnly => &mut counts.bot_only,
        Outcome::HandedOverAnswered => &mut counts.handed_over_answered,
        Outcome::HandedOverUnanswered => &mut counts.handed_over_unanswered,
        Outcome::Abandoned => &mut counts.abandoned,
    } += 1;
}

/// The response times of samples in one list, by the definition: what the sorted day
/// index (`day_samples`) is checked against.
#[cfg(test)]
pub fn response_times(mut samples: ResponseSamples) -> ResponseTimes {
    ResponseTimes {
        bot_reply: timing(&mut samples.bot_reply),
        handover_wait: timing(&mut samples.handover_wait),
        operator_reply: timing(&mut samples.operator_reply),
    }
}

/// Nearest-rank p50 and p90 and the bucket counts of samples in milliseconds.
#[cfg(test)]
fn timing(samples: &mut [i64]) -> Timing {
    let mut timing = Timing { samples: samples.len() as u64, ..Timing::default() };
    for &ms in samples.iter() {
        let seconds = (ms.max(0) / 1000) as u64;
        if let Some(i) = TIMING_BUCKETS.iter().position(|(_, upper)| seconds < *upper) {
            timing.buckets[i].count += 1;
        }
    }
    timing.p50_seconds = percentile_seconds(samples, 50);
    timing.p90_seconds = percentile_seconds(samples, 90);
    timing
}

/// The nearest-rank `p`-th percentile of samples in milliseconds, in seconds: a
/// selection, not a sort, so linear in the samples whatever the range.
pub fn percentile_seconds(samples: &mut [i64], p: usize) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    let rank = (p * samples.len()).div_ceil(100) - 1;
    let (_, value, _) = samples.select_nth_unstable(rank);
    Some(*value as f64 / 1000.0)
}

impl Engine {
    /// Who waits for a person at `now`, and how many operators wrote within the online
    /// window: both read from the few users and operators active lately, never a scan.
    pub fn queue(&self, filter: ChannelFilter, now: i64) -> Queue {
        let gap = self.settings.sessions.gap_ms;
        let mut queue = Queue::default();
        let mut longest_ms = 0;
        for &(_, _, user) in self.recent.range((now - gap, i64::MIN, 0)..) {
            let state = &self.users[user as usize];
            if !super::includes(filter, state.channel) {
                continue;
            }
            let Some(current) = state.sessions.last() else { continue };
            if now - current.end > gap {
                continue;
            }
            if let Some(since) = waiting_since(&state.msgs[current.indices()]) {
                queue.waiting += 1;
                longest_ms = longest_ms.max(now - since);
            }
        }
        queue.longest_wait_seconds = longest_ms.max(0) as f64 / 1000.0;
        let window = self.settings.online_window_ms;
        let mut active: Vec<Number> = self
            .operator_activity
            .range((now - window, i64::MIN, Number::FIRST, crate::model::Channel::Web)..)
            .filter(|(_, _, _, channel)| super::includes(filter, *channel))
            .map(|(_, _, operator, _)| *operator)
            .collect();
        active.sort_unstable();
        active.dedup();
        queue.operators_active = active.len() as u64;
        queue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank_and_buckets_take_every_sample() {
        let mut samples: Vec<i64> = [120, 180, 5, 20, 4000, 59].iter().map(|s| s * 1000).collect();
        let t = timing(&mut samples);
        // Sorted seconds: 5, 20, 59, 120, 180, 4000.
        assert_eq!((t.samples, t.p50_seconds, t.p90_seconds), (6, Some(59.0), Some(4000.0)));
        let counts: Vec<u64> = t.buckets.iter().map(|b| b.count).collect();
        assert_eq!(counts, [3, 2, 0, 0, 1]);
        assert_eq!(timing(&mut []).p50_seconds, None);
        assert_eq!(timing(&mut [60_000]).buckets[1].count, 1, "a minute exactly is in 1-5m");
    }
}
