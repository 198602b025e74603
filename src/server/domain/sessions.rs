//! The session rules of `stats.md`: one user's messages, ordered by time and commit order,
//! cut where the gap exceeds the limit; a session is valid from `min_session_messages` on.

use super::country_code::CountryCode;
use super::event::Sender;
use super::number::Number;
use super::outcome::{Outcome, SessionSamples};

/// One stored message of one user, as much as the figures need, in 24 bytes: the engine
/// keeps one per stored message, so its size is most of the engine's memory.
#[derive(Clone, Debug, PartialEq)]
pub struct Msg {
    pub at: i64,
    /// Commit order: breaks ties between messages with the same `at`.
    pub seq: i64,
    pub sender: Sender,
    pub human: bool,
    pub country: Option<CountryCode>,
    /// The visitor's name and city, the operator and the page, as one number for the
    /// combination in the engine's table (`engine::labels`).
    pub labels: Option<Number>,
}

impl Msg {
    pub fn order_key(&self) -> (i64, i64) {
        (self.at, self.seq)
    }

    /// A message with nothing but its time, order, sender and mode.
    pub fn bare(at: i64, seq: i64, sender: Sender, human: bool) -> Msg {
        Msg { at, seq, sender, human, country: None, labels: None }
    }
}

/// The rules' parameters, in the units the engine uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionRules {
    pub gap_ms: i64,
    pub min_messages: usize,
}

impl SessionRules {
    /// The validity rule: a session counts from `min_session_messages` messages on.
    pub fn is_valid(self, messages: usize) -> bool {
        messages >= self.min_messages
    }
}

/// A run of one user's messages, `msgs[first..first + len]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    pub first: u32,
    pub len: u32,
    pub start: i64,
    pub start_seq: i64,
    pub end: i64,
    pub human: bool,
    /// The last country named in the session.
    pub country: Option<CountryCode>,
    /// 1, 2, 3… over the user's valid sessions by start; 0 for an invalid session
    /// (`is_valid`).
    pub number: u32,
    /// How the session went so far (`conversation::Talk`), kept by the engine.
    pub outcome: Outcome,
    /// Its response-time samples (`conversation::Talk`), kept by the engine.
    pub samples: SessionSamples,
}

impl Session {
    /// A session of one message, not yet marked valid or numbered.
    pub fn open(index: usize, msg: &Msg) -> Self {
        Session {
            first: index as u32,
            len: 1,
            start: msg.at,
            start_seq: msg.seq,
            end: msg.at,
            human: msg.human,
            country: msg.country,
            number: 0,
            outcome: Outcome::BotOnly,
            samples: SessionSamples::default(),
        }
    }

    /// Adds the next message, which the caller has checked joins this session.
    pub fn push(&mut self, msg: &Msg) {
        self.len += 1;
        self.end = msg.at;
        self.human |= msg.human;
        if msg.country.is_some() {
            self.country = msg.country;
        }
    }

    /// Counts in the figures: numbered by `number_sessions` or the engine once it has
    /// reached the minimum length.
    pub fn is_valid(&self) -> bool {
        self.number != 0
    }

    pub fn joins(&self, rules: SessionRules, msg: &Msg) -> bool {
        msg.at - self.end <= rules.gap_ms
    }

    pub fn indices(&self) -> std::ops::Range<usize> {
        self.first as usize..(self.first + self.len) as usize
    }

    pub fn duration_ms(&self) -> i64 {
        self.end - self.start
    }

    /// The last value of an optional attribute over the session's messages.
    pub fn last_of<T>(&self, msgs: &[Msg], pick: impl FnMut(&Msg) -> Option<T>) -> Option<T> {
        msgs[self.indices()].iter().rev().find_map(pick)
    }
}

/// Cuts messages sorted by `order_key` into numbered sessions.
pub fn split_sessions(msgs: &[Msg], rules: SessionRules) -> Vec<Session> {
    let mut sessions: Vec<Session> = Vec::new();
    for (index, msg) in msgs.iter().enumerate() {
        match sessions.last_mut() {
            Some(current) if current.joins(rules, msg) => current.push(msg),
            _ => sessions.push(Session::open(index, msg)),
        }
    }
    number_sessions(&mut sessions, rules);
    sessions
}

