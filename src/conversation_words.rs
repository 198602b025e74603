//! The words of the conversation figures: each outcome's, timing's and bucket's name,
//! in the order the figures list them (`conversation_figures`).

use crate::conversation_figures::{ResponseTimes, Timing};
use crate::i18n::Text;

/// The outcomes' names, in `OutcomeCounts::as_array` order.
pub const OUTCOME_NAMES: [Text; 4] =
    [Text::OutcomeBotOnly, Text::OutcomeAnswered, Text::OutcomeUnanswered, Text::OutcomeAbandoned];

/// The timing buckets' names, in `TIMING_BUCKETS` order.
pub const TIMING_BUCKET_NAMES: [Text; 5] =
    [Text::Under1Min, Text::Min1To5, Text::Min5To15, Text::Min15To60, Text::Over60Min];

/// Each timing with its name, in the order the dashboard shows them.
pub fn named_timings(times: &ResponseTimes) -> [(Text, &Timing); 3] {
    [
        (Text::BotReply, &times.bot_reply),
        (Text::HandoverWait, &times.handover_wait),
        (Text::OperatorReply, &times.operator_reply),
    ]
}
