//! What a message names besides its time, sender and country: the visitor's name and
//! city, the operator who wrote it and the page the widget was on. A message keeps one
//! number for the whole combination, and the combinations are kept once each here: a
//! visitor repeats the same few on every message, so ten million messages share a few
//! hundred thousand at most, and each message is 24 bytes where four numbers made it 40.

use std::collections::HashMap;

use super::names::Number;
use crate::server::domain::sessions::Msg;

/// The texts of one message, each by its number in the engine's tables (`names`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Labels {
    pub name: Option<Number>,
    pub city: Option<Number>,
    pub operator: Option<Number>,
    pub page: Option<Number>,
}

const NONE: Labels = Labels { name: None, city: None, operator: None, page: None };

#[derive(Debug, Default)]
pub struct LabelSets {
    by_number: Vec<Labels>,
    numbers: HashMap<Labels, Number>,
}

impl LabelSets {
    /// The number of a combination, given the next free one the first time; `None` for
    /// a message that names nothing.
    pub fn number(&mut self, labels: Labels) -> Option<Number> {
        if labels == NONE {
            return None;
        }
        if let Some(&number) = self.numbers.get(&labels) {
            return Some(number);
        }
        let number = Number::of_index(self.by_number.len());
        self.by_number.push(labels);
        self.numbers.insert(labels, number);
        Some(number)
    }

    /// What `msg` names.
    pub fn of(&self, msg: &Msg) -> &Labels {
        msg.labels.map_or(&NONE, |number| &self.by_number[number.index()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::domain::event::Sender;

    #[test]
    fn messages_naming_the_same_texts_share_one_number_and_read_them_back() {
        let mut sets = LabelSets::default();
        let visitor = Labels { name: Some(Number::of_index(0)), city: Some(Number::of_index(1)), ..NONE };
        let answered = Labels { operator: Some(Number::of_index(0)), ..visitor };
        let first = sets.number(visitor);
        assert_eq!(sets.number(visitor), first);
        assert_ne!(sets.number(answered), first);
        assert_eq!(sets.number(NONE), None);
        let msg = Msg { labels: sets.number(answered), ..Msg::bare(0, 1, Sender::Operator, true) };
        assert_eq!(*sets.of(&msg), answered);
        assert_eq!(*sets.of(&Msg::bare(0, 2, Sender::User, false)), NONE);
    }
}
