//! Reads one `Stats` document out of the engine for a channel, a range and a page.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::{Duration, NaiveDate};

use super::calendar::{add_months, first_of_month, local, start_of_day, weekday_hour, Boundaries};
use super::conversations::tally;
use super::day_samples::{day_of, whole_days};
use super::{country_text, includes, Engine};
use crate::conversation_figures::OutcomeCounts;
use crate::model::{
    ChannelCount, ChannelFilter, CountryBucket, CountryCount, DayCount, DistributionBucket, MonthCount, SessionRow,
    SessionsPage, Stats, Totals,
};
use crate::server::domain::conversation::ResponseSamples;
use crate::server::domain::event::Channel;
use crate::server::domain::sessions::Session;
use crate::server::domain::time::{format_ms, DAY_MS};

pub const MAX_DAYS: i64 = 400;
const TOP_COUNTRIES: usize = 10;
/// Session rows one page may list.
pub const MAX_PER_PAGE: u64 = 500;
/// The range a query without `from` covers.
pub const DEFAULT_DAYS: i64 = 30;

/// Where a range that ends "now" ends: the next whole second, so that the readers of
/// one second share one snapshot that still holds every event committed before they
/// asked.
pub fn range_end_at(now: i64) -> i64 {
    (now.div_euclid(1000) + 1) * 1000
}

/// What a caller asks for; `from`/`to` are a half-open range of epoch milliseconds.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StatsQuery {
    pub channel: ChannelFilter,
    pub from: i64,
    pub to: i64,
    pub page: u64,
    pub per_page: u64,
    /// Which sessions the page lists, in which order; the figures ignore it.
    pub rows: RowQuery,
}

/// The sessions table's filter and order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RowQuery {
    pub filter: SessionFilter,
    pub oldest_first: bool,
}

/// Narrows the listed sessions to what one chart element counts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum SessionFilter {
    #[default]
    All,
    /// Started in `[from, to)`: a day of the daily chart.
    StartedIn(i64, i64),
    /// Started in this local weekday (0 = Monday) and hour: a heatmap cell.
    StartedAtHour(u8, u8),
    /// The session's country, `None` for unknown.
    Country(Option<[u8; 2]>),
    Channel(Channel),
}

/// Upper bounds of the distribution buckets, after the optional "1".
const DISTRIBUTION: [(&str, usize); 5] = [("2", 2), ("3-5", 5), ("6-10", 10), ("11-20", 20), ("21+", usize::MAX)];

fn distribution_labels(min_messages: u32) -> Vec<(&'static str, usize)> {
    let mut labels = Vec::with_capacity(6);
    if min_messages <= 1 {
        labels.push(("1", 1));
    }
    labels.extend(DISTRIBUTION);
    labels
}

/// A valid session in range, as the sessions table needs it.
struct Candidate<'a> {
    user: u32,
    session: &'a Session,
}

/// Below this many stored sessions one thread scans a range.
const PARALLEL_FROM_SESSIONS: usize = 300_000;

/// What a pass over the sessions of (part of) a range adds up.
#[derive(Default)]
struct SessionScan<'a> {
    sessions: u64,
    human_sessions: u64,
    channel_sessions: [u64; 2],
    messages: u64,
    duration_ms: i64,
    distribution: Vec<u64>,
    daily_sessions: Vec<u64>,
    outcomes: OutcomeCounts,
    daily_outcomes: Vec<OutcomeCounts>,
    samples: ResponseSamples,
    /// Each user seen, with the country of their latest session that names one.
    users: HashMap<u32, Option<[u8; 2]>>,
    candidates: Vec<Candidate<'a>>,
}

