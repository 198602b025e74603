//! The engine against `stats.md`: the worked example, late events, settings, time zones.

use super::query::StatsQuery;
use super::*;
use crate::model::{ChannelFilter, Stats};
use crate::server::domain::time::parse_rfc3339_ms;

fn ms(text: &str) -> i64 {
    parse_rfc3339_ms(text).unwrap()
}

fn message(seq: i64, user: &str, at: &str, sender: Sender) -> StoredEvent {
    StoredEvent { seq, event: Event::message_for_tests(Channel::Web, user, ms(at), sender) }
}

fn other(seq: i64, kind: Kind, channel: Channel, user: &str, at: &str) -> StoredEvent {
    let event = Event { kind, sender: None, ..Event::message_for_tests(channel, user, ms(at), Sender::User) };
    StoredEvent { seq, event }
}

/// User A of the worked example, on 2026-03-02 (a Monday).
fn worked_example() -> Vec<StoredEvent> {
    let times = [
        ("10:00", Sender::User),
        ("10:01", Sender::Bot),
        ("10:40", Sender::User),
        ("11:00", Sender::User),
        ("11:31", Sender::Bot),
        ("13:00", Sender::User),
    ];
    times.iter().enumerate().map(|(i, (t, s))| message(i as i64 + 1, "A", &format!("2026-03-02T{t}:00Z"), *s)).collect()
}

fn day_query(channel: ChannelFilter) -> StatsQuery {
    StatsQuery {
        channel,
        from: ms("2026-03-02T00:00:00Z"),
        to: ms("2026-03-03T00:00:00Z"),
        page: 1,
        per_page: 50,
        rows: Default::default(),
    }
}

fn stats_of(engine: &Engine, q: &StatsQuery) -> Stats {
    engine.stats(q, q.to)
}

fn incremental(settings: Settings, events: &[StoredEvent]) -> Engine {
    let mut engine = Engine::new(settings, 0);
    for e in events {
        engine.apply(std::slice::from_ref(e));
    }
    engine
}

#[test]
fn the_worked_example_matches_the_spec() {
    let engine = incremental(Settings::default(), &worked_example());
    let s = stats_of(&engine, &day_query(ChannelFilter::Web));
    let t = &s.totals;
    assert_eq!((t.users, t.web_users, t.premium_users), (1, 1, 0));
    assert_eq!((t.sessions, t.messages), (2, 4));
    assert_eq!((t.user_messages, t.bot_messages, t.operator_messages), (3, 1, 0));
    assert_eq!(t.avg_messages_per_session, 2.0);
    assert_eq!(t.avg_session_seconds, 630.0);
    let rows = &s.sessions_page.rows;
    assert_eq!(rows.iter().map(|r| r.session_id.as_str()).collect::<Vec<_>>(), ["A#2", "A#1"]);
    assert!(rows.iter().all(|r| r.total_sessions == 2 && r.user_name.is_none()));
    // Messages by hour on Monday: 10h twice, 10:40 again, 11:00.
    assert_eq!(s.heatmap[0][10], 3);
    assert_eq!(s.heatmap[0][11], 1);
    assert_eq!(s.daily.len(), 1);
    assert_eq!((s.daily[0].messages, s.daily[0].sessions), (4, 2));
    assert_eq!(s.monthly.last().unwrap().messages, 4);
    assert_eq!(s.monthly.len(), 12);
    assert_eq!(s.monthly[0].month, "2025-04");
    let premium = stats_of(&engine, &day_query(ChannelFilter::Premium));
    assert_eq!((premium.totals.sessions, premium.totals.messages), (0, 0));
}

#[test]
fn bulk_loading_and_applying_one_by_one_agree_whatever_the_order() {
    let mut events = worked_example();
    // Commit the same messages in a scrambled order: late events everywhere.
    let order = [4, 0, 5, 2, 1, 3];
    events =
        order.iter().enumerate().map(|(seq, i)| StoredEvent { seq: seq as i64 + 1, ..events[*i].clone() }).collect();
    let one_by_one = incremental(Settings::default(), &events);
    let bulk = Engine::build(Settings::default(), 0, events);
    let q = day_query(ChannelFilter::All);
    assert_eq!(stats_of(&one_by_one, &q), stats_of(&bulk, &q));
    assert_eq!(stats_of(&bulk, &q).totals.sessions, 2);
}

