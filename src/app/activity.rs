//! The activity feed's memory: the last 50 moments the server announced on the live
//! socket (a session that starts counting, a person taking over, a widget opened, a
//! handover left unanswered), newest
//! first. Kept for the tab's life, so that moving between the dashboards keeps it.

use std::collections::VecDeque;

use leptos::prelude::*;

use crate::i18n::Text;
use crate::model::Channel;

/// Entries the feed keeps.
pub const FEED_LENGTH: usize = 50;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActivityKind {
    SessionStarted,
    HumanTakeover,
    WidgetOpened,
    /// A session ended with its handover unanswered.
    HandoverUnanswered,
}

impl ActivityKind {
    pub fn code(self) -> &'static str {
        match self {
            ActivityKind::SessionStarted => "session",
            ActivityKind::HumanTakeover => "human",
            ActivityKind::WidgetOpened => "open",
            ActivityKind::HandoverUnanswered => "unanswered",
        }
    }

    pub fn label(self) -> Text {
        match self {
            ActivityKind::SessionStarted => Text::ActivitySession,
            ActivityKind::HumanTakeover => Text::ActivityTakeover,
            ActivityKind::WidgetOpened => Text::ActivityOpen,
            ActivityKind::HandoverUnanswered => Text::ActivityUnanswered,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Activity {
    pub id: u64,
    pub kind: ActivityKind,
    pub channel: Option<Channel>,
    /// The visitor's name, else their id.
    pub visitor: String,
    /// When it happened, as the event says (ms since the epoch).
    pub at_ms: f64,
}

#[derive(Clone, Copy)]
pub struct ActivityFeed {
    pub items: RwSignal<VecDeque<Activity>>,
    next_id: StoredValue<u64>,
}

pub fn provide_activity() -> ActivityFeed {
    let feed = ActivityFeed { items: RwSignal::new(VecDeque::new()), next_id: StoredValue::new(0) };
    provide_context(feed);
    feed
}

pub fn use_activity() -> ActivityFeed {
    expect_context::<ActivityFeed>()
}

impl ActivityFeed {
    pub fn record(self, kind: ActivityKind, channel: Option<Channel>, visitor: String, at_ms: f64) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.items.update(|items| {
            items.push_front(Activity { id, kind, channel, visitor, at_ms });
            items.truncate(FEED_LENGTH);
        });
    }
}
