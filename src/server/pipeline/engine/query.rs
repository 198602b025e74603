//! Reads one `Stats` document out of the engine for a channel, a range and a page.

use std::cmp::Ordering;
use std::ops::Range;

use chrono::{Duration, NaiveDate};

use super::calendar::{add_months, first_of_month, local, start_of_day, weekday_hour, Boundaries, LocalHours};
use super::day_samples::whole_days;
use super::session_slots::{whole_slots, SessionSums, LENGTH_UPPER};
use super::slot_map::slot_of;
use super::top_rows::TopRows;
use super::{country_text, includes, Engine, SessionEntry};
use crate::model::{
    ChannelCount, ChannelFilter, CountryBucket, CountryCount, DayCount, DistributionBucket, MonthCount, SessionRow,
    SessionsPage, Stats, Totals,
};
use crate::server::domain::conversation::ResponseSamples;
use crate::server::domain::event::Channel;
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

/// The distribution's buckets, one per `LENGTH_UPPER` bound.
const LENGTH_LABELS: [&str; LENGTH_UPPER.len()] = ["1", "2", "3-5", "6-10", "11-20", "21+"];

/// The buckets a distribution shows: "1" only when sessions of one message count.
fn distribution_labels(min_messages: u32) -> &'static [&'static str] {
    if min_messages <= 1 {
        &LENGTH_LABELS
    } else {
        &LENGTH_LABELS[1..]
    }
}

/// A listed session, as the sessions table orders it.
#[derive(Clone, Copy)]
struct Candidate {
    key: (i64, i64),
    entry: SessionEntry,
}

/// What a walk over the sessions of a range finds beyond the slots' sums: the users
/// and their countries, the listed sessions, and everything of the sessions in the
/// slots and days the range's ends cut.
#[derive(Default)]
struct RangeWalk {
    /// The sums of the sessions in cut slots, per channel.
    edge_sums: [SessionSums; 2],
    /// `(start, sums)` of each session in a cut slot, for the daily figures.
    edge_starts: Vec<(i64, SessionSums)>,
    /// The samples of the sessions in the UTC days the range's ends cut.
    edge_samples: ResponseSamples,
    users: u64,
    channel_users: [u64; 2],
    countries: Vec<CountryCount>,
    /// How many sessions the table lists, when counted (not when it lists them all).
    listed: u64,
    rows: Vec<Candidate>,
}

/// How many of the table's first rows a page needs.
fn wanted_rows(q: &StatsQuery) -> usize {
    usize::try_from(q.page.saturating_mul(q.per_page)).unwrap_or(usize::MAX)
}

