//! The ranges `stats.md` allows for each setting, and the settings parsed once into
//! what the figures use.

use chrono_tz::Tz;

use super::sessions::SessionRules;
use super::time::MINUTE_MS;
use crate::model::Settings;
use crate::setting_fields::NUMBER_SETTINGS;

/// Settings as the figures use them, parsed once: the time zone, the session rules and
/// the online window in ms, beside the settings as stored and shown.
#[derive(Clone, Debug, PartialEq)]
pub struct FigureSettings {
    pub stored: Settings,
    pub tz: Tz,
    pub sessions: SessionRules,
    pub online_window_ms: i64,
}

impl FigureSettings {
    /// Parses stored settings. They passed `validate` when saved, so the time zone's
    /// fallback to UTC serves only one that a newer time-zone database dropped.
    pub fn of(stored: Settings) -> FigureSettings {
        FigureSettings {
            tz: settings_tz(&stored),
            sessions: SessionRules {
                gap_ms: i64::from(stored.session_gap_minutes) * MINUTE_MS,
                min_messages: stored.min_session_messages as usize,
            },
            online_window_ms: i64::from(stored.online_window_minutes) * MINUTE_MS,
            stored,
        }
    }
}

/// The settings' time zone (UTC if it is no longer known; see `FigureSettings::of`).
pub fn settings_tz(settings: &Settings) -> Tz {
    settings.timezone.parse().unwrap_or(Tz::UTC)
}

/// Every way `s` breaks the ranges (`setting_fields::NUMBER_SETTINGS`) or names an
/// unknown time zone, in one message.
pub fn validate(s: &Settings) -> Result<(), String> {
    let mut problems: Vec<String> = NUMBER_SETTINGS.iter().filter_map(|field| field.problem(s)).collect();
    if s.timezone.parse::<Tz>().is_err() {
        problems.push("time zone must be an IANA name such as Europe/Istanbul".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_out_of_range_values_are_named() {
        assert!(validate(&Settings::default()).is_ok());
        let bad = Settings {
            session_gap_minutes: 0,
            min_session_messages: 101,
            online_window_minutes: 121,
            timezone: "Mars/Olympus".into(),
        };
        let message = validate(&bad).unwrap_err();
        for word in ["gap", "minimum", "online", "time zone"] {
            assert!(message.contains(word), "{message}");
        }
    }
}