#[test]
fn a_late_message_merges_and_a_late_one_splits_nothing_but_validity_changes() {
    let mut engine = incremental(Settings::default(), &worked_example());
    // 12:15 joins 11:31 and 13:00? 11:31 → 12:15 is 44 min: no. 11:50 joins 11:31 (19 min).
    engine.apply(&[message(7, "A", "2026-03-02T11:50:00Z", Sender::User)]);
    let s = stats_of(&engine, &day_query(ChannelFilter::Web));
    assert_eq!((s.totals.sessions, s.totals.messages), (3, 6));
    // 12:20 bridges 11:50 and 13:00 (30 and 40 min): 40 > 30, so only joins the 11:31 run.
    engine.apply(&[message(8, "A", "2026-03-02T12:20:00Z", Sender::Bot)]);
    let s = stats_of(&engine, &day_query(ChannelFilter::Web));
    assert_eq!((s.totals.sessions, s.totals.messages), (3, 7));
    // 12:45 bridges 12:20 and 13:00: 11:31…13:00 become one session.
    engine.apply(&[message(9, "A", "2026-03-02T12:45:00Z", Sender::User)]);
    let s = stats_of(&engine, &day_query(ChannelFilter::Web));
    assert_eq!((s.totals.sessions, s.totals.messages), (3, 9));
    assert_eq!(s.sessions_page.rows[0].message_count, 5);
    assert_eq!(s.sessions_page.rows[0].session_id, "A#3");
}

#[test]
fn events_already_applied_are_skipped() {
    let events = worked_example();
    let mut engine = incremental(Settings::default(), &events);
    engine.apply(&events);
    assert_eq!(stats_of(&engine, &day_query(ChannelFilter::Web)).totals.messages, 4);
    assert_eq!(engine.version(), 6);
}

#[test]
fn min_messages_one_counts_single_message_sessions_and_adds_a_bucket() {
    let settings = Settings { min_session_messages: 1, ..Settings::default() };
    let engine = incremental(settings, &worked_example());
    let s = stats_of(&engine, &day_query(ChannelFilter::Web));
    assert_eq!((s.totals.sessions, s.totals.messages), (4, 6));
    let buckets: Vec<_> = s.distribution.iter().map(|b| (b.bucket.as_str(), b.sessions)).collect();
    assert_eq!(buckets, [("1", 2), ("2", 2), ("3-5", 0), ("6-10", 0), ("11-20", 0), ("21+", 0)]);
}

#[test]
fn min_messages_three_drops_every_session_of_the_example() {
    let settings = Settings { min_session_messages: 3, ..Settings::default() };
    let s = stats_of(&incremental(settings, &worked_example()), &day_query(ChannelFilter::Web));
    assert_eq!((s.totals.sessions, s.totals.messages, s.totals.users), (0, 0, 0));
    assert_eq!(s.distribution.len(), 5);
}

#[test]
fn a_range_edge_inside_a_session_counts_only_its_messages_in_range() {
    let engine = incremental(Settings::default(), &worked_example());
    let q = StatsQuery { from: ms("2026-03-02T10:00:30Z"), ..day_query(ChannelFilter::Web) };
    let s = stats_of(&engine, &q);
    // Session 1 starts before the range: not in range; its 10:01 message is.
    assert_eq!((s.totals.sessions, s.totals.messages), (1, 3));
    assert_eq!(s.totals.avg_messages_per_session, 2.0);
}

#[test]
fn heatmap_and_days_follow_the_time_zone_across_dst() {
    // Europe/Berlin springs forward on Sunday 2026-03-29 at 02:00 local (01:00Z).
    let settings = Settings { timezone: "Europe/Berlin".into(), ..Settings::default() };
    let events = vec![
        message(1, "B", "2026-03-28T22:30:00Z", Sender::User), // Sat 23:30 local
        message(2, "B", "2026-03-28T22:40:00Z", Sender::Bot),  // Sat 23:40
        message(3, "B", "2026-03-29T00:50:00Z", Sender::User), // Sun 01:50 (+01:00)
        message(4, "B", "2026-03-29T01:10:00Z", Sender::Bot),  // Sun 03:10 (+02:00)
    ];
    let engine = incremental(settings, &events);
    let q = StatsQuery {
        channel: ChannelFilter::All,
        from: ms("2026-03-27T23:00:00Z"),
        to: ms("2026-03-29T22:00:00Z"),
        page: 1,
        per_page: 50,
        rows: Default::default(),
    };
    let s = stats_of(&engine, &q);
    let days: Vec<_> = s.daily.iter().map(|d| (d.date.as_str(), d.messages, d.sessions)).collect();
    assert_eq!(days, [("2026-03-28", 2, 1), ("2026-03-29", 2, 1)]);
    assert_eq!(s.heatmap[5][23], 2);
    assert_eq!(s.heatmap[6][1], 1);
    assert_eq!(s.heatmap[6][3], 1);
    assert_eq!(s.heatmap[6][2], 0);
}

