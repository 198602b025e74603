//! The engine's record of events, taken out and put back: what a checkpoint keeps.
//!
//! Only what the events left behind is kept, not the figures derived from it: every
//! message and widget open whole, each user's latest `user_offline`, the newest instant
//! and the applied sequence. A restored record is cut into sessions by the settings of
//! the day, so a checkpoint stays good across settings changes.

use std::ops::Range;
use std::sync::Arc;

use super::{BulkLoader, Engine, MessageTexts};
use crate::server::domain::country_code::CountryCode;
use crate::server::domain::event::{Channel, Sender};
use crate::server::domain::sessions::Msg;

/// A user's record: their messages in the order received. Taken out, its texts are
/// shared with the engine (`Arc<str>`); put back, they are borrowed from the file being
/// read (`&str`), so that a restore copies no text the engine has already.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedUser<Text = Arc<str>> {
    pub channel: Channel,
    pub user_id: Text,
    /// `(at, seq)` of their latest `user_offline`.
    pub last_offline: Option<(i64, i64)>,
    pub msgs: Vec<RecordedMsg<Text>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RecordedMsg<Text = Arc<str>> {
    pub at: i64,
    pub seq: i64,
    pub sender: Sender,
    pub human: bool,
    pub name: Option<Text>,
    pub country: Option<[u8; 2]>,
    pub city: Option<Text>,
    pub operator: Option<Text>,
    pub page: Option<Text>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RecordedOpen {
    pub at: i64,
    pub seq: i64,
    pub channel: Channel,
    pub page: Option<Arc<str>>,
}

/// Where the record stands: what no single recorded event restores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordedMarks {
    /// Every event up to this sequence is in the record.
    pub applied_seq: i64,
    pub newest_at: Option<i64>,
    pub data_epoch: i64,
    /// How many users the record holds, numbered from 0 in the order first seen.
    pub users: usize,
}

impl Engine {
    pub fn recorded_marks(&self) -> RecordedMarks {
        RecordedMarks {
            applied_seq: self.applied_seq,
            newest_at: self.newest_at,
            data_epoch: self.data_epoch,
            users: self.users.len(),
        }
    }

    /// The records of the users numbered `users` (those past the last one are skipped).
    pub fn recorded_users(&self, users: Range<usize>) -> Vec<RecordedUser> {
        let users = users.start.min(self.users.len())..users.end.min(self.users.len());
        self.users[users]
            .iter()
            .map(|state| RecordedUser {
                channel: state.channel,
                user_id: state.user_id.clone(),
                last_offline: state.last_offline,
                msgs: state.msgs.iter().map(|msg| self.recorded_msg(msg)).collect(),
            })
            .collect()
    }

    fn recorded_msg(&self, msg: &Msg) -> RecordedMsg {
        let labels = self.labels.of(msg);
        RecordedMsg {
            at: msg.at,
            seq: msg.seq,
            sender: msg.sender,
            human: msg.human,
            name: labels.name.map(|number| self.texts.shared(number)),
            country: msg.country.map(CountryCode::bytes),
            city: labels.city.map(|number| self.texts.shared(number)),
            operator: labels.operator.map(|number| self.operators.shared(number)),
            page: labels.page.map(|number| self.pages.shared(number)),
        }
    }

    /// Every widget open, with its page.
    pub fn recorded_opens(&self) -> Vec<RecordedOpen> {
        self.opens
            .iter()
            .map(|&(at, seq, channel, page)| RecordedOpen {
                at,
                seq,
                channel,
                page: page.map(|page| self.pages.shared(page)),
            })
            .collect()
    }
}

impl BulkLoader {
    /// Puts a record back, its users, opens and marks in any order: the marks are where
    /// the record stands (`RecordedMarks`).
    pub fn restore_marks(&mut self, applied_seq: i64, newest_at: Option<i64>) {
        self.engine.applied_seq = self.engine.applied_seq.max(applied_seq);
        self.engine.newest_at = self.engine.newest_at.max(newest_at);
    }

    pub fn restore_user<Text: std::ops::Deref<Target = str>>(&mut self, user: RecordedUser<Text>) {
        let engine = &mut self.engine;
        let number = engine.intern(user.channel, &user.user_id);
        if let Some(key) = user.last_offline {
            engine.record_offline(number, key);
        }
        // Its final length from the start: a list grown by doubling and then shrunk
        // leaves freed holes between the lists it was moved past.
        engine.users[number as usize].msgs.reserve_exact(user.msgs.len());
        for msg in user.msgs {
            let bare = Msg {
                country: msg.country.and_then(CountryCode::of),
                ..Msg::bare(msg.at, msg.seq, msg.sender, msg.human)
            };
            let texts = MessageTexts {
                operator: msg.operator.as_deref(),
                page: msg.page.as_deref(),
                name: msg.name.as_deref(),
                city: msg.city.as_deref(),
            };
            engine.record_message(number, bare, texts);
        }
        self.touched.insert(number);
    }

    pub fn restore_open(&mut self, open: RecordedOpen) {
        self.engine.record_open((open.at, open.seq), open.channel, open.page.as_deref());
    }
}
