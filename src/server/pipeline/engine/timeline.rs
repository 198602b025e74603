//! Counts kept in 15-minute UTC slots, with each slot's instants beside them.
//!
//! Every time-zone offset in use today is a whole number of quarter hours, so a slot
//! never straddles a local hour, day or month: whole slots are summed from their counts
//! and only the two slots cut by a range's ends are read entry by entry.
//!
//! An entry is what a count needs of an event and no more: its offset in the slot, its
//! channel and its column, packed in 32 bits. Two events with the same three are
//! interchangeable, so taking either out leaves the same counts; the events themselves
//! (their sequence numbers, their users) are kept elsewhere. At a million messages this is
//! 4 MB where a copy of each message's instant and sequence took 24.

use std::collections::HashMap;

use super::slot_map::{slot_of, SlotMap, SLOT_MS};

use crate::server::domain::event::Channel;

/// Columns per channel: the senders for messages; widget opens use column 0.
pub const COLUMNS: usize = 3;

pub type Counts = [[u64; COLUMNS]; 2];

/// An event as the timeline counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    pub at: i64,
    pub channel: Channel,
    pub column: u8,
}

/// Bits of an entry below its channel: the offset in the slot (under 2^20 ms).
const OFFSET_BITS: u32 = 20;
const _: () = assert!(SLOT_MS < 1 << OFFSET_BITS);

/// A stamp within its slot: offset | channel << 20 | column << 21.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Entry(u32);

impl Entry {
    fn of(stamp: Stamp) -> Entry {
        let offset = stamp.at.rem_euclid(SLOT_MS) as u32;
        Entry(offset | (stamp.channel as u32) << OFFSET_BITS | (stamp.column as u32) << (OFFSET_BITS + 1))
    }

    fn offset(self) -> i64 {
        (self.0 & ((1 << OFFSET_BITS) - 1)) as i64
    }

    fn channel(self) -> usize {
        (self.0 >> OFFSET_BITS & 1) as usize
    }

    fn column(self) -> usize {
        (self.0 >> (OFFSET_BITS + 1)) as usize
    }
}

#[derive(Clone, Debug, Default)]
struct Slot {
    counts: Counts,
    entries: Vec<Entry>,
}

#[derive(Default)]
pub struct Timeline {
    slots: SlotMap<Slot>,
}

impl Slot {
    fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn count(&mut self, entry: Entry, by: i64) {
        let count = &mut self.counts[entry.channel()][entry.column()];
        *count = count.checked_add_signed(by).expect("a slot's count stays within its entries");
    }
}

impl Timeline {
    pub fn add(&mut self, stamp: Stamp) {
        let slot = self.slots.entry(slot_of(stamp.at));
        let entry = Entry::of(stamp);
        slot.count(entry, 1);
        slot.entries.push(entry);
    }

    /// Takes out one entry added with the same stamp.
    pub fn remove(&mut self, stamp: Stamp) {
        let key = slot_of(stamp.at);
        let Some(slot) = self.slots.get_mut(key) else {
            return;
        };
        let entry = Entry::of(stamp);
        if let Some(pos) = slot.entries.iter().position(|&e| e == entry) {
            slot.entries.swap_remove(pos);
            slot.count(entry, -1);
        }
        if slot.is_empty() {
            self.slots.drop_day_if(key, Slot::is_empty);
        }
    }

    /// Takes out many entries at once, one for each stamp: one pass over each slot they
    /// touch, however many leave it, where `remove` one at a time would search the slot
    /// once per entry.
    pub fn remove_all(&mut self, stamps: impl IntoIterator<Item = Stamp>) {
        let mut by_slot: HashMap<i64, HashMap<Entry, u32>> = HashMap::new();
        for stamp in stamps {
            *by_slot.entry(slot_of(stamp.at)).or_default().entry(Entry::of(stamp)).or_default() += 1;
        }
        for (key, mut leaving) in by_slot {
            let Some(slot) = self.slots.get_mut(key) else { continue };
            let counts = &mut slot.counts;
            slot.entries.retain(|entry| match leaving.get_mut(entry) {
                Some(left) if *left > 0 => {
                    *left -= 1;
                    counts[entry.channel()][entry.column()] -= 1;
                    false
                }
                _ => true,
            });
            if slot.is_empty() {
                self.slots.drop_day_if(key, Slot::is_empty);
            }
        }
    }

    /// Gives back the room the slots' entry lists grew into, one push at a time: after a
    /// bulk load about a third of each list is unused.
    pub fn shrink(&mut self) {
        for slot in self.slots.values_mut() {
            slot.entries.shrink_to_fit();
        }
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
                for entry in slot.entries.iter().filter(|e| (from..to).contains(&(start + e.offset()))) {
                    partial[entry.channel()][entry.column()] += 1;
                }
                visit(start, &partial);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(at: i64, channel: Channel) -> Stamp {
        Stamp { at, channel, column: 0 }
    }

    fn total(t: &Timeline, from: i64, to: i64) -> u64 {
        let mut sum = 0;
        t.visit(from, to, |_, c| sum += c[0][0] + c[1][0]);
        sum
    }

    #[test]
    fn an_entry_takes_four_bytes_and_keeps_what_it_counts() {
        assert_eq!(std::mem::size_of::<Entry>(), 4);
        for at in [0, 1, SLOT_MS - 1, SLOT_MS, -1, -SLOT_MS - 7, 1_764_547_200_123] {
            for channel in Channel::ALL {
                for column in 0..COLUMNS as u8 {
                    let entry = Entry::of(Stamp { at, channel, column });
                    assert_eq!(slot_of(at) * SLOT_MS + entry.offset(), at);
                    assert_eq!((entry.channel(), entry.column()), (channel as usize, column as usize));
                }
            }
        }
    }

    #[test]
    fn ranges_cut_inside_slots_count_exactly() {
        let mut t = Timeline::default();
        for at in [10, SLOT_MS - 1, SLOT_MS, 3 * SLOT_MS + 5] {
            t.add(stamp(at, Channel::Web));
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
        // Repeated instants too: each removal takes out one of them, not all.
        let stamps: Vec<Stamp> = (0..500).map(|i| stamp(i * 7_919 % (3 * SLOT_MS) / 3 * 3, Channel::Web)).collect();
        for s in &stamps {
            one_by_one.add(*s);
            at_once.add(*s);
        }
        let leaving: Vec<Stamp> =
            stamps.iter().copied().enumerate().filter(|(i, _)| i % 3 != 0).map(|(_, s)| s).collect();
        for s in &leaving {
            one_by_one.remove(*s);
        }
        at_once.remove_all(leaving);
        for (from, to) in [(0, 3 * SLOT_MS), (5, SLOT_MS + 17), (SLOT_MS, 2 * SLOT_MS)] {
            assert_eq!(total(&at_once, from, to), total(&one_by_one, from, to));
        }
        assert_eq!(total(&at_once, 0, 3 * SLOT_MS), 167);
        assert_eq!(at_once.slots.days(), one_by_one.slots.days());
    }

    #[test]
    fn removing_takes_out_one_entry_and_drops_empty_slots() {
        let mut t = Timeline::default();
        t.add(stamp(10, Channel::Premium));
        t.add(stamp(10, Channel::Premium));
        t.remove(stamp(10, Channel::Premium));
        assert_eq!(total(&t, 0, SLOT_MS), 1);
        t.remove(stamp(10, Channel::Web));
        assert_eq!(total(&t, 0, SLOT_MS), 1, "no entry of that channel: nothing leaves");
        t.remove(stamp(10, Channel::Premium));
        assert_eq!(t.slots.days(), 0);
    }
}