impl<'a> SessionScan<'a> {
    /// This scan and one of the stretch right after it, as one scan of both.
    fn followed_by(mut self, later: SessionScan<'a>) -> SessionScan<'a> {
        self.sessions += later.sessions;
        self.human_sessions += later.human_sessions;
        for (mine, theirs) in self.channel_sessions.iter_mut().zip(later.channel_sessions) {
            *mine += theirs;
        }
        self.messages += later.messages;
        self.duration_ms += later.duration_ms;
        for (mine, theirs) in self.distribution.iter_mut().zip(later.distribution) {
            *mine += theirs;
        }
        for (mine, theirs) in self.daily_sessions.iter_mut().zip(later.daily_sessions) {
            *mine += theirs;
        }
        self.outcomes.add(&later.outcomes);
        for (mine, theirs) in self.daily_outcomes.iter_mut().zip(&later.daily_outcomes) {
            mine.add(theirs);
        }
        self.samples.append(later.samples);
        for (user, country) in later.users {
            let known = self.users.entry(user).or_insert(None);
            if country.is_some() {
                *known = country;
            }
        }
        self.candidates.extend(later.candidates);
        self
    }
}

impl Engine {
    pub fn stats(&self, q: &StatsQuery, now: i64) -> Stats {
        let tz = self.settings.tz;
        let days = self.day_boundaries(q.from, q.to);
        let labels = distribution_labels(self.settings.stored.min_session_messages);

        let scan = self.scan_sessions_in(q, &days, &labels);
        let mut totals = Totals { sessions: scan.sessions, human_sessions: scan.human_sessions, ..Totals::default() };
        let (daily_sessions, distribution, users, candidates) =
            (scan.daily_sessions, scan.distribution, scan.users, scan.candidates);
        let (outcomes, daily_outcomes, samples) = (scan.outcomes, scan.daily_outcomes, scan.samples);
        let mut daily_messages = vec![0u64; daily_sessions.len()];
        let mut channels = [(scan.channel_sessions[0], 0u64), (scan.channel_sessions[1], 0u64)];
        let (messages_of_sessions, duration_ms) = (scan.messages, scan.duration_ms);

        let mut heatmap = vec![vec![0u64; 24]; 7];
        self.messages.visit(q.from, q.to, |slot_start, counts| {
            let mut slot_total = 0;
            for channel in Channel::ALL.into_iter().filter(|c| includes(q.channel, *c)) {
                let [user, bot, operator] = counts[channel as usize];
                totals.user_messages += user;
                totals.bot_messages += bot;
                totals.operator_messages += operator;
                channels[channel as usize].1 += user + bot + operator;
                slot_total += user + bot + operator;
            }
            if slot_total == 0 {
                return;
            }
            let instant = slot_start.max(q.from);
            if let Some(day) = days.index_of(instant) {
                daily_messages[day] += slot_total;
            }
            let (weekday, hour) = weekday_hour(local(tz, instant));
            heatmap[weekday][hour] += slot_total;
        });
        totals.messages = totals.user_messages + totals.bot_messages + totals.operator_messages;

        self.widget_opens.visit(q.from, q.to, |_, counts| {
            for channel in Channel::ALL.into_iter().filter(|c| includes(q.channel, *c)) {
                totals.widget_opens += counts[channel as usize][0];
            }
        });

        totals.users = users.len() as u64;
        for user in users.keys() {
            match self.users[*user as usize].channel {
                Channel::Web => totals.web_users += 1,
                Channel::Premium => totals.premium_users += 1,
            }
        }
        totals.online_users = self.online_users(q.channel, now);
        if totals.sessions > 0 {
            totals.avg_messages_per_session = messages_of_sessions as f64 / totals.sessions as f64;
            totals.avg_session_seconds = duration_ms as f64 / 1000.0 / totals.sessions as f64;
        }

        Stats {
            channel: q.channel,
            from: format_ms(q.from),
            to: format_ms(q.to),
            generated_at: format_ms(now),
            version: self.version(),
            settings: self.settings.stored.clone(),
            totals,
            monthly: self.monthly(q),
            daily: self.daily(&days, daily_messages, daily_sessions, daily_outcomes),
            heatmap,
            countries: countries(&users),
            distribution: labels
                .iter()
                .zip(distribution)
                .map(|((bucket, _), sessions)| DistributionBucket { bucket: bucket.to_string(), sessions })
                .collect(),
            channels: Channel::ALL
                .iter()
                .map(|c| ChannelCount {
                    channel: c.as_str().to_string(),
                    sessions: channels[*c as usize].0,
                    messages: channels[*c as usize].1,
                })
                .collect(),
            outcomes,
            response_times: self.day_samples.response_times(q.channel, whole_days(q.from, q.to), samples),
            queue: self.queue(q.channel, now),
            sessions_page: self.sessions_page(q, candidates),
        }
    }

