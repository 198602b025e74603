//! How one session went, by the rules of `stats.md` ("Handover", "Outcomes", "Response
//! times", "Live queue"): its one outcome, the response times measured inside it, and
//! since when its visitor waits for a person. Every function takes the session's messages
//! in session order. `Talk` reads a session one message at a time, as the engine places
//! them, so that a read of the figures never walks the messages again.

use super::event::Sender;
pub use super::outcome::{Outcome, Sample, SessionSamples, TimingKind};
use super::sessions::Msg;

/// Response-time samples in milliseconds, gathered over many sessions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResponseSamples {
    pub bot_reply: Vec<i64>,
    pub handover_wait: Vec<i64>,
    pub operator_reply: Vec<i64>,
}

impl ResponseSamples {
    pub fn push(&mut self, sample: Sample) {
        match sample.kind() {
            TimingKind::BotReply => self.bot_reply.push(sample.ms()),
            TimingKind::HandoverWait => self.handover_wait.push(sample.ms()),
            TimingKind::OperatorReply => self.operator_reply.push(sample.ms()),
        }
    }

    pub fn append(&mut self, mut other: ResponseSamples) {
        self.bot_reply.append(&mut other.bot_reply);
        self.handover_wait.append(&mut other.handover_wait);
        self.operator_reply.append(&mut other.operator_reply);
    }
}

/// Whether a message starts or continues the part of a session a person handles.
pub fn is_human_part(msg: &Msg) -> bool {
    msg.human || msg.sender == Sender::Operator
}

/// A session's conversation as far as its messages go, read forward one message at a
/// time: each message costs O(1) amortized however long the session grows (every
/// message is looked at once more, by the next bot and the next operator message).
/// `read_session` says the same from the whole session at once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Talk {
    /// Where the messages that the next bot message answers start: after the last bot
    /// message.
    bot_from: u32,
    /// The same for the next operator message.
    operator_from: u32,
    /// When the handover came, and whether an operator has written since.
    handover: Option<i64>,
    answered: bool,
    /// A human-mode visitor message came after the last operator message.
    human_pending: bool,
    last_is_user: bool,
}

impl Talk {
    /// Takes the session's newest message like `take`, noting the samples it completes
    /// in the session's `kept` too.
    pub fn take_into(&mut self, msgs: &[Msg], samples: &mut Vec<Sample>, kept: &mut SessionSamples) {
        self.take(msgs, samples);
        kept.reach(samples.len());
    }

    /// Takes `msgs.last()`, the session's newest message (`msgs` holds the session's
    /// messages so far); pushes the samples it completes.
    pub fn take(&mut self, msgs: &[Msg], samples: &mut Vec<Sample>) {
        let Some((msg, before)) = msgs.split_last() else { return };
        if self.handover.is_none() && is_human_part(msg) {
            self.handover = Some(msg.at);
        }
        let answered = |asked: fn(&Msg) -> bool, kind, from: u32, samples: &mut Vec<Sample>| {
            let asked = before.get(from as usize..).unwrap_or_default().iter().filter(|m| asked(m));
            samples.extend(asked.map(|m| Sample::new(kind, msg.at - m.at)));
        };
        match msg.sender {
            Sender::Bot => {
                answered(|m| m.sender == Sender::User && !m.human, TimingKind::BotReply, self.bot_from, samples);
                self.bot_from = msgs.len() as u32;
            }
            Sender::Operator => {
                answered(
                    |m| m.sender == Sender::User && m.human,
                    TimingKind::OperatorReply,
                    self.operator_from,
                    samples,
                );
                self.operator_from = msgs.len() as u32;
                self.human_pending = false;
                if let (Some(at), false) = (self.handover, self.answered) {
                    self.answered = true;
                    samples.push(Sample::new(TimingKind::HandoverWait, msg.at - at));
                }
            }
            Sender::User => self.human_pending |= msg.human,
        }
        self.last_is_user = msg.sender == Sender::User;
    }

