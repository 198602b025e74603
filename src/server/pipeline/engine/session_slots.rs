//! The additive figures of valid sessions (how many, in human mode, their messages,
//! duration, length and outcome) summed per 15-minute UTC slot of their start and per
//! channel. A range adds up its whole slots, so a read costs the slots it spans, not
//! the sessions in them; the caller adds the sessions of the two slots its ends cut one
//! by one. Slots never straddle a local day (see `timeline`), so the daily figures come
//! from the same sums.

use std::ops::Range;

use super::slot_map::{slot_of, SlotMap, SLOT_MS};
use crate::conversation_figures::OutcomeCounts;
use crate::model::ChannelFilter;
use crate::server::domain::event::Channel;
use crate::server::domain::outcome::Outcome;
use crate::server::domain::sessions::Session;
use crate::server::domain::time::whole_periods;

/// Upper bounds (in messages) of the length buckets: 1, 2, 3–5, 6–10, 11–20, 21+.
pub const LENGTH_UPPER: [u32; 6] = [1, 2, 5, 10, 20, u32::MAX];

/// What any number of sessions add up to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SessionSums {
    pub sessions: u64,
    pub human: u64,
    pub messages: u64,
    pub duration_ms: i64,
    pub by_length: [u64; LENGTH_UPPER.len()],
    /// By outcome, in `Outcome`'s order.
    pub outcomes: [u64; 4],
}

impl SessionSums {
    /// The sums of one session.
    pub fn of(session: &Session) -> SessionSums {
        let mut sums = SessionSums {
            sessions: 1,
            human: session.human as u64,
            messages: session.len as u64,
            duration_ms: session.duration_ms(),
            ..SessionSums::default()
        };
        let bucket = LENGTH_UPPER.iter().position(|upper| session.len <= *upper).unwrap_or(LENGTH_UPPER.len() - 1);
        sums.by_length[bucket] = 1;
        sums.outcomes[outcome_index(session.outcome)] = 1;
        sums
    }

    pub fn add(&mut self, other: &SessionSums) {
        self.combine(other, |mine, theirs| *mine += theirs);
        self.duration_ms += other.duration_ms;
    }

    pub fn subtract(&mut self, other: &SessionSums) {
        self.combine(other, |mine, theirs| *mine -= theirs);
        self.duration_ms -= other.duration_ms;
    }

    /// Applies `op` to each count (every field but the duration).
    fn combine(&mut self, other: &SessionSums, op: impl Fn(&mut u64, u64)) {
        op(&mut self.sessions, other.sessions);
        op(&mut self.human, other.human);
        op(&mut self.messages, other.messages);
        for (mine, theirs) in self.by_length.iter_mut().zip(other.by_length) {
            op(mine, theirs);
        }
        for (mine, theirs) in self.outcomes.iter_mut().zip(other.outcomes) {
            op(mine, theirs);
        }
    }

    pub fn outcome_counts(&self) -> OutcomeCounts {
        let [bot_only, handed_over_answered, handed_over_unanswered, abandoned] = self.outcomes;
        OutcomeCounts { bot_only, handed_over_answered, handed_over_unanswered, abandoned }
    }
}

fn outcome_index(outcome: Outcome) -> usize {
    match outcome {
        Outcome::BotOnly => 0,
        Outcome::HandedOverAnswered => 1,
        Outcome::HandedOverUnanswered => 2,
        Outcome::Abandoned => 3,
    }
}

/// The slots wholly inside `[from, to)`.
pub fn whole_slots(from: i64, to: i64) -> Range<i64> {
    whole_periods(from, to, SLOT_MS)
}

#[derive(Default)]
pub struct SessionSlots {
    slots: SlotMap<[SessionSums; 2]>,
}

impl SessionSlots {
    pub fn add(&mut self, start: i64, channel: Channel, sums: &SessionSums) {
        self.slots.entry(slot_of(start))[channel as usize].add(sums);
    }

    /// Takes out sums `add` put in with the same start and channel.
    pub fn subtract(&mut self, start: i64, channel: Channel, sums: &SessionSums) {
        let key = slot_of(start);
        let Some(slot) = self.slots.get_mut(key) else { return };
        slot[channel as usize].subtract(sums);
        self.slots.drop_day_if(key, |slot| slot.iter().all(|channel| channel.sessions == 0));
    }

    /// Calls `visit(slot_start_ms, channel, sums)` for each channel the filter keeps of
    /// every slot in `slots` that holds a session.
    pub fn visit(&self, slots: Range<i64>, filter: ChannelFilter, mut visit: impl FnMut(i64, Channel, &SessionSums)) {
        for (slot, sums) in self.slots.range(slots) {
            for channel in Channel::ALL {
                if filter.channel().is_none_or(|kept| kept == channel) && sums[channel as usize].sessions > 0 {
                    visit(slot * SLOT_MS, channel, &sums[channel as usize]);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_slots_leave_out_the_slots_an_end_cuts() {
        assert_eq!(whole_slots(0, 3 * SLOT_MS), 0..3);
        assert_eq!(whole_slots(1, 3 * SLOT_MS), 1..3);
        assert_eq!(whole_slots(1, 3 * SLOT_MS - 1), 1..2);
        assert_eq!(whole_slots(5, 10), 1..1);
        assert!(whole_slots(-SLOT_MS - 1, 0).contains(&-1));
    }

    #[test]
    fn subtracting_what_was_added_leaves_nothing() {
        let mut session = Session::open(
            0,
            &crate::server::domain::sessions::Msg::bare(
                SLOT_MS + 5,
                1,
                crate::server::domain::event::Sender::User,
                true,
            ),
        );
        session.len = 7;
        session.end = SLOT_MS + 65_000;
        session.outcome = Outcome::Abandoned;
        let sums = SessionSums::of(&session);
        assert_eq!((sums.by_length, sums.outcomes, sums.duration_ms), ([0, 0, 0, 1, 0, 0], [0, 0, 0, 1], 65_000 - 5));
        let mut slots = SessionSlots::default();
        slots.add(session.start, Channel::Premium, &sums);
        slots.add(session.start, Channel::Premium, &sums);
        let mut seen = Vec::new();
        slots.visit(0..5, ChannelFilter::All, |at, channel, s| seen.push((at, channel, s.sessions, s.messages)));
        assert_eq!(seen, [(SLOT_MS, Channel::Premium, 2, 14)]);
        slots.visit(0..5, ChannelFilter::Web, |_, _, _| panic!("no web session"));
        slots.subtract(session.start, Channel::Premium, &sums);
        slots.subtract(session.start, Channel::Premium, &sums);
        assert_eq!(slots.slots.days(), 0);
    }
}
