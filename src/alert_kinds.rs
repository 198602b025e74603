//! What an alert rule can watch: each kind's code (as stored, sent and posted), its
//! words, and the range its threshold may take. Shared by the settings page and the
//! server's evaluator, so both name and bound a rule the same way.

use serde::{Deserialize, Serialize};

use crate::i18n::{fill, Locale, Text};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// The longest current wait for a person, in minutes.
    QueueWait,
    /// Handovers in the last 60 minutes that no operator has answered.
    UnansweredHandovers,
    /// The share of the last 60 minutes' sessions that were handed over, in percent.
    HandoverRate,
    /// Minutes since the newest event of any kind (the widgets may be down).
    NoEvents,
    /// Visitors online now.
    OnlineNow,
}

impl AlertKind {
    pub const ALL: [AlertKind; 5] = [
        AlertKind::QueueWait,
        AlertKind::UnansweredHandovers,
        AlertKind::HandoverRate,
        AlertKind::NoEvents,
        AlertKind::OnlineNow,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AlertKind::QueueWait => "queue_wait_minutes",
            AlertKind::UnansweredHandovers => "unanswered_handovers_last_hour",
            AlertKind::HandoverRate => "handover_rate_last_hour",
            AlertKind::NoEvents => "no_events_minutes",
            AlertKind::OnlineNow => "online_now",
        }
    }

    pub fn parse(code: &str) -> Option<AlertKind> {
        AlertKind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    /// "… above {}": the rule as the settings page and the toasts word it.
    pub fn rule_text(self) -> Text {
        match self {
            AlertKind::QueueWait => Text::AlertQueueWait,
            AlertKind::UnansweredHandovers => Text::AlertUnansweredHandovers,
            AlertKind::HandoverRate => Text::AlertHandoverRate,
            AlertKind::NoEvents => Text::AlertNoEvents,
            AlertKind::OnlineNow => Text::AlertOnlineNow,
        }
    }

    /// The rule with `threshold` as written ("… above 5 min", "… above N min").
    pub fn words(self, threshold: &str, locale: Locale) -> String {
        fill(self.rule_text().get(locale), &[threshold])
    }

    /// The largest threshold that makes sense: a day in minutes, 100 %, or a count.
    pub fn max_threshold(self) -> f64 {
        match self {
            AlertKind::QueueWait | AlertKind::NoEvents => 1440.0,
            AlertKind::HandoverRate => 100.0,
            AlertKind::UnansweredHandovers | AlertKind::OnlineNow => 1_000_000.0,
        }
    }

    /// Why `threshold` is refused for this kind, if it is.
    pub fn threshold_problem(self, threshold: f64) -> Option<String> {
        let max = self.max_threshold();
        (!(threshold.is_finite() && (0.0..max).contains(&threshold)))
            .then(|| format!("threshold for {} must be at least 0 and below {max}", self.code()))
    }
}

/// "Longest wait for a person above 5 min": a rule in `locale` (an unknown kind's code
/// as it is, from a newer version's row).
pub fn rule_words(code: &str, threshold: f64, locale: Locale) -> String {
    match AlertKind::parse(code) {
        Some(kind) => kind.words(&locale.decimal_trimmed(threshold), locale),
        None => code.to_string(),
    }
}

/// The settings page's alert lists, written by the server in the viewer's language.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertLists {
    pub rules_html: String,
    pub deliveries_html: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_thresholds_are_bounded_per_kind() {
        for kind in AlertKind::ALL {
            assert_eq!(AlertKind::parse(kind.code()), Some(kind));
            assert!(kind.threshold_problem(0.0).is_none());
            assert!(kind.threshold_problem(-1.0).is_some());
            assert!(kind.threshold_problem(f64::NAN).is_some());
        }
        assert!(AlertKind::HandoverRate.threshold_problem(100.0).is_some(), "above 100 % never fires");
        assert!(AlertKind::HandoverRate.threshold_problem(99.5).is_none());
        assert_eq!(AlertKind::parse("queue"), None);
        assert_eq!(rule_words("online_now", 1500.0, Locale::Tr), "1.500 üzeri ziyaretçi çevrimiçi");
        assert_eq!(
            rule_words("handover_rate_last_hour", 12.5, Locale::En),
            "Handover rate over the last hour above 12.5 %"
        );
    }
}