#[test]
fn countries_take_the_latest_named_and_always_end_with_other_and_unknown() {
    let mut events = Vec::new();
    let mut seq = 0;
    let mut push = |user: &str, channel: Channel, minute: u32, country: Option<&str>| {
        for offset in 0..2 {
            seq += 1;
            let mut e = message(seq, user, &format!("2026-03-02T10:{:02}:00Z", minute + offset), Sender::User);
            e.event.channel = channel;
            e.event.country = country.map(str::to_string);
            events.push(e);
        }
    };
    push("a", Channel::Web, 0, Some("TR"));
    push("a", Channel::Web, 40, None); // a later session names none: TR still wins
    push("b", Channel::Web, 0, Some("DE"));
    push("b", Channel::Premium, 0, Some("TR")); // another user: (premium, b)
    push("c", Channel::Web, 0, None);
    let s = stats_of(&incremental(Settings::default(), &events), &day_query(ChannelFilter::All));
    let countries: Vec<_> = s.countries.iter().map(|c| (c.country.as_str(), c.users)).collect();
    assert_eq!(countries, [("TR", 2), ("DE", 1), ("other", 0), ("unknown", 1)]);
    assert_eq!((s.totals.users, s.totals.web_users, s.totals.premium_users), (4, 3, 1));
}

#[test]
fn online_users_need_a_recent_user_message_and_no_later_offline() {
    let mut events = worked_example(); // A's last user message: 13:00
    events.push(other(7, Kind::UserOnline, Channel::Web, "B", "2026-03-02T13:00:00Z"));
    let engine = incremental(Settings::default(), &events);
    let online_at = |engine: &Engine, t: &str| engine.stats(&day_query(ChannelFilter::All), ms(t)).totals.online_users;
    assert_eq!(online_at(&engine, "2026-03-02T13:05:00Z"), 1);
    assert_eq!(online_at(&engine, "2026-03-02T13:05:00.001Z"), 0);
    let mut engine = engine;
    engine.apply(&[other(8, Kind::UserOffline, Channel::Web, "A", "2026-03-02T13:01:00Z")]);
    assert_eq!(online_at(&engine, "2026-03-02T13:02:00Z"), 0);
}

#[test]
fn widget_opens_count_in_range_per_channel() {
    let events = vec![
        other(1, Kind::WidgetOpened, Channel::Web, "x", "2026-03-02T09:00:00Z"),
        other(2, Kind::WidgetOpened, Channel::Premium, "y", "2026-03-02T09:00:00Z"),
        other(3, Kind::WidgetOpened, Channel::Web, "x", "2026-03-03T00:00:00Z"),
    ];
    let engine = incremental(Settings::default(), &events);
    assert_eq!(stats_of(&engine, &day_query(ChannelFilter::All)).totals.widget_opens, 2);
    assert_eq!(stats_of(&engine, &day_query(ChannelFilter::Web)).totals.widget_opens, 1);
}

#[test]
fn sessions_page_orders_by_last_activity_then_session_id_and_pages() {
    let mut events = Vec::new();
    for (i, user) in ["b", "a", "c"].iter().enumerate() {
        events.push(message(2 * i as i64 + 1, user, "2026-03-02T10:00:00Z", Sender::User));
        events.push(message(2 * i as i64 + 2, user, "2026-03-02T10:05:00Z", Sender::Bot));
    }
    let engine = incremental(Settings::default(), &events);
    let page =
        |n| stats_of(&engine, &StatsQuery { page: n, per_page: 2, ..day_query(ChannelFilter::All) }).sessions_page;
    let ids = |p: crate::model::SessionsPage| p.rows.into_iter().map(|r| r.session_id).collect::<Vec<_>>();
    assert_eq!(ids(page(1)), ["a#1", "b#1"]);
    assert_eq!(ids(page(2)), ["c#1"]);
    assert_eq!(page(3).total, 3);
    assert!(page(3).rows.is_empty());
}

