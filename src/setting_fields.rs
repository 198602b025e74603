//! The settings that are whole numbers, in form order: each one's form name, label and
//! the range `stats.md` allows. Validation (`server::domain::settings::validate`) and the
//! settings form both read this one table, so a range is written once.

use crate::i18n::Text;
use crate::model::Settings;

pub struct NumberSetting {
    /// The form field's name, which is also the `update_settings` parameter.
    pub name: &'static str,
    pub label: Text,
    pub min: u32,
    pub max: u32,
    /// How a refusal names it ("session gap"), and the unit after the range.
    pub described: &'static str,
    pub unit: &'static str,
    pub value: fn(&Settings) -> u32,
}

impl NumberSetting {
    /// Why `settings` break this one's range, if they do.
    pub fn problem(&self, settings: &Settings) -> Option<String> {
        let value = (self.value)(settings);
        (!(self.min..=self.max).contains(&value))
            .then(|| format!("{} must be {} to {}{}", self.described, self.min, self.max, self.unit))
    }
}

pub const NUMBER_SETTINGS: [NumberSetting; 3] = [
    NumberSetting {
        name: "session_gap_minutes",
        label: Text::SessionGap,
        min: 1,
        max: 1440,
        described: "session gap",
        unit: " minutes",
        value: |s| s.session_gap_minutes,
    },
    NumberSetting {
        name: "min_session_messages",
        label: Text::MinMessages,
        min: 1,
        max: 100,
        described: "minimum messages per session",
        unit: "",
        value: |s| s.min_session_messages,
    },
    NumberSetting {
        name: "online_window_minutes",
        label: Text::OnlineWindow,
        min: 1,
        max: 120,
        described: "online window",
        unit: " minutes",
        value: |s| s.online_window_minutes,
    },
];
