//! A country code as the engine keeps it on every message and session: two bytes, and
//! still two as an `Option` (a `[u8; 2]` takes three there).

use std::num::NonZeroU16;

/// The code's two bytes, big-endian, so that codes order as their texts do. The codes
/// the ingest keeps are letters (`country::normalize_country`), never the two zero bytes
/// that `None` takes the place of.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CountryCode(NonZeroU16);

impl CountryCode {
    pub fn of(bytes: [u8; 2]) -> Option<CountryCode> {
        NonZeroU16::new(u16::from_be_bytes(bytes)).map(CountryCode)
    }

    /// The code of a two-letter text; `None` for any other text.
    pub fn parse(text: &str) -> Option<CountryCode> {
        CountryCode::of(text.as_bytes().try_into().ok()?)
    }

    pub fn bytes(self) -> [u8; 2] {
        self.0.get().to_be_bytes()
    }
}

impl std::fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CountryCode({})", String::from_utf8_lossy(&self.bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::CountryCode;

    #[test]
    fn a_code_keeps_its_letters_and_order_in_two_bytes_even_as_an_option() {
        assert_eq!(std::mem::size_of::<Option<CountryCode>>(), 2);
        let (de, tr) = (CountryCode::parse("DE").unwrap(), CountryCode::parse("TR").unwrap());
        assert_eq!((de.bytes(), tr.bytes()), (*b"DE", *b"TR"));
        assert!(de < tr);
        assert_eq!(CountryCode::parse("TUR"), None);
        assert_eq!(CountryCode::of([0, 0]), None);
    }
}
