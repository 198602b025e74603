//! The ranges `stats.md` allows for each setting, and the time zone they name.

use chrono_tz::Tz;

use crate::model::Settings;

/// The settings' time zone. Stored settings passed `validate`, so the fallback to UTC
/// serves only settings made some other way.
pub fn settings_tz(settings: &Settings) -> Tz {
    settings.timezone.parse().unwrap_or(Tz::UTC)
}

pub fn validate(s: &Settings) -> Result<(), String> {
    let mut problems = Vec::new();
    if !(1..=1440).contains(&s.session_gap_minutes) {
        problems.push("session gap must be 1 to 1440 minutes");
    }
    if !(1..=100).contains(&s.min_session_messages) {
        problems.push("minimum messages per session must be 1 to 100");
    }
    if !(1..=120).contains(&s.online_window_minutes) {
        problems.push("online window must be 1 to 120 minutes");
    }
    if s.timezone.parse::<Tz>().is_err() {
        problems.push("time zone must be an IANA name such as Europe/Istanbul");
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
