//! Local calendar boundaries (days, months) in the configured time zone, as UTC instants.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

const HOUR_MS: i64 = 3_600_000;

/// The local date and time of an instant.
pub fn local(tz: Tz, at_ms: i64) -> NaiveDateTime {
    let utc = Utc.timestamp_millis_opt(at_ms).single().unwrap_or_default().naive_utc();
    utc + Duration::milliseconds(offset_ms(tz, at_ms))
}

/// Local time minus UTC at an instant.
fn offset_ms(tz: Tz, at_ms: i64) -> i64 {
    let utc = Utc.timestamp_millis_opt(at_ms).single().unwrap_or_default().naive_utc();
    tz.offset_from_utc_datetime(&utc).fix().local_minus_utc() as i64 * 1000
}

/// An instant as the local `YYYY-MM-DD HH:MM` the pages show.
pub fn local_minute(tz: Tz, at_ms: i64) -> String {
    local(tz, at_ms).format("%Y-%m-%d %H:%M").to_string()
}

/// The first instant of a local date. Where a DST change skips midnight, the first
/// local time that exists that day.
pub fn start_of_day(tz: Tz, date: NaiveDate) -> i64 {
    let mut candidate = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    for _ in 0..(24 * 4) {
        if let Some(t) = tz.from_local_datetime(&candidate).earliest() {
            return t.timestamp_millis();
        }
        candidate += Duration::minutes(15);
    }
    Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight exists")).timestamp_millis()
}

pub fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).expect("day 1 exists")
}

pub fn add_months(date: NaiveDate, months: i32) -> NaiveDate {
    let index = date.year() * 12 + date.month0() as i32 + months;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1).expect("valid month")
}

/// Weekday (0 = Monday) and hour of a local time.
pub fn weekday_hour(t: NaiveDateTime) -> (usize, usize) {
    (t.weekday().num_days_from_monday() as usize, t.hour() as usize)
}

/// Ascending instants; `index_of` finds the interval an instant falls in.
pub struct Boundaries(pub Vec<i64>);

impl Boundaries {
    /// The `i` with `self.0[i] <= at < self.0[i + 1]`, or `None` outside.
    pub fn index_of(&self, at: i64) -> Option<usize> {
        let pos = self.0.partition_point(|b| *b <= at);
        (pos > 0 && pos < self.0.len()).then(|| pos - 1)
    }

    /// An `index_of` for instants asked in ascending order, which steps forward from
    /// the last answer instead of searching: a pass over ordered slots costs one step
    /// per boundary crossed.
    pub fn walker(&self) -> Walker<'_> {
        Walker { bounds: &self.0, next: 0 }
    }
}

pub struct Walker<'a> {
    bounds: &'a [i64],
    /// How many boundaries are at or before the last instant asked.
    next: usize,
}

impl Walker<'_> {
    /// `Boundaries::index_of`, for an instant not before the last one asked.
    pub fn index_of(&mut self, at: i64) -> Option<usize> {
        debug_assert!(self.next == 0 || self.bounds[self.next - 1] <= at, "instants ascend");
        while self.next < self.bounds.len() && self.bounds[self.next] <= at {
            self.next += 1;
        }
        (self.next > 0 && self.next < self.bounds.len()).then(|| self.next - 1)
    }
}

/// The local weekday and hour of instants in a run of local days, without asking the
/// time zone per instant: a day whose offset is the same at its start and its end keeps
/// that offset all day (a change of offset and its undoing never share a day), so its
/// hours follow from the offset; other days ask the zone.
pub struct LocalHours {
    tz: Tz,
    /// Per day: its weekday and its offset, when that holds all day.
    days: Vec<(usize, Option<i64>)>,
}

impl LocalHours {
    pub fn of(tz: Tz, days: &Boundaries) -> LocalHours {
        let days = days
            .0
            .windows(2)
            .map(|day| {
                let (start, end) = (offset_ms(tz, day[0]), offset_ms(tz, day[1] - 1));
                (weekday_hour(local(tz, day[0])).0, (start == end).then_some(start))
            })
            .collect();
        LocalHours { tz, days }
    }

    /// The weekday (0 = Monday) and hour of `at`, which falls in day `day` if any.
    pub fn weekday_hour(&self, day: Option<usize>, at: i64) -> (usize, usize) {
        match day.map(|day| self.days[day]) {
            Some((weekday, Some(offset))) => (weekday, ((at + offset).rem_euclid(24 * HOUR_MS) / HOUR_MS) as usize),
            _ => weekday_hour(local(self.tz, at)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::domain::time::parse_rfc3339_ms;

    fn ms(text: &str) -> i64 {
        parse_rfc3339_ms(text).unwrap()
    }

    #[test]
    fn local_days_follow_the_zone_across_a_dst_change() {
        let tz: Tz = "Europe/Berlin".parse().unwrap();
        let day = |y, m, d| start_of_day(tz, NaiveDate::from_ymd_opt(y, m, d).unwrap());
        assert_eq!(day(2026, 3, 29), ms("2026-03-28T23:00:00Z"));
        assert_eq!(day(2026, 3, 30), ms("2026-03-29T22:00:00Z"));
        assert_eq!(day(2026, 3, 30) - day(2026, 3, 29), 23 * 3_600_000);
        let t = local(tz, ms("2026-03-29T01:30:00Z"));
        assert_eq!(weekday_hour(t), (6, 3));
    }

    #[test]
    fn a_skipped_midnight_starts_the_day_at_the_first_existing_time() {
        // America/Havana moved clocks from 00:00 to 01:00 on 2026-03-08.
        let tz: Tz = "America/Havana".parse().unwrap();
        let start = start_of_day(tz, NaiveDate::from_ymd_opt(2026, 3, 8).unwrap());
        assert_eq!(local(tz, start).hour(), 1);
    }

    #[test]
    fn months_wrap_over_years() {
        let d = NaiveDate::from_ymd_opt(2026, 2, 17).unwrap();
        assert_eq!(add_months(first_of_month(d), -11), NaiveDate::from_ymd_opt(2025, 3, 1).unwrap());
        assert_eq!(add_months(d, 11), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
    }

    #[test]
    fn local_hours_from_a_days_offset_match_the_zone_at_every_quarter_hour() {
        for zone in ["Europe/Berlin", "America/Havana", "Asia/Kathmandu", "Australia/Lord_Howe", "UTC"] {
            let tz: Tz = zone.parse().unwrap();
            let first = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
            let days = Boundaries((0..250).map(|i| start_of_day(tz, first + Duration::days(i))).collect());
            let hours = LocalHours::of(tz, &days);
            let mut walker = days.walker();
            let mut at = days.0[0] - 3 * 900_000;
            while at < days.0[days.0.len() - 1] + 3 * 900_000 {
                let day = walker.index_of(at);
                assert_eq!(day, days.index_of(at), "{zone} at {at}");
                assert_eq!(hours.weekday_hour(day, at), weekday_hour(local(tz, at)), "{zone} at {at}");
                at += 900_000;
            }
        }
    }

    #[test]
    fn boundaries_find_half_open_intervals() {
        let b = Boundaries(vec![0, 10, 20]);
        assert_eq!(b.index_of(-1), None);
        assert_eq!(b.index_of(0), Some(0));
        assert_eq!(b.index_of(10), Some(1));
        assert_eq!(b.index_of(20), None);
    }
}