impl Engine {
    pub fn stats(&self, q: &StatsQuery, now: i64) -> Stats {
        let tz = self.settings.tz;
        let days = self.day_boundaries(q.from, q.to);
        let labels = distribution_labels(self.settings.stored.min_session_messages);
        let slots = whole_slots(q.from, q.to);

        let mut sums = [SessionSums::default(); 2];
        let mut daily_sessions = vec![SessionSums::default(); days.0.len().saturating_sub(1)];
        let mut slot_days = days.walker();
        self.session_slots.visit(slots.clone(), q.channel, |slot_start, channel, slot| {
            sums[channel as usize].add(slot);
            if let Some(day) = slot_days.index_of(slot_start) {
                daily_sessions[day].add(slot);
            }
        });
        let walk = self.walk_range(q, &slots);
        for (channel_sums, edge) in sums.iter_mut().zip(&walk.edge_sums) {
            channel_sums.add(edge);
        }
        for (start, edge) in &walk.edge_starts {
            if let Some(day) = days.index_of(*start) {
                daily_sessions[day].add(edge);
            }
        }
        let mut all = sums[0];
        all.add(&sums[1]);
        let listed = if q.rows.filter == SessionFilter::All { all.sessions } else { walk.listed };

        let mut totals = Totals {
            sessions: all.sessions,
            human_sessions: all.human,
            users: walk.users,
            web_users: walk.channel_users[Channel::Web as usize],
            premium_users: walk.channel_users[Channel::Premium as usize],
            ..Totals::default()
        };
        let mut daily_messages = vec![0u64; daily_sessions.len()];
        let mut channel_messages = [0u64; 2];
        let mut heatmap = vec![vec![0u64; 24]; 7];
        let (mut message_days, hours) = (days.walker(), LocalHours::of(tz, &days));
        self.messages.visit(q.from, q.to, |slot_start, counts| {
            let mut slot_total = 0;
            for channel in Channel::ALL.into_iter().filter(|c| includes(q.channel, *c)) {
                let [user, bot, operator] = counts[channel as usize];
                totals.user_messages += user;
                totals.bot_messages += bot;
                totals.operator_messages += operator;
                channel_messages[channel as usize] += user + bot + operator;
                slot_total += user + bot + operator;
            }
            if slot_total == 0 {
                return;
            }
            let instant = slot_start.max(q.from);
            let day = message_days.index_of(instant);
            if let Some(day) = day {
                daily_messages[day] += slot_total;
            }
            let (weekday, hour) = hours.weekday_hour(day, instant);
            heatmap[weekday][hour] += slot_total;
        });
        totals.messages = totals.user_messages + totals.bot_messages + totals.operator_messages;

        self.widget_opens.visit(q.from, q.to, |_, counts| {
            for channel in Channel::ALL.into_iter().filter(|c| includes(q.channel, *c)) {
                totals.widget_opens += counts[channel as usize][0];
            }
        });

        totals.online_users = self.online_users(q.channel, now);
        if totals.sessions > 0 {
            totals.avg_messages_per_session = all.messages as f64 / totals.sessions as f64;
            totals.avg_session_seconds = all.duration_ms as f64 / 1000.0 / totals.sessions as f64;
        }
        // Bucket "1" counts only when sessions of one message are valid.
        let length_buckets = &all.by_length[LENGTH_UPPER.len() - labels.len()..];

        Stats {
            channel: q.channel,
            from: format_ms(q.from),
            to: format_ms(q.to),
            generated_at: format_ms(now),
            version: self.version(),
            settings: self.settings.stored.clone(),
            totals,
            monthly: self.monthly(q),
            daily: self.daily(&days, daily_messages, daily_sessions),
            heatmap,
            countries: walk.countries,
            distribution: labels
                .iter()
                .zip(length_buckets)
                .map(|(bucket, sessions)| DistributionBucket { bucket: bucket.to_string(), sessions: *sessions })
                .collect(),
            channels: Channel::ALL
                .iter()
                .map(|c| ChannelCount {
                    channel: c.as_str().to_string(),
                    sessions: sums[*c as usize].sessions,
                    messages: channel_messages[*c as usize],
                })
                .collect(),
            outcomes: all.outcome_counts(),
            response_times: self.day_samples.response_times(q.channel, whole_days(q.from, q.to), walk.edge_samples),
            queue: self.queue(q.channel, now),
            sessions_page: self.sessions_page(q, listed, walk.rows),
        }
    }

    /// What the slot sums leave out of a range: its sessions in the slots and UTC days
    /// its ends cut, then its users, countries and listed rows. A range that no session
    /// starts after (one that ends now) takes its users and countries from each user's
    /// latest sessions alone, and, listing every session, walks back only as far as its
    /// page's rows reach; any other walks every session in it.
    fn walk_range(&self, q: &StatsQuery, slots: &Range<i64>) -> RangeWalk {
        let mut walk = self.edges(q, slots);
        let ends_after_all = self.sessions.range((q.to, i64::MIN)..).next().is_none();
        let lists_all = q.rows.filter == SessionFilter::All;
        if ends_after_all {
            self.users_from_latest(q, &mut walk);
        }
        if ends_after_all && lists_all {
            walk.rows = self.first_rows(q);
        } else {
            self.walk_every_session(q, !ends_after_all, &mut walk);
        }
        walk
    }

    /// The sessions in the UTC days the range's ends cut (and so in the slots they cut):
    /// their samples, and the sums of those in cut slots.
    fn edges(&self, q: &StatsQuery, slots: &Range<i64>) -> RangeWalk {
        let days = whole_days(q.from, q.to);
        let pieces = if days.is_empty() {
            [(q.from, q.to), (q.to, q.to)]
        } else {
            [(q.from, days.start * DAY_MS), (days.end * DAY_MS, q.to)]
        };
        let mut walk = RangeWalk::default();
        for (from, to) in pieces {
            for (_, state, session) in self.sessions_in(q.channel, (from, to)) {
                session.samples.each(&state.samples, |sample| walk.edge_samples.push(sample));
                if !slots.contains(&slot_of(session.start)) {
                    let sums = SessionSums::of(session);
                    walk.edge_sums[state.channel as usize].add(&sums);
                    walk.edge_starts.push((session.start, sums));
                }
            }
        }
        walk
    }