    /// The sessions that started in the range, added up; with many sessions stored, in
    /// two halves of the range on two threads (the pass is what a new version costs).
    fn scan_sessions_in<'a>(&'a self, q: &StatsQuery, days: &Boundaries, labels: &[(&str, usize)]) -> SessionScan<'a> {
        if self.sessions.len() < PARALLEL_FROM_SESSIONS || q.to - q.from < 2 * DAY_MS {
            return self.scan_sessions(q, (q.from, q.to), days, labels);
        }
        let middle = q.from + (q.to - q.from) / 2;
        std::thread::scope(|scope| {
            let later = scope.spawn(|| self.scan_sessions(q, (middle, q.to), days, labels));
            let earlier = self.scan_sessions(q, (q.from, middle), days, labels);
            earlier.followed_by(later.join().expect("a session scan does not panic"))
        })
    }

    fn scan_sessions<'a>(
        &'a self,
        q: &StatsQuery,
        (from, to): (i64, i64),
        days: &Boundaries,
        labels: &[(&str, usize)],
    ) -> SessionScan<'a> {
        let whole = whole_days(q.from, q.to);
        let mut scan = SessionScan {
            daily_sessions: vec![0; days.0.len().saturating_sub(1)],
            daily_outcomes: vec![OutcomeCounts::default(); days.0.len().saturating_sub(1)],
            distribution: vec![0; labels.len()],
            ..SessionScan::default()
        };
        for (user, state, session) in self.sessions_in(q.channel, (from, to)) {
            scan.sessions += 1;
            scan.human_sessions += session.human as u64;
            scan.channel_sessions[state.channel as usize] += 1;
            scan.messages += session.len as u64;
            scan.duration_ms += session.duration_ms();
            if let Some(i) = labels.iter().position(|(_, upper)| session.len as usize <= *upper) {
                scan.distribution[i] += 1;
            }
            let outcome = session.outcome;
            // The whole days' samples are read from the sorted day index.
            if !whole.contains(&day_of(session.start)) {
                session.samples.each(&state.samples, |sample| scan.samples.push(sample));
            }
            tally(&mut scan.outcomes, outcome);
            if let Some(day) = days.index_of(session.start) {
                scan.daily_sessions[day] += 1;
                tally(&mut scan.daily_outcomes[day], outcome);
            }
            // Sessions come in start order, so the last one that names a country wins.
            let country = scan.users.entry(user).or_insert(None);
            if session.country.is_some() {
                *country = session.country;
            }
            if self.listed(&q.rows.filter, state.channel, session) {
                scan.candidates.push(Candidate { user, session });
            }
        }
        scan
    }

    /// Local midnights from the day of `from` through the day after the one holding
    /// the last instant before `to`, keeping at most the last `MAX_DAYS` days.
    fn day_boundaries(&self, from: i64, to: i64) -> Boundaries {
        if from >= to {
            return Boundaries(Vec::new());
        }
        let last = local(self.settings.tz, to - 1).date();
        let first = local(self.settings.tz, from).date().max(last - Duration::days(MAX_DAYS - 1));
        let count = (last - first).num_days() + 2;
        Boundaries((0..count).map(|i| start_of_day(self.settings.tz, first + Duration::days(i))).collect())
    }

    fn daily(
        &self,
        days: &Boundaries,
        messages: Vec<u64>,
        sessions: Vec<u64>,
        outcomes: Vec<OutcomeCounts>,
    ) -> Vec<DayCount> {
        days.0
            .iter()
            .zip(messages.into_iter().zip(sessions).zip(outcomes))
            .map(|(start, ((messages, sessions), outcomes))| DayCount {
                date: local(self.settings.tz, *start).date().format("%Y-%m-%d").to_string(),
                messages,
                sessions,
                outcomes,
            })
            .collect()
    }

    /// The twelve local calendar months ending with the one that holds `to`.
    fn monthly(&self, q: &StatsQuery) -> Vec<MonthCount> {
        let last = first_of_month(local(self.settings.tz, q.to).date());
        let months: Vec<NaiveDate> = (0..=12).map(|i| add_months(last, i - 11)).collect();
        let bounds = Boundaries(months.iter().map(|m| start_of_day(self.settings.tz, *m)).collect());
        let mut counts = [0u64; 12];
        let (start, end) = (bounds.0[0], bounds.0[12]);
        self.messages.visit(start, end, |slot_start, slot| {
            if let Some(month) = bounds.index_of(slot_start) {
                for channel in Channel::ALL.into_iter().filter(|c| includes(q.channel, *c)) {
                    counts[month] += slot[channel as usize].iter().sum::<u64>();
                }
            }
        });
        months
            .iter()
            .zip(counts)
            .map(|(month, messages)| MonthCount { month: month.format("%Y-%m").to_string(), messages })
            .collect()
    }

    pub(super) fn online_users(&self, filter: ChannelFilter, now: i64) -> u64 {
        let window = self.settings.online_window_ms;
        self.presence
            .range((now - window, i64::MIN, 0)..)
            .filter(|(_, _, user)| {
                let state = &self.users[*user as usize];
                includes(filter, state.channel) && state.is_online(now, window)
            })
            .count() as u64
    }

    fn listed(&self, filter: &SessionFilter, channel: Channel, session: &Session) -> bool {
        match filter {
            SessionFilter::All => true,
            SessionFilter::StartedIn(from, to) => (*from..*to).contains(&session.start),
            SessionFilter::StartedAtHour(weekday, hour) => {
                weekday_hour(local(self.settings.tz, session.start)) == (*weekday as usize, *hour as usize)
            }
            SessionFilter::Country(country) => session.country == *country,
            SessionFilter::Channel(wanted) => channel == *wanted,
        }
    }

    fn session_id(&self, c: &Candidate) -> String {
        format!("{}#{}", self.users[c.user as usize].user_id, c.session.number)
    }

    /// Newest last activity first (or oldest, when asked); ties by session id in byte
    /// order either way.
    fn row_order(&self, oldest_first: bool, a: &Candidate, b: &Candidate) -> Ordering {
        let by_activity = b.session.end.cmp(&a.session.end);
        let by_activity = if oldest_first { by_activity.reverse() } else { by_activity };
        by_activity.then_with(|| self.session_id(a).cmp(&self.session_id(b)))
    }

    fn sessions_page(&self, q: &StatsQuery, mut candidates: Vec<Candidate>) -> SessionsPage {
        let total = candidates.len() as u64;
        let skip = (q.page.saturating_sub(1) * q.per_page).min(total) as usize;
        let wanted = (skip + q.per_page as usize).min(candidates.len());
        if wanted > 0 && wanted < candidates.len() {
            candidates.select_nth_unstable_by(wanted - 1, |a, b| self.row_order(q.rows.oldest_first, a, b));
            candidates.truncate(wanted);
        }
        candidates.sort_by(|a, b| self.row_order(q.rows.oldest_first, a, b));
        let rows = candidates[skip.min(candidates.len())..].iter().map(|c| self.row(c)).collect();
        SessionsPage { page: q.page, per_page: q.per_page, total, rows }
    }

    fn row(&self, c: &Candidate) -> SessionRow {
        let state = &self.users[c.user as usize];
        let s = c.session;
        SessionRow {
            session_id: self.session_id(c),
            user_id: state.user_id.to_string(),
            channel: state.channel.as_str().to_string(),
            session_number: s.number as u64,
            total_sessions: state.valid_sessions as u64,
            user_name: s.last_text(&state.msgs, |m| m.name.as_ref()).map(str::to_string),
            first_activity: format_ms(s.start),
            last_activity: format_ms(s.end),
            first_ms: s.start,
            last_ms: s.end,
            message_count: s.len as u64,
            human_mode: s.human,
            country: s.country.map(country_text),
            city: s.last_text(&state.msgs, |m| m.city.as_ref()).map(str::to_string),
        }
    }
}

