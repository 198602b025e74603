//! A position in one of the engine's tables of repeated texts (`engine::names`), as a
//! message stores it: four bytes, and still four as an `Option`.

use std::num::NonZeroU32;

/// Stored one up from its index, so that `Option<Number>` has a spare value for `None`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Number(NonZeroU32);

impl Number {
    /// The smallest number: a lower bound for ranges over keys that hold one.
    pub const FIRST: Number = Number(NonZeroU32::MIN);

    pub fn of_index(index: usize) -> Number {
        let above = u32::try_from(index + 1).expect("fewer than 2^32 distinct texts");
        Number(NonZeroU32::new(above).expect("one up from an index is never zero"))
    }

    /// Where the text is in its table.
    pub fn index(self) -> usize {
        self.0.get() as usize - 1
    }
}

#[cfg(test)]
mod tests {
    use super::Number;

    #[test]
    fn a_number_keeps_its_index_in_four_bytes_even_as_an_option() {
        assert_eq!(std::mem::size_of::<Option<Number>>(), 4);
        for index in [0, 1, 41, u32::MAX as usize - 1] {
            assert_eq!(Number::of_index(index).index(), index);
        }
        assert_eq!(Number::of_index(0), Number::FIRST);
        assert!(Number::of_index(0) < Number::of_index(1));
    }
}