    /// Users and countries of a range that no session starts after: a user counts when
    /// their latest session is in it, with the country of their latest session naming
    /// one when that is in it too.
    fn users_from_latest(&self, q: &StatsQuery, walk: &mut RangeWalk) {
        let range = (q.from, i64::MIN)..(q.to, i64::MIN);
        for entry in self.latest_session.range(range.clone()).map(|(_, e)| e).filter(|e| includes(q.channel, e.channel))
        {
            walk.users += 1;
            walk.channel_users[entry.channel as usize] += 1;
        }
        let named: Vec<Option<[u8; 2]>> = self
            .latest_named
            .range(range)
            .map(|(_, e)| e)
            .filter(|e| includes(q.channel, e.channel))
            .map(|e| e.country)
            .collect();
        // A user's latest naming session is no later than their latest session.
        debug_assert!(named.len() as u64 <= walk.users);
        let unknown = (walk.users as usize).saturating_sub(named.len());
        walk.countries = countries(named.into_iter().chain(std::iter::repeat_n(None, unknown)));
    }

    /// The first `page × per_page` sessions of the range in the table's order, found by
    /// walking from the end the order starts at, until no session further on can end
    /// early (or late) enough to be among them.
    fn first_rows(&self, q: &StatsQuery) -> Vec<Candidate> {
        let order = |a: &Candidate, b: &Candidate| self.row_order(q.rows.oldest_first, a, b);
        let mut rows = TopRows::new(wanted_rows(q));
        let mut entries =
            self.sessions.range((q.from, i64::MIN)..(q.to, i64::MIN)).filter(|(_, e)| includes(q.channel, e.channel));
        let mut offer = |(&key, entry): (&(i64, i64), &SessionEntry)| {
            let beyond = rows.bar().is_some_and(|bar: &Candidate| {
                // Sessions further on start later (earlier) than this one, so they end
                // after it starts (and before it starts plus the longest session).
                if q.rows.oldest_first {
                    key.0 > bar.entry.end
                } else {
                    key.0 + self.longest_session_ms < bar.entry.end
                }
            });
            if !beyond {
                rows.offer(Candidate { key, entry: *entry }, order);
            }
            !beyond
        };
        // `all` stops at the first session beyond the rows.
        if q.rows.oldest_first {
            entries.all(&mut offer);
        } else {
            entries.rev().all(&mut offer);
        }
        rows.into_best(order)
    }