#[test]
fn a_view_only_settings_change_keeps_sessions_and_bumps_the_version() {
    let mut engine = incremental(Settings::default(), &worked_example());
    let before = engine.version();
    let tz = Settings { timezone: "Europe/Istanbul".into(), ..Settings::default() };
    assert!(engine.same_rules(&tz));
    engine.set_view_settings(tz, 1);
    assert_eq!(engine.version(), before + 1);
    let s = stats_of(&engine, &day_query(ChannelFilter::Web));
    assert_eq!(s.heatmap[0][13], 3); // 10:00Z is 13:00 in Istanbul
    assert!(!engine.same_rules(&Settings { session_gap_minutes: 90, ..Settings::default() }));
}

/// Many users, late and out-of-order deliveries, in one engine fed event by event and
/// one built in bulk: every figure must agree.
#[test]
fn random_late_traffic_gives_the_same_figures_incrementally_and_in_bulk() {
    let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
    let base = ms("2026-03-01T00:00:00Z");
    let events = random_traffic(0x2545_F491_4F6C_DD1D, base, 3000);
    let settings = Settings { session_gap_minutes: 90, ..Settings::default() };
    let one_by_one = incremental(settings.clone(), &events);
    // Batches of every size from 1 to 97, as group commits deliver them: a batch that
    // carries late messages re-cuts each user once.
    let mut batched = Engine::new(settings.clone(), 0);
    let mut rest = events.as_slice();
    while !rest.is_empty() {
        let (batch, later) = rest.split_at((next(97) as usize + 1).min(rest.len()));
        batched.apply(batch);
        rest = later;
    }
    let bulk = Engine::build(settings, 0, events);
    for channel in [ChannelFilter::All, ChannelFilter::Web, ChannelFilter::Premium] {
        let q = StatsQuery {
            channel,
            from: base + 3_600_000,
            to: base + 2 * 86_400_000 + 7,
            page: 2,
            per_page: 20,
            rows: Default::default(),
        };
        let (a, b) = (stats_of(&one_by_one, &q), stats_of(&bulk, &q));
        assert_eq!(a, b, "{channel:?}");
        assert_eq!(stats_of(&batched, &q), b, "{channel:?} in batches");
        assert!(a.totals.sessions > 50 && a.totals.messages > 500, "{:?}", a.totals);
        assert!(a.outcomes.handed_over_answered > 5 && a.response_times.operator_reply.samples > 5, "{a:?}");
        assert_eq!(a.outcomes.total(), a.totals.sessions);
    }
    // The ordered indexes, which a bulk load builds once at its end (`Engine::loading`).
    let latest = |e: &Engine| (e.presence.clone(), e.recent.clone(), e.operator_activity.clone());
    let sessions = |e: &Engine| (e.sessions.clone(), e.latest_session.clone(), e.latest_named.clone());
    assert_eq!(latest(&bulk), latest(&one_by_one));
    assert_eq!(latest(&batched), latest(&one_by_one));
    assert_eq!(sessions(&bulk), sessions(&one_by_one));
    assert!(!bulk.presence.is_empty() && !bulk.operator_activity.is_empty() && !bulk.latest_named.is_empty());
}

/// A xorshift stream: `next(n)` is in `0..n`.
pub(crate) fn xorshift(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut state = seed;
    move |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    }
}

/// `count` events over three days from `base`, numbered from 1, in random time order:
/// messages from every sender and both modes, operators, widget opens with pages, and
/// `user_offline`s, among 25 users per channel.
pub(crate) fn random_traffic(seed: u64, base: i64, count: i64) -> Vec<StoredEvent> {
    let mut next = xorshift(seed);
    (1..=count)
        .map(|seq| {
            let at = crate::server::domain::time::format_ms(base + next(3 * 86_400_000) as i64);
            let user = format!("u{}", next(25));
            let mut e = match next(10) {
                0 => other(seq, Kind::WidgetOpened, Channel::Web, &user, &at),
                1 => other(seq, Kind::UserOffline, Channel::Premium, &user, &at),
                _ => message(seq, &user, &at, [Sender::User, Sender::Bot, Sender::Operator][next(3) as usize]),
            };
            if next(2) == 0 {
                e.event.channel = Channel::Premium;
            }
            e.event.human_mode = next(5) == 0 && e.event.kind == Kind::Message;
            if e.event.sender == Some(Sender::Operator) && next(4) > 0 {
                e.event.operator_id = Some(format!("op{}", next(3)));
            }
            if e.event.kind != Kind::UserOffline && next(3) == 0 {
                e.event.page_url = Some(format!("https://shop.example/p{}", next(4)));
            }
            if e.event.kind == Kind::Message && next(3) == 0 {
                e.event.user_name = Some(format!("Name {}", next(5)));
                e.event.country = Some(["DE", "FR", "US"][next(3) as usize].to_string());
                e.event.city = Some(format!("City {}", next(4)));
            }
            e
        })
        .collect()
}

