//! Counts kept in 15-minute UTC slots, with each slot's exact instants beside them.
//!
//! Every time-zone offset in use today is a whole number of quarter hours, so a slot
//! never straddles a local hour, day or month: whole slots are summed from their counts
//! and only the two slots cut by a range's ends are read entry by entry.

use std::collections::{HashMap, HashSet};

use super::slot_map::{slot_of, SlotMap, SLOT_MS};

use crate::server::domain::event::Channel;

/// Columns per channel: the senders for messages; widget opens use column 0.
pub const COLUMNS: usize = 3;

pub type Counts = [[u64; COLUMNS]; 2];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub at: i64,
    pub seq: i64,
    pub channel: Channel,
    pub column: u8,
}

#[derive(Clone, Debug, Default)]
struct Slot {
    counts: Counts,
    stamps: Vec<Stamp>,
}

#[derive(Default)]
pub struct Timeline {
    slots: SlotMap<Slot>,
}

impl Slot {
    fn is_empty(&self) -> bool {
        self.stamps.is_empty()
    }
}

impl Timeline {
    pub fn add(&mut self, stamp: Stamp) {
        let slot = self.slots.entry(slot_of(stamp.at));
        slot.counts[stamp.channel as usize][stamp.column as usize] += 1;
        slot.stamps.push(stamp);
    }

    pub fn remove(&mut self, stamp: Stamp) {
        let key = slot_of(stamp.at);
        let Some(slot) = self.slots.get_mut(key) else {
            return;
        };
        if let Some(pos) = slot.stamps.iter().position(|s| s.seq == stamp.seq) {
            slot.stamps.swap_remove(pos);
            slot.counts[stamp.channel as usize][stamp.column as usize] -= 1;
        }
        if slot.is_empty() {
            self.slots.drop_day_if(key, Slot::is_empty);
        }
    }

    /// Takes out many entries at once: one pass over each slot they touch, however many
    /// leave it, where `remove` one at a time would search the slot once per entry.
    pub fn remove_all(&mut self, stamps: impl IntoIterator<Item = Stamp>) {
        let mut by_slot: HashMap<i64, HashSet<i64>> = HashMap::new();
        for stamp in stamps {
            by_slot.entry(slot_of(stamp.at)).or_default().insert(stamp.seq);
        }
        for (key, seqs) in by_slot {
            let Some(slot) = self.slots.get_mut(key) else { continue };
            let counts = &mut slot.counts;
            slot.stamps.retain(|s| {
                let leaves = seqs.contains(&s.seq);
                if leaves {
                    counts[s.channel as usize][s.column as usize] -= 1;
                }
                !leaves
            });
            if slot.is_empty() {
                self.slots.drop_day_if(key, Slot::is_empty);
            }
        }
    }

    /// Every entry, slot by slot.
    pub fn stamps(&self) -> impl Iterator<Item = &Stamp> {
        self.slots.values().flat_map(|slot| slot.stamps.iter())
    }

    /// Calls `visit(slot_start_ms, counts)` for every non-empty slot meeting `[from, to)`,
    /// with the counts of the two cut slots limited to the instants inside the range.
    pub fn visit(&self, from: i64, to: i64, mut visit: impl FnMut(i64, &Counts)) {
        if from >= to {
            return;
        }
        let (first, last) = (slot_of(from), slot_of(to - 1));
        for (key, slot) in self.slots.range(first..last + 1).filter(|(_, slot)| !slot.is_empty()) {
            let start = key * SLOT_MS;
            if start >= from && start + SLOT_MS <= to {
                visit(start, &slot.counts);
            } else {
                let mut partial = Counts::default();
                for s in slot.stamps.iter().filter(|s| s.at >= from && s.at < to) {
                    partial[s.channel as usize][s.column as usize] += 1;
                }
                visit(start, &partial);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(at: i64, seq: i64, channel: Channel) -> Stamp {
        Stamp { at, seq, channel, column: 0 }
    }

    fn total(t: &Timeline, from: i64, to: i64) -> u64 {
        let mut sum = 0;
        t.visit(from, to, |_, c| sum += c[0][0] + c[1][0]);
        sum
    }

    #[test]
    fn ranges_cut_inside_slots_count_exactly() {
        let mut t = Timeline::default();
        for (i, at) in [10, SLOT_MS - 1, SLOT_MS, 3 * SLOT_MS + 5].into_iter().enumerate() {
            t.add(stamp(at, i as i64, Channel::Web));
        }
        assert_eq!(total(&t, 0, 4 * SLOT_MS), 4);
        assert_eq!(total(&t, 11, SLOT_MS), 1);
        assert_eq!(total(&t, 10, SLOT_MS + 1), 3);
        assert_eq!(total(&t, 3 * SLOT_MS + 5, 3 * SLOT_MS + 6), 1);
        assert_eq!(total(&t, 5, 5), 0);
    }

    #[test]
    fn removing_many_at_once_matches_removing_one_by_one() {
        let mut one_by_one = Timeline::default();
        let mut at_once = Timeline::default();
        let stamps: Vec<Stamp> = (0..500).map(|i| stamp(i * 7_919 % (3 * SLOT_MS), i, Channel::Web)).collect();
        for s in &stamps {
            one_by_one.add(*s);
            at_once.add(*s);
        }
        let leaving: Vec<Stamp> = stamps.iter().copied().filter(|s| s.seq % 3 != 0).collect();
        for s in &leaving {
            one_by_one.remove(*s);
        }
        at_once.remove_all(leaving);
        for (from, to) in [(0, 3 * SLOT_MS), (5, SLOT_MS + 17), (SLOT_MS, 2 * SLOT_MS)] {
            assert_eq!(total(&at_once, from, to), total(&one_by_one, from, to));
        }
        assert_eq!(at_once.slots.days(), one_by_one.slots.days());
    }

    #[test]
    fn removing_takes_out_one_entry_and_drops_empty_slots() {
        let mut t = Timeline::default();
        t.add(stamp(10, 1, Channel::Premium));
        t.add(stamp(10, 2, Channel::Premium));
        t.remove(stamp(10, 1, Channel::Premium));
        assert_eq!(total(&t, 0, SLOT_MS), 1);
        t.remove(stamp(10, 2, Channel::Premium));
        assert_eq!(t.slots.days(), 0);
    }
}