    /// Every session in the range: the listed rows and, when asked, users and countries.
    fn walk_every_session(&self, q: &StatsQuery, with_users: bool, walk: &mut RangeWalk) {
        let order = |a: &Candidate, b: &Candidate| self.row_order(q.rows.oldest_first, a, b);
        let mut rows = TopRows::new(wanted_rows(q));
        // Per user seen: their country so far; walked oldest first, later sessions'
        // countries replace earlier ones.
        let mut seen: Vec<Option<Option<[u8; 2]>>> = if with_users { vec![None; self.users.len()] } else { Vec::new() };
        let mut seen_users = Vec::new();
        let entries =
            self.sessions.range((q.from, i64::MIN)..(q.to, i64::MIN)).filter(|(_, e)| includes(q.channel, e.channel));
        for (&key, entry) in entries {
            if with_users {
                match &mut seen[entry.user as usize] {
                    Some(country) => *country = entry.country.or(*country),
                    unseen => {
                        *unseen = Some(entry.country);
                        seen_users.push(entry.user);
                        walk.channel_users[entry.channel as usize] += 1;
                    }
                }
            }
            if self.listed(&q.rows.filter, key.0, entry) {
                walk.listed += 1;
                rows.offer(Candidate { key, entry: *entry }, order);
            }
        }
        if with_users {
            walk.users = seen_users.len() as u64;
            walk.countries = countries(seen_users.iter().map(|user| seen[*user as usize].flatten()));
        }
        walk.rows = rows.into_best(order);
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

    fn daily(&self, days: &Boundaries, messages: Vec<u64>, sessions: Vec<SessionSums>) -> Vec<DayCount> {
        days.0
            .iter()
            .zip(messages.into_iter().zip(sessions))
            .map(|(start, (messages, sessions))| DayCount {
                date: local(self.settings.tz, *start).date().format("%Y-%m-%d").to_string(),
                messages,
                sessions: sessions.sessions,
                outcomes: sessions.outcome_counts(),
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
        let mut walker = bounds.walker();
        self.messages.visit(start, end, |slot_start, slot| {
            if let Some(month) = walker.index_of(slot_start) {
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

    fn listed(&self, filter: &SessionFilter, start: i64, entry: &SessionEntry) -> bool {
        match filter {
            SessionFilter::All => true,
            SessionFilter::StartedIn(from, to) => (*from..*to).contains(&start),
            SessionFilter::StartedAtHour(weekday, hour) => {
                weekday_hour(local(self.settings.tz, start)) == (*weekday as usize, *hour as usize)
            }
            SessionFilter::Country(country) => entry.country == *country,
            SessionFilter::Channel(wanted) => entry.channel == *wanted,
        }
    }

    fn session_id(&self, c: &Candidate) -> String {
        format!("{}#{}", self.users[c.entry.user as usize].user_id, c.entry.number)
    }

    /// Newest last activity first (or oldest, when asked); ties by session id in byte
    /// order either way.
    fn row_order(&self, oldest_first: bool, a: &Candidate, b: &Candidate) -> Ordering {
        let by_activity = b.entry.end.cmp(&a.entry.end);
        let by_activity = if oldest_first { by_activity.reverse() } else { by_activity };
        by_activity.then_with(|| self.session_id(a).cmp(&self.session_id(b)))
    }

    /// The page's rows out of `best`, the first `page × per_page` listed sessions in
    /// order, of `listed` in all.
    fn sessions_page(&self, q: &StatsQuery, listed: u64, best: Vec<Candidate>) -> SessionsPage {
        let skip = (q.page.saturating_sub(1).saturating_mul(q.per_page)).min(best.len() as u64) as usize;
        let rows = best[skip..].iter().map(|c| self.row(c)).collect();
        SessionsPage { page: q.page, per_page: q.per_page, total: listed, rows }
    }

    fn row(&self, c: &Candidate) -> SessionRow {
        let state = &self.users[c.entry.user as usize];
        let s = self.session_at(c.entry.user, c.key);
        SessionRow {
            session_id: self.session_id(c),
            user_id: state.user_id.to_string(),
            channel: state.channel.as_str().to_string(),
            session_number: s.number as u64,
            total_sessions: state.valid_sessions as u64,
            user_name: s.last_of(&state.msgs, |m| self.labels.of(m).name).map(|name| self.texts.name(name).to_string()),
            first_activity: format_ms(s.start),
            last_activity: format_ms(s.end),
            first_ms: s.start,
            last_ms: s.end,
            message_count: s.len as u64,
            human_mode: s.human,
            country: s.country.map(|code| country_text(code.bytes())),
            city: s.last_of(&state.msgs, |m| self.labels.of(m).city).map(|city| self.texts.name(city).to_string()),
        }
    }
}

/// Top countries by users (each user's country given once), then "other" and
/// "unknown", always present.
fn countries(users: impl Iterator<Item = Option<[u8; 2]>>) -> Vec<CountryCount> {
    // Counted by the code's two bytes as an index: a read may count many thousands.
    let mut by_code = vec![0u64; 1 << 16];
    let mut unknown = 0;
    for country in users {
        match country {
            Some(code) => by_code[u16::from_be_bytes(code) as usize] += 1,
            None => unknown += 1,
        }
    }
    let mut ranked: Vec<([u8; 2], u64)> = (0..=u16::MAX)
        .zip(by_code)
        .filter(|(_, users)| *users > 0)
        .map(|(code, users)| (code.to_be_bytes(), users))
        .collect();
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
mod walk_tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::conversation_figures::OutcomeCounts;
    use crate::model::Settings;
    use crate::server::domain::country_code::CountryCode;
    use crate::server::domain::event::{Event, Kind, Sender};
    use crate::server::domain::time::DAY_MS;
    use crate::server::pipeline::engine::conversations::{response_times, tally};
    use crate::server::pipeline::engine::StoredEvent;

    const START: i64 = 1_767_225_600_000; // 2026-01-01

    /// Users with sessions spread over forty days in every length, some naming a
    /// country and some not, with every tenth event arriving late.
    fn events() -> Vec<StoredEvent> {
        let mut state = 99u64;
        let mut below = move |n: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let mut events: Vec<Event> = Vec::new();
        for _ in 0..900 {
            let (user, premium) = (below(60), below(3) == 0);
            let mut at = START + below(40 * DAY_MS as u64) as i64;
            let country = [None, Some("TR"), Some("DE"), Some("US")][below(4) as usize];
            for _ in 0..1 + below(9) {
                let sender = Sender::ALL[below(3) as usize];
                events.push(Event {
                    id: None,
                    kind: Kind::Message,
                    channel: if premium { Channel::Premium } else { Channel::Web },
                    user_id: format!("u{user}"),
                    at_ms: at,
                    sender: Some(sender),
                    human_mode: sender == Sender::Operator || below(5) == 0,
                    user_name: None,
                    country: country.filter(|_| below(2) == 0).map(str::to_string),
                    city: None,
                    operator_id: None,
                    page_url: None,
                });
                at += below(20 * 60_000) as i64;
            }
        }
        events.sort_by_key(|e| e.at_ms);
        for i in (10..events.len()).step_by(10) {
            events.swap(i, i - 7);
        }
        events.into_iter().enumerate().map(|(i, event)| StoredEvent { seq: i as i64 + 1, event }).collect()
    }

    /// The session figures of a read found the slow, obvious way: every session in the
    /// range from its own record, every row sorted.
    fn walked(engine: &Engine, q: &StatsQuery, now: i64) -> Stats {
        let mut expected = engine.stats(q, now);
        let days = engine.day_boundaries(q.from, q.to);
        let labels = distribution_labels(engine.settings.stored.min_session_messages);
        let bounds = [1, 2, 5, 10, 20, u32::MAX];
        let mut totals = expected.totals.clone();
        let (mut sessions, mut human, mut messages, mut duration) = (0, 0, 0, 0);
        let mut distribution = [0; 6];
        let mut daily = vec![(0, OutcomeCounts::default()); days.0.len() - 1];
        let mut outcomes = OutcomeCounts::default();
        let mut channel_sessions = [0; 2];
        let mut users: BTreeMap<u32, Option<[u8; 2]>> = BTreeMap::new();
        let mut samples = ResponseSamples::default();
        let mut rows = Vec::new();
        for (user, state, session) in engine.sessions_in(q.channel, (q.from, q.to)) {
            sessions += 1;
            human += session.human as u64;
            messages += session.len as u64;
            duration += session.duration_ms();
            distribution[bounds.iter().position(|b| session.len <= *b).unwrap()] += 1;
            tally(&mut outcomes, session.outcome);
            channel_sessions[state.channel as usize] += 1;
            if let Some(day) = days.index_of(session.start) {
                daily[day].0 += 1;
                tally(&mut daily[day].1, session.outcome);
            }
            let country = users.entry(user).or_insert(None);
            *country = session.country.map(CountryCode::bytes).or(*country);
            session.samples.each(&state.samples, |sample| samples.push(sample));
            let listed = match &q.rows.filter {
                SessionFilter::All => true,
                SessionFilter::StartedIn(from, to) => (*from..*to).contains(&session.start),
                SessionFilter::StartedAtHour(weekday, hour) => {
                    weekday_hour(local(engine.settings.tz, session.start)) == (*weekday as usize, *hour as usize)
                }
                SessionFilter::Country(country) => session.country.map(CountryCode::bytes) == *country,
                SessionFilter::Channel(channel) => state.channel == *channel,
            };
            if listed {
                let key = (session.start, session.start_seq);
                rows.push(Candidate { key, entry: engine.sessions[&key] });
            }
        }
        totals.sessions = sessions;
        totals.human_sessions = human;
        totals.users = users.len() as u64;
        totals.web_users = users.keys().filter(|u| engine.users[**u as usize].channel == Channel::Web).count() as u64;
        totals.premium_users = totals.users - totals.web_users;
        totals.avg_messages_per_session = if sessions > 0 { messages as f64 / sessions as f64 } else { 0.0 };
        totals.avg_session_seconds = if sessions > 0 { duration as f64 / 1000.0 / sessions as f64 } else { 0.0 };
        expected.totals = totals;
        for (day, (sessions, outcomes)) in expected.daily.iter_mut().zip(daily) {
            (day.sessions, day.outcomes) = (sessions, outcomes);
        }
        expected.countries = countries(users.values().copied());
        expected.distribution = labels
            .iter()
            .zip(&distribution[6 - labels.len()..])
            .map(|(bucket, sessions)| DistributionBucket { bucket: bucket.to_string(), sessions: *sessions })
            .collect();
        for channel in &mut expected.channels {
            channel.sessions = channel_sessions[Channel::parse(&channel.channel).unwrap() as usize];
        }
        expected.outcomes = outcomes;
        expected.response_times = response_times(samples);
        rows.sort_by(|a, b| engine.row_order(q.rows.oldest_first, a, b));
        let skip = ((q.page - 1) * q.per_page) as usize;
        expected.sessions_page.total = rows.len() as u64;
        expected.sessions_page.rows = rows.iter().skip(skip).take(q.per_page as usize).map(|c| engine.row(c)).collect();
        expected
    }

    #[test]
    fn a_long_session_that_started_first_and_ended_last_heads_the_newest_first_table() {
        let message = |seq: i64, user: &str, at: i64| StoredEvent {
            seq,
            event: Event::message_for_tests(Channel::Web, user, at, Sender::User),
        };
        // One visitor writes every 20 minutes for ten hours; ten others chat for a
        // minute each, one an hour, all inside that long session.
        let mut events: Vec<StoredEvent> = (0..31).map(|i| message(i + 1, "long", START + i * 20 * 60_000)).collect();
        for hour in 1..=9 {
            let at = START + hour * 3_600_000 + 60_000;
            events.push(message(100 + 2 * hour, &format!("short{hour}"), at));
            events.push(message(101 + 2 * hour, &format!("short{hour}"), at + 60_000));
        }
        events.sort_by_key(|e| e.event.at_ms);
        let engine = Engine::build(Settings::default(), 0, events);
        let q = StatsQuery {
            channel: ChannelFilter::All,
            from: START,
            to: START + DAY_MS,
            page: 1,
            per_page: 2,
            rows: RowQuery::default(),
        };
        let read = engine.stats(&q, q.to);
        let ids: Vec<&str> = read.sessions_page.rows.iter().map(|r| r.session_id.as_str()).collect();
        assert_eq!(ids, ["long#1", "short9#1"]);
        assert_eq!(read, walked(&engine, &q, q.to));
    }

    #[test]
    fn a_read_from_slot_sums_and_entries_matches_a_walk_over_every_session() {
        let events = events();
        for timezone in ["UTC", "Asia/Kolkata", "Europe/Berlin"] {
            let settings = Settings { timezone: timezone.into(), ..Settings::default() };
            // Half the events live (sessions extended one message at a time), half at once.
            let mut engine = Engine::build(settings, 0, events[..events.len() / 2].to_vec());
            for chunk in events[events.len() / 2..].chunks(37) {
                engine.apply(chunk);
            }
            let mut state = 5u64;
            let mut below = move |n: u64| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (state >> 33) % n
            };
            for round in 0..84 {
                let from = START - DAY_MS + below(30 * DAY_MS as u64) as i64;
                // Every other range ends after every session, as one ending now does.
                let to = if round % 2 == 0 {
                    START + 45 * DAY_MS + below(DAY_MS as u64) as i64
                } else {
                    from + 1 + below(15 * DAY_MS as u64) as i64
                };
                let filter = match round % 7 {
                    0 | 1 | 4 => SessionFilter::All,
                    2 => SessionFilter::StartedIn(from + DAY_MS, from + 3 * DAY_MS),
                    3 => SessionFilter::StartedAtHour(below(7) as u8, below(24) as u8),
                    5 => SessionFilter::Country([None, Some(*b"TR")][below(2) as usize]),
                    _ => SessionFilter::Channel(Channel::Premium),
                };
                let q = StatsQuery {
                    channel: [ChannelFilter::All, ChannelFilter::Web, ChannelFilter::Premium][below(3) as usize],
                    from,
                    to,
                    page: 1 + below(3),
                    per_page: 7,
                    rows: RowQuery { filter, oldest_first: below(2) == 0 },
                };
                let now = to + below(DAY_MS as u64) as i64;
                let read = engine.stats(&q, now);
                assert!(round > 0 || read.totals.sessions > 100, "a meaningful sample: {}", read.totals.sessions);
                assert_eq!(read, walked(&engine, &q, now), "{timezone}, {q:?}");
            }
        }
    }
}
