//! Every valid session's response-time samples, sorted, per UTC day (of the session's
//! start) and channel. A range's counts, buckets and nearest-rank percentiles are read
//! from the whole days it covers by binary searches, without copying a sample; only the
//! sessions of the partial days at its edges bring their samples along.

use std::collections::BTreeMap;

use crate::conversation_figures::{ResponseTimes, Timing, TIMING_BUCKETS};
use crate::model::ChannelFilter;
use crate::server::domain::conversation::{ResponseSamples, Sample, TimingKind};
use crate::server::domain::event::Channel;
use crate::server::domain::time::{whole_periods, DAY_MS};

/// A day's samples of one channel, each timing's sorted.
type Sorted = [Vec<i64>; 3];

#[derive(Default)]
pub struct DaySamples {
    days: BTreeMap<(i64, Channel), Sorted>,
}

/// The UTC day (days since the epoch) of an instant.
pub fn day_of(at: i64) -> i64 {
    at.div_euclid(DAY_MS)
}

/// The whole UTC days inside `[from, to)`, as a range of day numbers.
pub fn whole_days(from: i64, to: i64) -> std::ops::Range<i64> {
    whole_periods(from, to, DAY_MS)
}

fn slot(kind: TimingKind) -> usize {
    kind as usize
}

impl DaySamples {
    /// Adds one sample of a session that starts at `start`.
    pub fn add(&mut self, start: i64, channel: Channel, sample: Sample) {
        let sorted = &mut self.days.entry((day_of(start), channel)).or_default()[slot(sample.kind())];
        let at = sorted.partition_point(|&ms| ms < sample.ms());
        sorted.insert(at, sample.ms());
    }

    /// Adds one sample at the end of its list, which `sort_and_shrink` later sorts: a
    /// bulk load adds millions, and a sorted insert each moved half a list.
    pub fn push_unsorted(&mut self, start: i64, channel: Channel, sample: Sample) {
        self.days.entry((day_of(start), channel)).or_default()[slot(sample.kind())].push(sample.ms());
    }

    /// Sorts every list after `push_unsorted`, and gives back the room they grew into.
    pub fn sort_and_shrink(&mut self) {
        for list in self.days.values_mut().flatten() {
            list.sort_unstable();
            list.shrink_to_fit();
        }
    }

    /// Removes one sample added by `add` with the same arguments.
    pub fn remove(&mut self, start: i64, channel: Channel, sample: Sample) {
        let key = (day_of(start), channel);
        let Some(day) = self.days.get_mut(&key) else { return };
        let sorted = &mut day[slot(sample.kind())];
        let at = sorted.partition_point(|&ms| ms < sample.ms());
        if sorted.get(at) == Some(&sample.ms()) {
            sorted.remove(at);
        }
        if day.iter().all(Vec::is_empty) {
            self.days.remove(&key);
        }
    }

    /// The response times of the whole `days` on the filter's channel(s), together with
    /// `edges`, the samples of the range's sessions outside those days.
    pub fn response_times(
        &self,
        filter: ChannelFilter,
        days: std::ops::Range<i64>,
        edges: ResponseSamples,
    ) -> ResponseTimes {
        let kept: Vec<&Sorted> = self
            .days
            .range((days.start, Channel::Web)..(days.end, Channel::Web))
            .filter(|((_, channel), _)| filter.channel().is_none_or(|kept| kept == *channel))
            .map(|(_, sorted)| sorted)
            .collect();
        let timing = |kind: TimingKind, mut edge: Vec<i64>| {
            edge.sort_unstable();
            let mut lists: Vec<&[i64]> = kept.iter().map(|sorted| sorted[slot(kind)].as_slice()).collect();
            lists.push(&edge);
            timing_of(&lists)
        };
        ResponseTimes {
            bot_reply: timing(TimingKind::BotReply, edges.bot_reply),
            handover_wait: timing(TimingKind::HandoverWait, edges.handover_wait),
            operator_reply: timing(TimingKind::OperatorReply, edges.operator_reply),
        }
    }
}

/// How many samples of `lists` are below `bound`.
fn count_below(lists: &[&[i64]], bound: i64) -> u64 {
    lists.iter().map(|list| list.partition_point(|&ms| ms < bound) as u64).sum()
}