/// User B of `stats.md`'s handover example, on 2026-03-02 from 10:00, and user C, who
/// gives up.
fn handover_example() -> Vec<StoredEvent> {
    let rows = [
        ("B", "10:00:00", Sender::User, false),
        ("B", "10:00:20", Sender::Bot, false),
        ("B", "10:01:00", Sender::User, false),
        ("B", "10:01:05", Sender::Bot, true),
        ("B", "10:02:00", Sender::User, true),
        ("B", "10:04:00", Sender::Operator, true),
        ("B", "10:05:00", Sender::User, true),
        ("B", "10:05:30", Sender::Bot, true),
        ("B", "10:08:00", Sender::Operator, true),
        ("C", "10:00:00", Sender::User, false),
        ("C", "10:00:10", Sender::Bot, false),
        ("C", "10:03:00", Sender::User, false),
    ];
    rows.iter()
        .enumerate()
        .map(|(i, (user, time, sender, human))| {
            let mut e = message(i as i64 + 1, user, &format!("2026-03-02T{time}Z"), *sender);
            e.event.human_mode = *human;
            if *sender == Sender::Operator {
                e.event.operator_id = Some("ayse".into());
            }
            e
        })
        .collect()
}

#[test]
fn the_handover_example_gives_the_documented_outcomes_times_and_queue() {
    let engine = incremental(Settings::default(), &handover_example());
    let s = stats_of(&engine, &day_query(ChannelFilter::Web));
    let o = &s.outcomes;
    assert_eq!((o.handed_over_answered, o.abandoned, o.bot_only, o.handed_over_unanswered), (1, 1, 0, 0));
    let r = &s.response_times;
    assert_eq!((r.bot_reply.samples, r.bot_reply.p50_seconds, r.bot_reply.p90_seconds), (3, Some(10.0), Some(20.0)));
    assert_eq!((r.handover_wait.p50_seconds, r.operator_reply.p50_seconds), (Some(175.0), Some(120.0)));
    assert_eq!(r.operator_reply.p90_seconds, Some(180.0));
    assert_eq!(s.daily[0].outcomes, s.outcomes);

    let queue_at = |events: &[StoredEvent], time: &str| {
        let upto: Vec<StoredEvent> =
            events.iter().filter(|e| e.event.at_ms <= ms(&format!("2026-03-02T{time}Z"))).cloned().collect();
        incremental(Settings::default(), &upto).queue(ChannelFilter::All, ms(&format!("2026-03-02T{time}Z")))
    };
    let events = handover_example();
    let q = queue_at(&events, "10:03:00");
    assert_eq!((q.waiting, q.longest_wait_seconds, q.operators_active), (1, 115.0, 0));
    assert_eq!(queue_at(&events, "10:04:30").waiting, 0);
    assert_eq!((queue_at(&events, "10:06:00").waiting, queue_at(&events, "10:06:00").longest_wait_seconds), (1, 60.0));
    let q = queue_at(&events, "10:09:00");
    assert_eq!((q.waiting, q.operators_active), (0, 1));
    assert_eq!(queue_at(&events, "10:13:01").operators_active, 0, "the window is five minutes");
    let unanswered: Vec<StoredEvent> = events.into_iter().filter(|e| e.seq != 9).collect();
    assert_eq!(queue_at(&unanswered, "10:35:30").waiting, 1);
    assert_eq!(queue_at(&unanswered, "10:35:31").waiting, 0, "the session has ended");
}

