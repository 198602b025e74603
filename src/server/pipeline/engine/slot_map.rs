//! Values per 15-minute UTC slot, stored a UTC day of slots to a block: a range's slots
//! are read block by block from contiguous memory, where a map with one entry per slot
//! had a read chase a pointer per slot. Days without values keep no block.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::server::domain::time::DAY_MS;

/// A slot's length: every time-zone offset in use is a whole number of its quarter
/// hours, so a slot never straddles a local hour, day or month.
pub const SLOT_MS: i64 = 15 * 60_000;
const SLOTS_PER_DAY: i64 = DAY_MS / SLOT_MS;

/// The slot (numbered from the epoch) holding an instant.
pub fn slot_of(at: i64) -> i64 {
    at.div_euclid(SLOT_MS)
}

pub struct SlotMap<T> {
    days: BTreeMap<i64, Box<[T]>>,
}

impl<T> Default for SlotMap<T> {
    fn default() -> Self {
        SlotMap { days: BTreeMap::new() }
    }
}

fn day_and_index(slot: i64) -> (i64, usize) {
    (slot.div_euclid(SLOTS_PER_DAY), slot.rem_euclid(SLOTS_PER_DAY) as usize)
}

impl<T: Default> SlotMap<T> {
    /// The value of a slot, made (with its day's block) when missing.
    pub fn entry(&mut self, slot: i64) -> &mut T {
        let (day, index) = day_and_index(slot);
        &mut self.days.entry(day).or_insert_with(|| (0..SLOTS_PER_DAY).map(|_| T::default()).collect())[index]
    }

    pub fn get_mut(&mut self, slot: i64) -> Option<&mut T> {
        let (day, index) = day_and_index(slot);
        self.days.get_mut(&day).map(|block| &mut block[index])
    }

    #[cfg(test)]
    pub fn get(&self, slot: i64) -> Option<&T> {
        let (day, index) = day_and_index(slot);
        self.days.get(&day).map(|block| &block[index])
    }

    /// Drops the block of `slot`'s day when every slot in it is empty.
    pub fn drop_day_if(&mut self, slot: i64, empty: impl Fn(&T) -> bool) {
        let (day, _) = day_and_index(slot);
        if self.days.get(&day).is_some_and(|block| block.iter().all(empty)) {
            self.days.remove(&day);
        }
    }

    /// Every stored slot in `slots`, in order, with its number.
    pub fn range(&self, slots: Range<i64>) -> impl Iterator<Item = (i64, &T)> {
        let days = if slots.is_empty() {
            0..0
        } else {
            slots.start.div_euclid(SLOTS_PER_DAY)..(slots.end - 1).div_euclid(SLOTS_PER_DAY) + 1
        };
        self.days.range(days).flat_map(move |(&day, block)| {
            let first = day * SLOTS_PER_DAY;
            let from = (slots.start - first).max(0) as usize;
            let to = (slots.end - first).min(SLOTS_PER_DAY) as usize;
            block[from..to].iter().enumerate().map(move |(i, value)| (first + (from + i) as i64, value))
        })
    }

    /// Every stored slot's value, in order.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.days.values().flat_map(|block| block.iter())
    }

    /// Every stored slot's value, in order, to change.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.days.values_mut().flat_map(|block| block.iter_mut())
    }

    #[cfg(test)]
    pub fn days(&self) -> usize {
        self.days.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_reads_exactly_its_slots_across_days_and_before_the_epoch() {
        let mut map: SlotMap<u32> = SlotMap::default();
        let slots = [-SLOTS_PER_DAY - 1, -1, 0, 5, SLOTS_PER_DAY - 1, SLOTS_PER_DAY, 3 * SLOTS_PER_DAY + 7];
        for (i, slot) in slots.iter().enumerate() {
            *map.entry(*slot) = i as u32 + 1;
        }
        let stored = |range: Range<i64>| -> Vec<(i64, u32)> {
            map.range(range).filter(|(_, v)| **v > 0).map(|(slot, v)| (slot, *v)).collect()
        };
        let all: Vec<(i64, u32)> = slots.iter().enumerate().map(|(i, s)| (*s, i as u32 + 1)).collect();
        assert_eq!(stored(-1000..1000), all);
        assert_eq!(stored(-1..SLOTS_PER_DAY), all[1..5]);
        assert_eq!(stored(5..6), [(5, 4)]);
        assert_eq!(stored(6..6), []);
        assert_eq!(map.range(1..3).count(), 2, "empty slots of a stored day are read too");
        assert_eq!(map.get(SLOTS_PER_DAY), Some(&6));
        *map.get_mut(SLOTS_PER_DAY).unwrap() = 0;
        map.drop_day_if(SLOTS_PER_DAY, |v| *v == 0);
        assert_eq!(map.days(), 4);
        assert_eq!(map.get(SLOTS_PER_DAY), None);
    }
}