/// Count, buckets and nearest-rank p50 and p90 of sorted lists taken together, as
/// `conversations::timing` gives them for the same samples in one list.
fn timing_of(lists: &[&[i64]]) -> Timing {
    let total: u64 = lists.iter().map(|list| list.len() as u64).sum();
    let mut timing = Timing { samples: total, ..Timing::default() };
    // Samples below each bucket's upper bound; a negative time counts as 0.
    let mut below_previous = 0;
    for (bucket, (_, upper_seconds)) in timing.buckets.iter_mut().zip(TIMING_BUCKETS) {
        let below = if upper_seconds == u64::MAX { total } else { count_below(lists, upper_seconds as i64 * 1000) };
        bucket.count = below - below_previous;
        below_previous = below;
    }
    let below: Vec<u64> =
        timing.buckets.iter().scan(0, |sum, b| Some(std::mem::replace(sum, *sum + b.count))).collect();
    timing.p50_seconds = percentile(lists, total, 50, &below);
    timing.p90_seconds = percentile(lists, total, 90, &below);
    timing
}

/// The nearest-rank `p`-th percentile, in seconds: the least value with at least
/// `rank` samples at or below it, found by a binary search on the value within the
/// bucket that holds that rank (`below`: the samples below each bucket).
fn percentile(lists: &[&[i64]], total: u64, p: u64, below: &[u64]) -> Option<f64> {
    if total == 0 {
        return None;
    }
    let rank = (p * total).div_ceil(100);
    let bucket = below.iter().rposition(|&under| under < rank).unwrap_or(0);
    let lowest = lists.iter().filter_map(|list| list.first()).copied().min()?;
    let highest = lists.iter().filter_map(|list| list.last()).copied().max()?;
    let bound = |i: usize| TIMING_BUCKETS.get(i).map(|(_, seconds)| *seconds as i64 * 1000);
    // The bucket's samples are at or above its lower bound and below its upper one.
    let mut low = if bucket == 0 { lowest } else { bound(bucket - 1).unwrap_or(lowest).max(lowest) };
    let mut high = match TIMING_BUCKETS[bucket].1 {
        u64::MAX => highest,
        seconds => (seconds as i64 * 1000 - 1).min(highest),
    };
    while low < high {
        let middle = low + (high - low) / 2;
        if count_below(lists, middle + 1) >= rank {
            high = middle;
        } else {
            low = middle + 1;
        }
    }
    Some(low as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::pipeline::engine::conversations::response_times;

    #[test]
    fn whole_days_leave_out_partial_ones() {
        assert_eq!(whole_days(0, 3 * DAY_MS), 0..3);
        assert_eq!(whole_days(1, 3 * DAY_MS - 1), 1..2);
        assert_eq!(whole_days(DAY_MS / 2, DAY_MS), 1..1, "no whole day");
        assert_eq!(whole_days(-DAY_MS, 0), -1..0);
    }

    #[test]
    fn sorted_days_and_edges_give_what_one_list_gives() {
        let mut seed = 7u64;
        let mut next = move |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for round in 0..200 {
            let mut index = DaySamples::default();
            let mut all = ResponseSamples::default();
            let mut edges = ResponseSamples::default();
            let days = 3 + next(5) as i64;
            for _ in 0..next(400) {
                let kind =
                    [TimingKind::BotReply, TimingKind::HandoverWait, TimingKind::OperatorReply][next(3) as usize];
                let sample = Sample::new(kind, next(5_000_000) as i64 - 1000);
                let start = next(days as u64 + 2) as i64 * DAY_MS - DAY_MS + next(DAY_MS as u64) as i64;
                let channel = if next(2) == 0 { Channel::Web } else { Channel::Premium };
                if channel == Channel::Premium {
                    // Filtered out below: stored, never counted.
                    index.add(start, channel, sample);
                    continue;
                }
                if (0..days).contains(&day_of(start)) {
                    index.add(start, channel, sample);
                    // Added twice and removed once: removal takes one.
                    if round % 3 == 0 {
                        index.add(start, channel, sample);
                        index.remove(start, channel, sample);
                    }
                } else {
                    edges.push(sample);
                }
                all.push(sample);
            }
            let read = index.response_times(ChannelFilter::Web, 0..days, edges);
            assert_eq!(read, response_times(all), "round {round}");
        }
    }
}
