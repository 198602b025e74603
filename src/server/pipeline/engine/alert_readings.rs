//! What the alert rules watch, read at one instant from the indexes the live figures
//! already keep (the users active lately, presence, the newest event): a reading costs
//! the last hour's users, never a pass over history. `docs/stats.md` defines each one.

use std::sync::Arc;

use super::Engine;
use crate::alert_kinds::AlertKind;
use crate::model::ChannelFilter;
use crate::server::domain::conversation::{handover_answer, is_handed_over, is_human_part};
use crate::server::domain::event::Channel;
use crate::server::domain::time::MINUTE_MS;

/// The window of the "last hour" readings.
pub const HOUR_MS: i64 = 60 * MINUTE_MS;

/// Every reading a rule may compare with its threshold, at one instant.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AlertReadings {
    /// The longest current wait for a person (the live queue's), in minutes.
    pub longest_wait_minutes: f64,
    /// Handovers made in the last hour that no operator message has followed.
    pub unanswered_handovers: u64,
    /// Valid sessions with a message in the last hour, and those of them handed over.
    pub sessions_last_hour: u64,
    pub handed_over_last_hour: u64,
    /// Minutes since the newest time any stored event carries; none before the first.
    pub minutes_since_last_event: Option<f64>,
    pub online_now: u64,
}

impl AlertReadings {
    /// The reading `kind` watches; none when it has no value yet (no session in the
    /// last hour for a rate, no event ever for silence).
    pub fn value(&self, kind: AlertKind) -> Option<f64> {
        match kind {
            AlertKind::QueueWait => Some(self.longest_wait_minutes),
            AlertKind::UnansweredHandovers => Some(self.unanswered_handovers as f64),
            AlertKind::HandoverRate => (self.sessions_last_hour > 0)
                .then(|| self.handed_over_last_hour as f64 * 100.0 / self.sessions_last_hour as f64),
            AlertKind::NoEvents => self.minutes_since_last_event,
            AlertKind::OnlineNow => Some(self.online_now as f64),
        }
    }
}

/// A session that ended (its gap passed) while its handover was still unanswered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnansweredHandover {
    pub channel: Channel,
    pub user_id: Arc<str>,
    pub user_name: Option<Arc<str>>,
    /// When the session ended: its last message plus the gap.
    pub at: i64,
}

impl Engine {
    pub fn alert_readings(&self, now: i64) -> AlertReadings {
        let queue = self.queue(ChannelFilter::All, now);
        let mut readings = AlertReadings {
            longest_wait_minutes: queue.longest_wait_seconds / 60.0,
            online_now: self.online_users(ChannelFilter::All, now),
            minutes_since_last_event: self.newest_at.map(|at| (now - at).max(0) as f64 / MINUTE_MS as f64),
            ..AlertReadings::default()
        };
        let since = now - HOUR_MS;
        // A session with a message in the last hour belongs to a user whose last
        // message is in it too.
        for &(_, _, user) in self.recent.range((since, i64::MIN, 0)..) {
            let state = &self.users[user as usize];
            for session in state.sessions.iter().rev().take_while(|s| s.end >= since) {
                let msgs = &state.msgs[session.indices()];
                if session.is_valid() {
                    readings.sessions_last_hour += 1;
                    readings.handed_over_last_hour += u64::from(is_handed_over(msgs));
                }
                let handover = msgs.iter().find(|m| is_human_part(m)).map(|m| m.at);
                let made_lately = handover.is_some_and(|at| (since..=now).contains(&at));
                if made_lately && handover_answer(msgs).is_none() {
                    readings.unanswered_handovers += 1;
                }
            }
        }
        readings
    }

    /// The sessions that ended in `(after, now]` with their handover unanswered: each
    /// is told once by a caller that moves `after` to `now` between calls.
    pub fn closed_unanswered(&self, after: i64, now: i64) -> Vec<UnansweredHandover> {
        let gap = self.settings.sessions.gap_ms;
        // A session ends `gap` after its last message, which is its user's last.
        self.recent
            .range((after - gap, i64::MAX, u32::MAX)..=(now - gap, i64::MAX, u32::MAX))
            .filter_map(|&(_, _, user)| {
                let state = &self.users[user as usize];
                let session = state.sessions.last()?;
                let msgs = &state.msgs[session.indices()];
                let ended = session.end + gap;
                let unanswered = is_handed_over(msgs) && handover_answer(msgs).is_none();
                (unanswered && ended > after && ended <= now).then(|| UnansweredHandover {
                    channel: state.channel,
                    user_id: state.user_id.clone(),
                    user_name: session
                        .last_of(&state.msgs, |m| self.labels.of(m).name)
                        .map(|name| self.texts.shared(name)),
                    at: ended,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Settings;
    use crate::server::domain::event::{Event, Sender};
    use crate::server::pipeline::engine::StoredEvent;

    fn message(seq: i64, at_min: i64, user: &str, sender: Sender, human: bool) -> StoredEvent {
        let mut event = Event::message_for_tests(Channel::Web, user, at_min * MINUTE_MS, sender);
        event.human_mode = human;
        StoredEvent { seq, event }
    }

    fn engine(events: &[StoredEvent]) -> Engine {
        let mut engine = Engine::new(Settings::default(), 1);
        engine.apply(events);
        engine
    }

    #[test]
    fn readings_follow_a_handover_until_an_operator_answers() {
        // Default rules: a 30-minute gap, 2 messages per session, a 5-minute window.
        let mut events = vec![
            message(1, 100, "a", Sender::User, false),
            message(2, 101, "a", Sender::Bot, true),
            message(3, 102, "b", Sender::User, false),
            message(4, 103, "b", Sender::Bot, false),
        ];
        let e = engine(&events);
        let at = |min: i64| e.alert_readings(min * MINUTE_MS);
        assert_eq!(at(104).unanswered_handovers, 1);
        assert_eq!((at(104).sessions_last_hour, at(104).handed_over_last_hour), (2, 1));
        assert_eq!(at(104).value(AlertKind::HandoverRate), Some(50.0));
        assert_eq!(at(111).value(AlertKind::QueueWait), Some(10.0), "waiting since the handover at 101");
        assert_eq!(at(104).online_now, 2);
        assert_eq!(at(104).minutes_since_last_event, Some(1.0));
        // An hour after the handover it no longer counts; the sessions neither.
        assert_eq!(at(162).unanswered_handovers, 0);
        assert_eq!(at(164).value(AlertKind::HandoverRate), None);

        events.push(message(5, 105, "a", Sender::Operator, true));
        let e = engine(&events);
        let r = e.alert_readings(106 * MINUTE_MS);
        assert_eq!((r.unanswered_handovers, r.longest_wait_minutes), (0, 0.0));
    }

    #[test]
    fn a_session_that_ends_unanswered_is_told_once() {
        let events = [message(1, 100, "a", Sender::User, false), message(2, 101, "a", Sender::Bot, true)];
        let e = engine(&events);
        // The session ends at 101 + 30 minutes.
        let ended = 131 * MINUTE_MS;
        assert!(e.closed_unanswered(0, ended - 1).is_empty());
        let told = e.closed_unanswered(ended - 1, ended);
        assert_eq!(told.len(), 1);
        assert_eq!((told[0].user_id.as_ref(), told[0].at), ("a", ended));
        assert!(e.closed_unanswered(ended, ended + 60_000).is_empty());
        assert_eq!(e.closed_unanswered(0, ended + 60_000).len(), 1);
    }
}
