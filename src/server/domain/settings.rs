//! The ranges `stats.md` allows for each setting, and the time zone they name.

use chrono_tz::Tz;

use crate::model::Settings;
use crate::setting_fields::NUMBER_SETTINGS;

/// The settings' time zone. Stored settings passed `validate`, so the fallback to UTC
/// serves only settings made some other way.
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
