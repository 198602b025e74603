//! Figures computed the slow, obvious way, straight from `stats.md`, to check the
//! engine against: group, sort, cut, count.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

#[derive(Clone, Debug)]
pub struct RefEvent {
    pub kind: &'static str,
    pub channel: &'static str,
    pub user: String,
    pub at_ms: i64,
    pub sender: &'static str,
    pub human: bool,
    pub country: Option<&'static str>,
    /// For operator messages: who wrote (sometimes no one is named).
    pub operator: Option<&'static str>,
    /// For messages and widget opens: the page as sent (with a query string to drop).
    pub page: Option<&'static str>,
}

impl RefEvent {
    pub fn to_json(&self, id: &str) -> Value {
        let mut v = json!({
            "id": id, "type": self.kind, "channel": self.channel, "user_id": self.user,
            "at": chrono::DateTime::from_timestamp_millis(self.at_ms).unwrap().to_rfc3339(),
        });
        if self.kind == "message" {
            v["sender"] = json!(self.sender);
            v["human_mode"] = json!(self.human);
        }
        if let Some(c) = self.country {
            v["country"] = json!(c);
        }
        if let Some(operator) = self.operator {
            v["operator_id"] = json!(operator);
        }
        if let Some(page) = self.page {
            v["page_url"] = json!(page);
        }
        v
    }
}

#[derive(Debug, Default, PartialEq)]
pub struct RefTotals {
    pub users: u64,
    pub sessions: u64,
    pub human_sessions: u64,
    pub messages: u64,
    pub user_messages: u64,
    pub bot_messages: u64,
    pub operator_messages: u64,
    pub widget_opens: u64,
}

/// A message with its time and commit position, for ordering.
type Placed<'a> = (i64, usize, &'a RefEvent);

/// Totals for `[from, to)` and a channel filter, events in commit order.
pub fn totals(events: &[RefEvent], channel: &str, from: i64, to: i64, gap_ms: i64, min: usize) -> RefTotals {
    let wanted = |c: &str| channel == "all" || channel == c;
    let mut by_user: BTreeMap<(&str, &str), Vec<Placed>> = BTreeMap::new();
    let mut t = RefTotals::default();
    for (commit, e) in events.iter().enumerate() {
        if !wanted(e.channel) {
            continue;
        }
        match e.kind {
            "message" => by_user.entry((e.channel, &e.user)).or_default().push((e.at_ms, commit, e)),
            "widget_opened" if e.at_ms >= from && e.at_ms < to => t.widget_opens += 1,
            _ => {}
        }
    }
    let mut users = BTreeSet::new();
    for (user, mut msgs) in by_user {
        msgs.sort_by_key(|(at, commit, _)| (*at, *commit));
        let mut sessions: Vec<Vec<&RefEvent>> = Vec::new();
        let mut last_at = i64::MIN;
        for (at, _, e) in msgs {
            if sessions.is_empty() || at - last_at > gap_ms {
                sessions.push(Vec::new());
            }
            sessions.last_mut().unwrap().push(e);
            last_at = at;
        }
        for session in sessions.iter().filter(|s| s.len() >= min) {
            if session[0].at_ms >= from && session[0].at_ms < to {
                t.sessions += 1;
                t.human_sessions += session.iter().any(|m| m.human) as u64;
                users.insert(user);
            }
            for m in session.iter().filter(|m| m.at_ms >= from && m.at_ms < to) {
                t.messages += 1;
                match m.sender {
                    "user" => t.user_messages += 1,
                    "bot" => t.bot_messages += 1,
                    _ => t.operator_messages += 1,
                }
            }
        }
    }
    t.users = users.len() as u64;
    t
}

pub fn totals_of(stats: &Value) -> RefTotals {
    let t = &stats["totals"];
    let n = |f: &str| t[f].as_u64().unwrap_or_else(|| panic!("totals.{f} in {t}"));
    RefTotals {
        users: n("users"),
        sessions: n("sessions"),
        human_sessions: n("human_sessions"),
        messages: n("messages"),
        user_messages: n("user_messages"),
        bot_messages: n("bot_messages"),
        operator_messages: n("operator_messages"),
        widget_opens: n("widget_opens"),
    }
}

