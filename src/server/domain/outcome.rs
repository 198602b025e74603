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

/// One response time measured inside a session, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    pub kind: TimingKind,
    pub ms: i64,
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
