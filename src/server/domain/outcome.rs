//! What reading a session's conversation comes to (`conversation`): its outcome and where
//! its response-time samples are, as the session record keeps them. Nothing here reads messages,
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

/// One response time measured inside a session, in milliseconds, with its kind in the
/// two low bits: 8 bytes where a field each took 16, and there are about a third as many
/// samples as messages.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Sample(i64);

impl Sample {
    const KINDS: [TimingKind; 3] = [TimingKind::BotReply, TimingKind::HandoverWait, TimingKind::OperatorReply];

    /// `ms` is a difference of two instants: far inside the 62 bits left for it.
    pub fn new(kind: TimingKind, ms: i64) -> Sample {
        Sample(ms << 2 | kind as i64)
    }

    pub fn kind(self) -> TimingKind {
        Self::KINDS[(self.0 & 3) as usize]
    }

    pub fn ms(self) -> i64 {
        self.0 >> 2
    }
}

impl std::fmt::Debug for Sample {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sample").field("kind", &self.kind()).field("ms", &self.ms()).finish()
    }
}

/// Where a session's samples are in its user's list: a stretch that grows as the
/// session does (it is always its user's last while it grows).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SessionSamples {
    pub first: u32,
    pub len: u32,
}

impl SessionSamples {
    /// No samples yet; the session's first one will be at `first` in the user's list.
    pub fn starting_at(first: usize) -> SessionSamples {
        SessionSamples { first: first as u32, len: 0 }
    }

    /// The session's samples now run to the end of its user's list, `list_len` long.
    pub fn reach(&mut self, list_len: usize) {
        self.len = list_len as u32 - self.first;
    }

    /// Hands every sample of the session to `take`; `list` is its user's list.
    pub fn each(&self, list: &[Sample], take: impl FnMut(Sample)) {
        let first = self.first as usize;
        list[first..first + self.len as usize].iter().copied().for_each(take);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_is_eight_bytes_and_keeps_its_kind_and_time() {
        assert_eq!(std::mem::size_of::<Sample>(), 8);
        for kind in Sample::KINDS {
            for ms in [0, 1, -1, 59_999, -1_000, 400 * 86_400_000, i64::MAX >> 2, i64::MIN >> 2] {
                let sample = Sample::new(kind, ms);
                assert_eq!((sample.kind(), sample.ms()), (kind, ms));
            }
        }
    }
}