/// A deterministic pseudo-random stream (xorshift), so failures reproduce.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Realistic traffic over the `days` before `end_ms`: conversations with gaps, late
/// deliveries, both channels, widget opens and presence.
pub fn generate(seed: u64, count: usize, end_ms: i64, days: i64) -> Vec<RefEvent> {
    const CHANNELS: [&str; 2] = ["web", "premium"];
    const SENDERS: [&str; 3] = ["user", "bot", "operator"];
    const COUNTRIES: [Option<&str>; 5] = [Some("TR"), Some("DE"), None, Some("us"), Some("GB")];
    const OPERATORS: [Option<&str>; 4] = [Some("ayse"), Some("mehmet"), Some("john"), None];
    const PAGES: [Option<&str>; 4] =
        [Some("https://shop.example/pricing?utm=1"), Some("https://shop.example/"), Some("/help#faq"), None];
    let mut rng = Rng(seed | 1);
    let mut events = Vec::with_capacity(count);
    let span = days * 86_400_000;
    while events.len() < count {
        let user = format!("u{}", rng.below(40));
        let channel = CHANNELS[rng.below(2) as usize];
        let mut at = end_ms - 1 - rng.below(span as u64) as i64;
        let burst = 1 + rng.below(6);
        for _ in 0..burst {
            let kind = match rng.below(10) {
                0 => "widget_opened",
                1 => "user_offline",
                _ => "message",
            };
            let sender = SENDERS[rng.below(3) as usize];
            events.push(RefEvent {
                kind,
                channel,
                user: user.clone(),
                at_ms: at.min(end_ms - 1),
                sender,
                human: rng.below(8) == 0,
                country: COUNTRIES[rng.below(5) as usize],
                operator: if kind == "message" && sender == "operator" {
                    OPERATORS[rng.below(4) as usize]
                } else {
                    None
                },
                page: if kind == "user_offline" { None } else { PAGES[rng.below(4) as usize] },
            });
            // Mostly short gaps, sometimes exactly the limit, sometimes a new session.
            at += match rng.below(10) {
                0 => 30 * 60_000,
                1 => 45 * 60_000,
                _ => rng.below(10 * 60_000) as i64,
            };
        }
    }
    events.truncate(count);
    events
}

/// How conversations went, the slow way: every "first … after" found by scanning
/// forward from the message, straight from `stats.md`'s words.
#[derive(Debug, Default, PartialEq)]
pub struct RefConversations {
    /// bot_only, handed_over_answered, handed_over_unanswered, abandoned
    pub outcomes: [u64; 4],
    pub bot_reply: Vec<i64>,
    pub handover_wait: Vec<i64>,
    pub operator_reply: Vec<i64>,
    pub waiting: u64,
    pub longest_wait_ms: i64,
    pub operators_active: u64,
}

/// The sessions of each user of the channel filter, each a list of messages in order.
fn sessions_by_user<'a>(events: &'a [RefEvent], channel: &str, gap_ms: i64) -> Vec<Vec<Vec<&'a RefEvent>>> {
    let mut by_user: BTreeMap<(&str, &str), Vec<Placed>> = BTreeMap::new();
    for (commit, e) in events.iter().enumerate() {
        if e.kind == "message" && (channel == "all" || channel == e.channel) {
            by_user.entry((e.channel, &e.user)).or_default().push((e.at_ms, commit, e));
        }
    }
    by_user
        .into_values()
        .map(|mut msgs| {
            msgs.sort_by_key(|(at, commit, _)| (*at, *commit));
            let mut sessions: Vec<Vec<&RefEvent>> = Vec::new();
            for (at, _, e) in msgs {
                if sessions.last().is_none_or(|s| at - s.last().unwrap().at_ms > gap_ms) {
                    sessions.push(Vec::new());
                }
                sessions.last_mut().unwrap().push(e);
            }
            sessions
        })
        .collect()
}

fn is_human_part(m: &RefEvent) -> bool {
    m.human || m.sender == "operator"
}