    /// The session's outcome with the messages taken so far.
    pub fn outcome(&self) -> Outcome {
        match self.handover {
            Some(_) if self.answered && !self.human_pending => Outcome::HandedOverAnswered,
            Some(_) => Outcome::HandedOverUnanswered,
            None if self.last_is_user => Outcome::Abandoned,
            None => Outcome::BotOnly,
        }
    }
}

/// The session's outcome; its response times are added to `samples`. The definition
/// `Talk` is checked against.
///
/// One pass from the end: walking backwards, the next bot and operator message after
/// each visitor message are known when it is reached, and the last message that belongs
/// to the human part is the handover.
#[cfg(test)]
pub fn read_session(msgs: &[Msg], samples: &mut ResponseSamples) -> Outcome {
    let (mut next_bot, mut next_operator) = (None::<i64>, None::<i64>);
    let mut human_question_unanswered = false;
    // (the handover's at, the first operator message at or after it)
    let mut handover: Option<(i64, Option<i64>)> = None;
    for msg in msgs.iter().rev() {
        match msg.sender {
            Sender::User if msg.human => match next_operator {
                Some(at) => samples.operator_reply.push(at - msg.at),
                None => human_question_unanswered = true,
            },
            Sender::User => {
                if let Some(at) = next_bot {
                    samples.bot_reply.push(at - msg.at);
                }
            }
            Sender::Bot => next_bot = Some(msg.at),
            Sender::Operator => next_operator = Some(msg.at),
        }
        if is_human_part(msg) {
            handover = Some((msg.at, next_operator));
        }
    }
    match handover {
        Some((at, Some(answered_at))) => {
            samples.handover_wait.push(answered_at - at);
            if human_question_unanswered {
                Outcome::HandedOverUnanswered
            } else {
                Outcome::HandedOverAnswered
            }
        }
        Some((_, None)) => Outcome::HandedOverUnanswered,
        None if msgs.last().is_some_and(|m| m.sender == Sender::User) => Outcome::Abandoned,
        None => Outcome::BotOnly,
    }
}

pub fn is_handed_over(msgs: &[Msg]) -> bool {
    msgs.iter().any(is_human_part)
}

/// The handover and the operator message that answered it (the first at or after it),
/// by index, if both exist.
pub fn handover_answer(msgs: &[Msg]) -> Option<(usize, usize)> {
    let handover = msgs.iter().position(is_human_part)?;
    let answer = handover + msgs[handover..].iter().position(|m| m.sender == Sender::Operator)?;
    Some((handover, answer))
}

