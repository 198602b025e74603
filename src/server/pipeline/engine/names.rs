//! Texts that many events repeat (operator ids, pages, visitors' names and cities), kept
//! once and referred to by number: a message then carries four bytes instead of a copy,
//! and four bytes still when it may have none (`Option<Number>`).

use std::collections::HashMap;
use std::sync::Arc;

pub use crate::server::domain::number::Number;

#[derive(Debug, Default)]
pub struct Names {
    by_number: Vec<Arc<str>>,
    numbers: HashMap<Arc<str>, Number>,
}

impl Names {
    /// The number of `name`, given the next free one the first time.
    pub fn number(&mut self, name: &str) -> Number {
        if let Some(&number) = self.numbers.get(name) {
            return number;
        }
        let text: Arc<str> = name.into();
        let number = Number::of_index(self.by_number.len());
        self.by_number.push(text.clone());
        self.numbers.insert(text, number);
        number
    }

    pub fn name(&self, number: Number) -> &str {
        &self.by_number[number.index()]
    }

    /// The text of `number`, shared rather than copied.
    pub fn shared(&self, number: Number) -> Arc<str> {
        self.by_number[number.index()].clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_find_their_texts() {
        let mut names = Names::default();
        let (a, b) = (names.number("a"), names.number("b"));
        assert_eq!(names.number("a"), a);
        assert_ne!(a, b);
        assert_eq!((a.index(), b.index()), (0, 1));
        assert_eq!((names.name(a), &*names.shared(b)), ("a", "b"));
    }
}