/// Top countries by users, then "other" and "unknown", always present.
fn countries(users: &HashMap<u32, Option<[u8; 2]>>) -> Vec<CountryCount> {
    let mut by_code: HashMap<[u8; 2], u64> = HashMap::new();
    let mut unknown = 0;
    for country in users.values() {
        match country {
            Some(code) => *by_code.entry(*code).or_default() += 1,
            None => unknown += 1,
        }
    }
    let mut ranked: Vec<([u8; 2], u64)> = by_code.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let other = ranked.iter().skip(TOP_COUNTRIES).map(|(_, n)| n).sum();
    ranked
        .into_iter()
        .take(TOP_COUNTRIES)
        .map(|(code, users)| CountryCount { country: country_text(code), users })
        .chain([
            CountryCount { country: CountryBucket::OTHER.into(), users: other },
            CountryCount { country: CountryBucket::UNKNOWN.into(), users: unknown },
        ])
        .collect()
}

#[cfg(test)]
mod scan_tests {
    use super::*;
    use crate::model::Settings;
    use crate::server::domain::event::{Event, Kind, Sender};
    use crate::server::pipeline::engine::StoredEvent;

    /// Users with sessions spread over ten days, some naming a country, some not.
    fn events() -> Vec<StoredEvent> {
        let start = 1_767_225_600_000; // 2026-01-01
        (0..4000)
            .map(|i: i64| StoredEvent {
                seq: i + 1,
                event: Event {
                    id: None,
                    kind: Kind::Message,
                    channel: if i % 3 == 0 { Channel::Premium } else { Channel::Web },
                    user_id: format!("u{}", (i / 3) % 37),
                    at_ms: start + i * 217_000,
                    sender: Some(Sender::ALL[(i % 3) as usize]),
                    human_mode: i % 11 == 0,
                    user_name: None,
                    country: (i % 5 == 0).then(|| if i % 7 == 0 { "TR".to_string() } else { "DE".to_string() }),
                    city: None,
                    operator_id: None,
                    page_url: None,
                },
            })
            .collect()
    }