/// Since when the session's visitor waits for a person, if they do: from the handover
/// while no operator has written since, else from the first human-mode visitor message
/// after the last operator message.
pub fn waiting_since(msgs: &[Msg]) -> Option<i64> {
    let mut handed_over = false;
    let mut since = None;
    for msg in msgs {
        if !handed_over && is_human_part(msg) {
            handed_over = true;
            since = Some(msg.at);
        }
        match msg.sender {
            Sender::Operator => since = None,
            Sender::User if msg.human && handed_over => {
                since.get_or_insert(msg.at);
            }
            _ => {}
        }
    }
    since
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1000;

    fn msg(seconds: i64, sender: Sender, human: bool) -> Msg {
        Msg::bare(seconds * S, seconds, sender, human)
    }

    /// The worked example of `stats.md`: user B, 10:00:00 to 10:08:00 (seconds from 10:00).
    fn worked_example() -> Vec<Msg> {
        use Sender::*;
        vec![
            msg(0, User, false),
            msg(20, Bot, false),
            msg(60, User, false),
            msg(65, Bot, true),
            msg(120, User, true),
            msg(240, Operator, true),
            msg(300, User, true),
            msg(330, Bot, true),
            msg(480, Operator, true),
        ]
    }

    fn sorted(mut samples: Vec<i64>) -> Vec<i64> {
        samples.sort_unstable();
        samples.into_iter().map(|ms| ms / S).collect()
    }

    #[test]
    fn the_worked_example_is_answered_with_the_documented_times() {
        let mut samples = ResponseSamples::default();
        assert_eq!(read_session(&worked_example(), &mut samples), Outcome::HandedOverAnswered);
        assert_eq!(sorted(samples.bot_reply), [5, 20]);
        assert_eq!(sorted(samples.handover_wait), [175]);
        assert_eq!(sorted(samples.operator_reply), [120, 180], "the 10:05:30 bot message stops no clock");
        assert_eq!(handover_answer(&worked_example()), Some((3, 5)));
    }

    #[test]
    fn without_the_last_operator_message_it_is_unanswered() {
        let mut msgs = worked_example();
        msgs.pop();
        let mut samples = ResponseSamples::default();
        assert_eq!(read_session(&msgs, &mut samples), Outcome::HandedOverUnanswered);
        assert_eq!(sorted(samples.operator_reply), [120]);
    }

    #[test]
    fn the_queue_follows_the_worked_example_minute_by_minute() {
        let msgs = worked_example();
        let upto = |seconds: i64| waiting_since(&msgs[..msgs.iter().take_while(|m| m.at <= seconds * S).count()]);
        assert_eq!(upto(180), Some(65 * S), "10:03: since the handover");
        assert_eq!(upto(270), None, "10:04:30: answered");
        assert_eq!(upto(360), Some(300 * S), "10:06: since the 10:05 question");
        assert_eq!(upto(540), None, "10:09: answered again");
    }

    #[test]
    fn abandoned_and_bot_only_differ_by_the_last_visitor_message() {
        use Sender::*;
        let mut samples = ResponseSamples::default();
        let abandoned = [msg(0, User, false), msg(10, Bot, false), msg(180, User, false)];
        assert_eq!(read_session(&abandoned, &mut samples), Outcome::Abandoned);
        let contained = [msg(0, User, false), msg(10, Bot, false), msg(180, User, false), msg(182, Bot, false)];
        assert_eq!(read_session(&contained, &mut samples), Outcome::BotOnly);
        assert_eq!(read_session(&[msg(0, Bot, false), msg(5, Bot, false)], &mut samples), Outcome::BotOnly);
    }

    /// Feeds `msgs` to a `Talk` one by one; its outcome and samples.
    fn talk(msgs: &[Msg]) -> (Outcome, ResponseSamples) {
        let (mut talk, mut samples) = (Talk::default(), Vec::new());
        for end in 1..=msgs.len() {
            talk.take(&msgs[..end], &mut samples);
        }
        let mut by_kind = ResponseSamples::default();
        samples.into_iter().for_each(|s| by_kind.push(s));
        (talk.outcome(), by_kind)
    }

    #[test]
    fn talk_read_forward_agrees_with_the_definition_on_random_sessions() {
        use Sender::*;
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..2000 {
            let len = 1 + next(12) as usize;
            let mut at = 0;
            let msgs: Vec<Msg> = (0..len)
                .map(|_| {
                    at += next(400) as i64;
                    let sender = [User, User, Bot, Operator][next(4) as usize];
                    msg(at, sender, next(3) == 0)
                })
                .collect();
            let mut expected = ResponseSamples::default();
            let outcome = read_session(&msgs, &mut expected);
            let (forward, mut samples) = talk(&msgs);
            assert_eq!(forward, outcome, "{msgs:?}");
            for (mine, theirs) in [
                (&mut samples.bot_reply, &mut expected.bot_reply),
                (&mut samples.handover_wait, &mut expected.handover_wait),
                (&mut samples.operator_reply, &mut expected.operator_reply),
            ] {
                mine.sort_unstable();
                theirs.sort_unstable();
                assert_eq!(mine, theirs, "{msgs:?}");
            }
        }
        let (outcome, samples) = talk(&worked_example());
        assert_eq!((outcome, sorted(samples.operator_reply)), (Outcome::HandedOverAnswered, vec![120, 180]));
    }

    #[test]
    fn an_operator_who_joins_unasked_answers_the_handover_at_once() {
        use Sender::*;
        let mut samples = ResponseSamples::default();
        let msgs = [msg(0, User, false), msg(30, Operator, false), msg(40, User, false)];
        assert_eq!(read_session(&msgs, &mut samples), Outcome::HandedOverAnswered, "handover wins over abandoned");
        assert_eq!(samples.handover_wait, [0]);
        assert_eq!(waiting_since(&msgs), None);
    }
}
