//! What reading a session's conversation comes to (`conversation`): its outcome and its
//! response-time samples, as the session record keeps them. Nothing here reads messages,
//! so the session rules (`sessions`) can hold these without knowing how they are read.

/// One per session; the order is the order the rules are tried in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    HandedOverUnanswered,
    HandedOverAnswered,
    Abandoned,
    BotOnly,
}

/// Which response time a sample measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimingKind {
    BotReply,
    HandoverWait,
    OperatorReply,
}

/// One response time measured inside a session, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    pub kind: TimingKind,
    pub ms: i64,
}

/// Samples a session keeps in itself, so that a read of the figures finds them without
/// another memory access; a session with more reads them from its user's list.
const INLINE_SAMPLES: usize = 3;
/// The largest time an inline sample holds: 2^30 ms, about 12 days.
const INLINE_MAX_MS: i64 = (1 << 30) - 1;

/// Where a session's samples are: a stretch of its user's list, the first few of them
/// also packed in here (milliseconds, with the timing in the top two bits).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SessionSamples {
    pub first: u32,
    pub len: u32,
    inline: [u32; INLINE_SAMPLES],
    /// A sample did not fit inline (too long, or too many): read the user's list.
    spilled: bool,
}

impl SessionSamples {
    /// No samples yet; the session's first one will be at `first` in the user's list.
    pub fn starting_at(first: usize) -> SessionSamples {
        SessionSamples { first: first as u32, ..SessionSamples::default() }
    }

    /// Notes the session's next sample, just pushed to the user's list.
    pub fn note(&mut self, sample: Sample) {
        let index = self.len as usize;
        self.len += 1;
        if index < INLINE_SAMPLES && (0..=INLINE_MAX_MS).contains(&sample.ms) {
            self.inline[index] = ((sample.kind as u32) << 30) | sample.ms as u32;
        } else {
            self.spilled = true;
        }
    }

    /// Hands every sample of the session to `take`; `list` is its user's list.
    pub fn each(&self, list: &[Sample], mut take: impl FnMut(Sample)) {
        if self.spilled {
            let first = self.first as usize;
            list[first..first + self.len as usize].iter().for_each(|s| take(*s));
            return;
        }
        for &packed in &self.inline[..self.len as usize] {
            let kind =
                [TimingKind::BotReply, TimingKind::HandoverWait, TimingKind::OperatorReply][(packed >> 30) as usize];
            take(Sample { kind, ms: i64::from(packed & INLINE_MAX_MS as u32) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_kept_inline_or_spilled_read_back_the_same() {
        let samples = [
            Sample { kind: TimingKind::OperatorReply, ms: 5 },
            Sample { kind: TimingKind::HandoverWait, ms: INLINE_MAX_MS },
            Sample { kind: TimingKind::BotReply, ms: 0 },
            Sample { kind: TimingKind::BotReply, ms: 30 * 86_400_000 },
        ];
        for count in 0..=samples.len() {
            let mut kept = SessionSamples::starting_at(0);
            samples[..count].iter().for_each(|s| kept.note(*s));
            let mut read = Vec::new();
            kept.each(&samples, |s| read.push(s));
            assert_eq!(read, samples[..count], "{count} samples");
        }
    }
}