    /// Everything a scan found, order-free, as text to compare.
    fn summary(scan: &SessionScan) -> String {
        let mut users: Vec<_> = scan.users.iter().map(|(u, c)| (*u, *c)).collect();
        users.sort();
        let mut candidates: Vec<_> = scan.candidates.iter().map(|c| (c.user, c.session.start)).collect();
        candidates.sort();
        format!(
            "{:?}",
            (
                (scan.sessions, scan.human_sessions, scan.channel_sessions, scan.messages, scan.duration_ms),
                (&scan.distribution, &scan.daily_sessions, &scan.outcomes, &scan.daily_outcomes),
                sorted_samples(&scan.samples),
                (users, candidates),
            )
        )
    }

    fn sorted_samples(samples: &ResponseSamples) -> [Vec<i64>; 3] {
        [&samples.bot_reply, &samples.handover_wait, &samples.operator_reply].map(|list| {
            let mut list = list.clone();
            list.sort_unstable();
            list
        })
    }

    #[test]
    fn two_halves_add_up_to_one_pass_over_the_whole_range() {
        let engine = Engine::build(Settings::default(), 0, events());
        let (from, to) = (1_767_225_600_000, 1_767_225_600_000 + 11 * DAY_MS);
        let q = StatsQuery { channel: ChannelFilter::All, from, to, page: 1, per_page: 25, rows: RowQuery::default() };
        let days = engine.day_boundaries(from, to);
        let labels = distribution_labels(2);
        let whole = engine.scan_sessions(&q, (from, to), &days, &labels);
        assert!(whole.sessions > 100 && whole.users.values().any(Option::is_some), "a meaningful sample");
        for middle in [from + DAY_MS, from + 5 * DAY_MS + 12_345, to - 1] {
            let halves = engine.scan_sessions(&q, (from, middle), &days, &labels).followed_by(engine.scan_sessions(
                &q,
                (middle, to),
                &days,
                &labels,
            ));
            assert_eq!(summary(&halves), summary(&whole), "split at {middle}");
        }
    }
}