/// Marks validity and numbers the valid sessions in order; returns how many are valid.
pub fn number_sessions(sessions: &mut [Session], rules: SessionRules) -> u32 {
    let mut count = 0;
    for session in sessions.iter_mut() {
        session.number = if rules.is_valid(session.len as usize) {
            count += 1;
            count
        } else {
            0
        };
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn rules(gap_minutes: i64, min_messages: usize) -> SessionRules {
        SessionRules { gap_ms: gap_minutes * MIN, min_messages }
    }

    fn msg(minute: i64, seq: i64, sender: Sender) -> Msg {
        Msg::bare(minute * MIN, seq, sender, false)
    }

    #[test]
    fn a_message_takes_twenty_four_bytes_and_a_session_forty_eight() {
        assert_eq!(std::mem::size_of::<Msg>(), 24);
        assert_eq!(std::mem::size_of::<Session>(), 48);
    }

    fn worked_example() -> Vec<Msg> {
        // 10:00 user, 10:01 bot, 10:40 user, 11:00 user, 11:31 bot, 13:00 user.
        [
            (600, Sender::User),
            (601, Sender::Bot),
            (640, Sender::User),
            (660, Sender::User),
            (691, Sender::Bot),
            (780, Sender::User),
        ]
        .iter()
        .enumerate()
        .map(|(i, (minute, sender))| msg(*minute, i as i64, *sender))
        .collect()
    }

    fn shape(sessions: &[Session]) -> Vec<(usize, bool, u32)> {
        sessions.iter().map(|s| (s.len as usize, s.is_valid(), s.number)).collect()
    }

    #[test]
    fn the_worked_example_gives_two_valid_sessions_of_two_messages() {
        let sessions = split_sessions(&worked_example(), rules(30, 2));
        assert_eq!(shape(&sessions), vec![(2, true, 1), (2, true, 2), (1, false, 0), (1, false, 0)]);
        let valid: Vec<_> = sessions.iter().filter(|s| s.is_valid()).collect();
        let seconds: i64 = valid.iter().map(|s| s.duration_ms() / 1000).sum();
        assert_eq!(seconds / valid.len() as i64, 630);
    }

    #[test]
    fn a_gap_of_exactly_the_limit_joins_and_one_millisecond_more_splits() {
        let mut msgs = vec![msg(0, 0, Sender::User), msg(30, 1, Sender::Bot)];
        assert_eq!(split_sessions(&msgs, rules(30, 2)).len(), 1);
        msgs[1].at += 1;
        assert_eq!(split_sessions(&msgs, rules(30, 2)).len(), 2);
    }

    #[test]
    fn min_messages_one_makes_every_session_valid_and_three_drops_pairs() {
        let one = split_sessions(&worked_example(), rules(30, 1));
        assert_eq!(shape(&one), vec![(2, true, 1), (2, true, 2), (1, true, 3), (1, true, 4)]);
        let three = split_sessions(&worked_example(), rules(30, 3));
        assert!(three.iter().all(|s| !s.is_valid()));
    }

    #[test]
    fn a_late_message_can_merge_two_sessions_into_one() {
        // 10:00, 10:40 are apart; a late 10:20 bridges them.
        let mut msgs = vec![msg(600, 0, Sender::User), msg(640, 1, Sender::User)];
        assert_eq!(split_sessions(&msgs, rules(30, 2)).len(), 2);
        msgs.insert(1, msg(620, 2, Sender::Bot));
        assert_eq!(shape(&split_sessions(&msgs, rules(30, 2))), vec![(3, true, 1)]);
    }

    #[test]
    fn a_larger_gap_setting_merges_what_a_smaller_one_splits() {
        let sessions = split_sessions(&worked_example(), rules(90, 2));
        assert_eq!(shape(&sessions), vec![(6, true, 1)]);
    }

    #[test]
    fn the_last_named_country_and_human_mode_describe_the_session() {
        let mut msgs = vec![msg(0, 0, Sender::User), msg(1, 1, Sender::Operator), msg(2, 2, Sender::User)];
        msgs[0].country = CountryCode::parse("TR");
        msgs[1].human = true;
        msgs[1].country = CountryCode::parse("DE");
        msgs[1].labels = Some(Number::of_index(7));
        let sessions = split_sessions(&msgs, rules(30, 2));
        assert_eq!(sessions[0].country, CountryCode::parse("DE"));
        assert!(sessions[0].human);
        assert_eq!(sessions[0].last_of(&msgs, |m| m.labels), Some(Number::of_index(7)));
    }
}
