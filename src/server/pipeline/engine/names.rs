//! Texts that many events repeat (operator ids, pages, visitors' names and cities), kept
//! once and referred to by number: a message then carries four bytes instead of a copy.

use std::collections::HashMap;
use std::sync::Arc;

#[derive(Debug, Default)]
pub struct Names {
    by_number: Vec<Arc<str>>,
    numbers: HashMap<Arc<str>, u32>,
}

impl Names {
    /// The number of `name`, given the next free one the first time.
    pub fn number(&mut self, name: &str) -> u32 {
        if let Some(&number) = self.numbers.get(name) {
            return number;
        }
        let text: Arc<str> = name.into();
        let number = self.by_number.len() as u32;
        self.by_number.push(text.clone());
        self.numbers.insert(text, number);
        number
    }

    pub fn name(&self, number: u32) -> &str {
        &self.by_number[number as usize]
    }

    /// The text of `number`, shared rather than copied.
    pub fn shared(&self, number: u32) -> Arc<str> {
        self.by_number[number as usize].clone()
    }
}
