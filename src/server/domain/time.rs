//! Instants as epoch milliseconds and their RFC 3339 form.

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};

pub const MINUTE_MS: i64 = 60_000;
pub const DAY_MS: i64 = 24 * 60 * MINUTE_MS;

/// The periods of `period_ms` (numbered from the epoch: `at.div_euclid(period_ms)`)
/// that lie wholly inside `[from, to)`.
pub fn whole_periods(from: i64, to: i64, period_ms: i64) -> std::ops::Range<i64> {
    let first = from.div_euclid(period_ms) + i64::from(from.rem_euclid(period_ms) != 0);
    let end = to.div_euclid(period_ms);
    first..end.max(first)
}

/// The whole seconds to tell a client to wait: rounded up (retrying sooner would be
/// refused again), and at least one.
pub fn retry_after_seconds(wait: std::time::Duration) -> u64 {
    (wait.as_secs_f64().ceil() as u64).max(1)
}

pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// RFC 3339 in UTC with a `Z`, milliseconds only when there are some.
pub fn format_ms(ms: i64) -> String {
    match Utc.timestamp_millis_opt(ms).single() {
        Some(t) => t.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        None => String::new(),
    }
}

/// Parses RFC 3339 with an offset; `None` for anything else.
pub fn parse_rfc3339_ms(text: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retry_after_is_rounded_up_to_a_whole_second_of_at_least_one() {
        let ms = std::time::Duration::from_millis;
        assert_eq!([ms(0), ms(200), ms(1000), ms(1001), ms(1900)].map(retry_after_seconds), [1, 1, 1, 2, 2]);
    }

    #[test]
    fn formats_whole_seconds_without_a_fraction() {
        assert_eq!(format_ms(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_ms(1_500), "1970-01-01T00:00:01.500Z");
    }

    #[test]
    fn parses_offsets_into_the_same_instant() {
        assert_eq!(parse_rfc3339_ms("2026-03-01T12:00:00+03:00"), parse_rfc3339_ms("2026-03-01T09:00:00Z"));
        assert_eq!(parse_rfc3339_ms("2026-03-01 12:00"), None);
    }
}