/// Outcomes and response times of the valid sessions that start in `[from, to)`, and the
/// live queue at `now`.
pub fn conversations(
    events: &[RefEvent],
    channel: &str,
    (from, to): (i64, i64),
    (gap_ms, min): (i64, usize),
    (now, window_ms): (i64, i64),
) -> RefConversations {
    let mut r = RefConversations::default();
    for sessions in sessions_by_user(events, channel, gap_ms) {
        for s in &sessions {
            let in_range = s.len() >= min && s[0].at_ms >= from && s[0].at_ms < to;
            if in_range {
                let handover = s.iter().position(|m| is_human_part(m));
                let first_operator_from = |i: usize| s[i..].iter().find(|m| m.sender == "operator");
                let unanswered_question =
                    (0..s.len()).any(|i| s[i].sender == "user" && s[i].human && first_operator_from(i + 1).is_none());
                let outcome = match handover {
                    Some(h) if first_operator_from(h).is_none() || unanswered_question => 2,
                    Some(_) => 1,
                    None => match s.iter().rposition(|m| m.sender == "user") {
                        Some(last_visitor) if s[last_visitor + 1..].is_empty() => 3,
                        _ => 0,
                    },
                };
                r.outcomes[outcome] += 1;
                if let Some(answer) = handover.and_then(|h| first_operator_from(h).map(|o| o.at_ms - s[h].at_ms)) {
                    r.handover_wait.push(answer);
                }
                for (i, m) in s.iter().enumerate().filter(|(_, m)| m.sender == "user") {
                    let wanted = if m.human { "operator" } else { "bot" };
                    if let Some(reply) = s[i + 1..].iter().find(|n| n.sender == wanted) {
                        let list = if m.human { &mut r.operator_reply } else { &mut r.bot_reply };
                        list.push(reply.at_ms - m.at_ms);
                    }
                }
            }
        }
        let Some(current) = sessions.last().filter(|s| now - s.last().unwrap().at_ms <= gap_ms) else { continue };
        let Some(h) = current.iter().position(|m| is_human_part(m)) else { continue };
        let since = match current.iter().rposition(|m| m.sender == "operator").filter(|&o| o >= h) {
            None => Some(current[h].at_ms),
            Some(last_operator) => {
                current[last_operator + 1..].iter().find(|m| m.sender == "user" && m.human).map(|m| m.at_ms)
            }
        };
        if let Some(since) = since {
            r.waiting += 1;
            r.longest_wait_ms = r.longest_wait_ms.max(now - since);
        }
    }
    let active: BTreeSet<&str> = events
        .iter()
        .filter(|e| e.kind == "message" && (channel == "all" || channel == e.channel))
        .filter(|e| e.sender == "operator" && now - e.at_ms <= window_ms)
        .filter_map(|e| e.operator)
        .collect();
    r.operators_active = active.len() as u64;
    for list in [&mut r.bot_reply, &mut r.handover_wait, &mut r.operator_reply] {
        list.sort_unstable();
    }
    r
}

/// The nearest-rank percentile of sorted samples, in seconds.
pub fn percentile_seconds(sorted: &[i64], p: usize) -> Option<f64> {
    (!sorted.is_empty()).then(|| sorted[(p * sorted.len()).div_ceil(100) - 1] as f64 / 1000.0)
}

/// The page as stored: origin and path (the generator's pages need nothing more).
pub fn stored_page(page: &str) -> String {
    page[..page.find(['?', '#']).unwrap_or(page.len())].to_string()
}

/// Per operator over the valid sessions starting in `[from, to)`: (sessions they wrote
/// in, their messages in those sessions, the handover waits they ended, sorted).
pub fn operators(
    events: &[RefEvent],
    channel: &str,
    (from, to): (i64, i64),
    (gap_ms, min): (i64, usize),
) -> BTreeMap<String, (u64, u64, Vec<i64>)> {
    let mut found: BTreeMap<String, (u64, u64, Vec<i64>)> = BTreeMap::new();
    for sessions in sessions_by_user(events, channel, gap_ms) {
        for s in sessions.iter().filter(|s| s.len() >= min && s[0].at_ms >= from && s[0].at_ms < to) {
            let mut wrote = BTreeSet::new();
            for m in s.iter().filter(|m| m.sender == "operator") {
                if let Some(id) = m.operator {
                    found.entry(id.to_string()).or_default().1 += 1;
                    wrote.insert(id);
                }
            }
            for id in wrote {
                found.get_mut(id).unwrap().0 += 1;
            }
            let Some(h) = s.iter().position(|m| is_human_part(m)) else { continue };
            if let Some(answer) = s[h..].iter().find(|m| m.sender == "operator") {
                if let Some(id) = answer.operator {
                    found.entry(id.to_string()).or_default().2.push(answer.at_ms - s[h].at_ms);
                }
            }
        }
    }
    for (_, _, waits) in found.values_mut() {
        waits.sort_unstable();
    }
    found
}

/// Per stored page: (widget opens in range, valid sessions in range whose first named
/// page it is, of those the handed-over ones).
pub fn pages(
    events: &[RefEvent],
    channel: &str,
    (from, to): (i64, i64),
    (gap_ms, min): (i64, usize),
) -> BTreeMap<String, (u64, u64, u64)> {
    let mut found: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
    for e in events.iter().filter(|e| e.kind == "widget_opened" && (channel == "all" || channel == e.channel)) {
        if let (Some(page), true) = (e.page, e.at_ms >= from && e.at_ms < to) {
            found.entry(stored_page(page)).or_default().0 += 1;
        }
    }
    for sessions in sessions_by_user(events, channel, gap_ms) {
        for s in sessions.iter().filter(|s| s.len() >= min && s[0].at_ms >= from && s[0].at_ms < to) {
            if let Some(page) = s.iter().find_map(|m| m.page) {
                let entry = found.entry(stored_page(page)).or_default();
                entry.1 += 1;
                entry.2 += s.iter().any(|m| is_human_part(m)) as u64;
            }
        }
    }
    found
}