#[test]
fn milestones_mark_a_session_that_starts_counting_and_a_human_takeover() {
    let mut engine = Engine::new(Settings::default(), 0);
    let kinds = |found: Vec<Milestone>| found.into_iter().map(|m| m.kind).collect::<Vec<_>>();
    assert_eq!(kinds(engine.apply(&[message(1, "A", "2026-03-02T10:00:00Z", Sender::User)])), vec![]);
    // The second message makes the session valid (minimum 2 messages).
    assert_eq!(
        kinds(engine.apply(&[message(2, "A", "2026-03-02T10:01:00Z", Sender::Bot)])),
        vec![MilestoneKind::SessionStarted]
    );
    let mut takeover = message(3, "A", "2026-03-02T10:02:00Z", Sender::Operator);
    takeover.event.human_mode = true;
    takeover.event.user_name = Some("Ayşe".into());
    let found = engine.apply(&[takeover]);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].kind, found[0].user_name.as_deref()), (MilestoneKind::HumanTakeover, Some("Ayşe")));
    // Still in human mode: nothing new. A late message only corrects history.
    let mut more = message(4, "A", "2026-03-02T10:03:00Z", Sender::Operator);
    more.event.human_mode = true;
    assert_eq!(kinds(engine.apply(&[more])), vec![]);
    assert_eq!(kinds(engine.apply(&[message(5, "B", "2026-03-02T09:00:00Z", Sender::User)])), vec![]);
    assert_eq!(kinds(engine.apply(&[message(6, "B", "2026-03-02T08:59:00Z", Sender::User)])), vec![]);
}

#[test]
fn the_sessions_table_can_be_filtered_and_ordered_oldest_first() {
    use super::query::{RowQuery, SessionFilter};
    let mut events = worked_example();
    let mut premium = other(7, Kind::Message, Channel::Premium, "P", "2026-03-02T15:00:00Z");
    premium.event.sender = Some(Sender::User);
    let mut reply = other(8, Kind::Message, Channel::Premium, "P", "2026-03-02T15:01:00Z");
    reply.event.sender = Some(Sender::Bot);
    events.extend([premium, reply]);
    let engine = incremental(Settings::default(), &events);
    let rows = |rows: RowQuery| {
        let page = stats_of(&engine, &StatsQuery { rows, ..day_query(ChannelFilter::All) }).sessions_page;
        (page.total, page.rows.into_iter().map(|r| r.session_id).collect::<Vec<_>>())
    };
    assert_eq!(rows(RowQuery::default()).1, ["P#1", "A#2", "A#1"]);
    assert_eq!(rows(RowQuery { oldest_first: true, ..Default::default() }).1, ["A#1", "A#2", "P#1"]);
    let channel = RowQuery { filter: SessionFilter::Channel(Channel::Premium), ..Default::default() };
    assert_eq!(rows(channel), (1, vec!["P#1".to_string()]));
    // Both of A's sessions start in Monday's 10:00 hour, P's at 15:00 (UTC).
    let hour = |h| RowQuery { filter: SessionFilter::StartedAtHour(0, h), ..Default::default() };
    assert_eq!(rows(hour(10)).1, ["A#2", "A#1"]);
    assert_eq!(rows(hour(15)).1, ["P#1"]);
    let unknown = RowQuery { filter: SessionFilter::Country(None), ..Default::default() };
    assert_eq!(rows(unknown).0, 3);
    // The figures do not follow the table's filter.
    let filtered = stats_of(
        &engine,
        &StatsQuery {
            rows: RowQuery { filter: SessionFilter::Country(Some(*b"TR")), ..Default::default() },
            ..day_query(ChannelFilter::All)
        },
    );
    assert_eq!((filtered.totals.sessions, filtered.sessions_page.total), (3, 0));
}

/// The storm of the hardening issue: one visitor's 20,000 messages within a minute,
/// then 300 late ones a second earlier in one batch. The figures equal a build from
/// scratch.
#[test]
fn a_late_storm_for_one_visitor_is_recut_once_and_stays_exact() {
    let base = ms("2026-03-02T10:00:00Z");
    let at = |offset: i64| crate::server::domain::time::format_ms(base + offset);
    let mut events: Vec<StoredEvent> =
        (1..=20_000).map(|seq| message(seq, "storm", &at(1_000 + seq * 3), Sender::User)).collect();
    let late: Vec<StoredEvent> = (0..300).map(|i| message(20_001 + i, "storm", &at(i), Sender::Bot)).collect();
    let mut engine = Engine::build(Settings::default(), 0, events.clone());
    engine.apply(&late);
    events.extend(late);
    let fresh = Engine::build(Settings::default(), 0, events);
    let q = day_query(ChannelFilter::All);
    assert_eq!(stats_of(&engine, &q), stats_of(&fresh, &q));
    assert_eq!(stats_of(&engine, &q).totals.messages, 20_300);
}
