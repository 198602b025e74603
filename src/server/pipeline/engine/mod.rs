//! The in-memory figures engine: every stored event, folded into per-user sessions and
//! time-slot rollups as it is committed, so that a `Stats` document costs the size of
//! its range, never a pass over every raw message.

pub mod alert_readings;
pub mod calendar;
pub mod conversations;
pub mod day_samples;
pub mod labels;
pub mod names;
pub mod operators;
pub mod pages;
pub mod query;
pub mod recorded;
pub mod session_slots;
pub mod slot_map;
pub mod timeline;
pub mod top_rows;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono_tz::Tz;

use crate::model::Settings;
use crate::server::domain::conversation::{Sample, SessionSamples, Talk};
use crate::server::domain::country_code::CountryCode;
use crate::server::domain::event::{Channel, Event, Kind, Sender};
use crate::server::domain::sessions::{number_sessions, split_sessions, Msg, Session};
use crate::server::domain::settings::FigureSettings;
use labels::{LabelSets, Labels};
use names::{Names, Number};
use session_slots::SessionSums;
use timeline::{Stamp, Timeline};

/// Something a watching owner is told about as it happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MilestoneKind {
    /// A session reached the minimum number of messages and now counts.
    SessionStarted,
    /// A human operator took over from the bot.
    HumanTakeover,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Milestone {
    pub kind: MilestoneKind,
    pub channel: Channel,
    pub user_id: Arc<str>,
    pub user_name: Option<Arc<str>>,
    pub at: i64,
}

/// An event as stored: the database's commit order with it.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredEvent {
    pub seq: i64,
    pub event: Event,
}

/// One user (a `(channel, user_id)` pair) and everything derived from their events.
#[derive(Debug)]
pub struct UserState {
    pub channel: Channel,
    pub user_id: Arc<str>,
    pub msgs: Vec<Msg>,
    pub sessions: Vec<Session>,
    pub valid_sessions: u32,
    /// The response-time samples of every session, each session's in one stretch
    /// (`Session::samples`).
    pub samples: Vec<Sample>,
    /// How the last session's conversation stands, ready for its next message.
    talk: Talk,
    /// The keys of this user's entries in `Engine::latest_session` and
    /// `Engine::latest_named`.
    latest: Option<(i64, i64)>,
    latest_named: Option<(i64, i64)>,
    last_user_msg: Option<(i64, i64)>,
    last_offline: Option<(i64, i64)>,
    /// `(at, seq)` of the latest message from anyone.
    last_msg: Option<(i64, i64)>,
}

impl UserState {
    fn new(channel: Channel, user_id: Arc<str>) -> Self {
        UserState {
            channel,
            user_id,
            msgs: Vec::new(),
            sessions: Vec::new(),
            valid_sessions: 0,
            samples: Vec::new(),
            talk: Talk::default(),
            latest: None,
            latest_named: None,
            last_user_msg: None,
            last_offline: None,
            last_msg: None,
        }
    }

    /// Reads every one of `sessions` (cut from `msgs`) message by message: their
    /// outcomes and samples, and the last one's `talk` for the messages to come.
    fn read_talks(&mut self, sessions: &mut [Session]) {
        self.samples.clear();
        for session in sessions.iter_mut() {
            session.samples = SessionSamples::starting_at(self.samples.len());
            self.talk = Talk::default();
            for end in session.indices() {
                self.talk.take_into(&self.msgs[session.first as usize..=end], &mut self.samples, &mut session.samples);
            }
            session.outcome = self.talk.outcome();
        }
    }

    /// Gives back the room its lists grew into while loading: doubling leaves a quarter
    /// of a list unused on average, and at a million messages that is tens of MB.
    fn shrink(&mut self) {
        self.msgs.shrink_to_fit();
        self.sessions.shrink_to_fit();
        self.samples.shrink_to_fit();
    }

    /// Online at `now`: a user message within the window and no later `user_offline`.
    fn is_online(&self, now: i64, window_ms: i64) -> bool {
        match self.last_user_msg {
            Some(last) => now - last.0 <= window_ms && self.last_offline.is_none_or(|off| off < last),
            None => false,
        }
    }
}

pub struct Engine {
    settings: FigureSettings,
    settings_revision: i64,
    /// The deletions of events these figures reflect (see `db::StoredSettings`).
    data_epoch: i64,
    applied_seq: i64,
    users: Vec<UserState>,
    /// Per channel (by its code), user id → index into `users`.
    user_index: [HashMap<Arc<str>, u32>; 2],
    /// Valid sessions by `(start, start_seq)`.
    sessions: BTreeMap<(i64, i64), SessionEntry>,
    /// The additive figures of valid sessions, per slot of their start.
    session_slots: session_slots::SessionSlots,
    /// Each user's latest valid session, and latest valid session that names a country,
    /// by `(start, start_seq)`: the users and countries of a range that nothing starts
    /// after (one ending now), read without walking every session in it.
    latest_session: BTreeMap<(i64, i64), SessionEntry>,
    latest_named: BTreeMap<(i64, i64), SessionEntry>,
    /// No valid session has lasted longer (it may be shorter now): how far back from
    /// the newest ending sessions a read must look for them.
    longest_session_ms: i64,
    /// Messages of valid sessions; the column is the sender.
    messages: Timeline,
    widget_opens: Timeline,
    /// `(at, seq, channel, page)` of every widget open, for the record (`widget_opens`
    /// keeps only what its counts need).
    opens: Vec<(i64, i64, Channel, Option<Number>)>,
    /// `(at, seq, user)` of each user's last user-sent message.
    presence: BTreeSet<(i64, i64, u32)>,
    /// `(at, seq, user)` of each user's last message from anyone: whose session may
    /// still be open (the live queue).
    recent: BTreeSet<(i64, i64, u32)>,
    /// Operator ids by number (`Labels::operator`).
    operators: Names,
    /// Per operator, `(at, seq)` of their last message on each channel.
    operator_last: Vec<[Option<(i64, i64)>; 2]>,
    /// `(at, seq, operator, channel)` of each operator's last message per channel.
    operator_activity: BTreeSet<(i64, i64, Number, Channel)>,
    /// Pages (origin and path) by number (`Labels::page`).
    pages: Names,
    /// Visitors' names and cities by number (`Labels::name`, `Labels::city`).
    texts: Names,
    /// What each message names, by number (`Msg::labels`).
    labels: LabelSets,
    /// `(at, seq, page, channel)` of every widget open that names its page.
    page_opens: BTreeSet<(i64, i64, Number, Channel)>,
    /// The newest time any event carries: how long the widgets have been silent.
    newest_at: Option<i64>,
    /// The response-time samples of valid sessions, sorted per day and channel.
    day_samples: day_samples::DaySamples,
    /// During a bulk load the ordered indexes are left empty and built once at its end
    /// (`index_loaded`): `sessions` and the latest-session maps from `loaded_sessions`,
    /// `presence`, `recent` and `operator_activity` from the latest keys, and each day's
    /// samples sorted. Filled one entry at a time, in no global order, they took most
    /// of a ten-million-message start.
    loading: bool,
    loaded_sessions: Vec<((i64, i64), SessionEntry)>,
}

/// What a read needs of a valid session without reaching into its user's records: the
/// users, countries and sessions-table figures of a range walk these alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionEntry {
    pub user: u32,
    pub number: u32,
    pub end: i64,
    pub country: Option<[u8; 2]>,
    pub channel: Channel,
}

impl SessionEntry {
    fn of(user: u32, channel: Channel, session: &Session) -> SessionEntry {
        let country = session.country.map(CountryCode::bytes);
        SessionEntry { user, number: session.number, end: session.end, country, channel }
    }
}

pub struct BulkLoader {
    engine: Engine,
    touched: BTreeSet<u32>,
}

impl BulkLoader {
    /// Marks the figures as reflecting `data_epoch` deletions, with the data version
    /// starting at `seq_floor` (the newest sequence before the last deletion).
    pub fn after_deletions(&mut self, data_epoch: i64, seq_floor: i64) {
        self.engine.data_epoch = data_epoch;
        self.engine.applied_seq = self.engine.applied_seq.max(seq_floor);
    }

    pub fn record(&mut self, events: Vec<StoredEvent>) {
        for stored in &events {
            if let Some(user) = self.engine.record(stored) {
                self.touched.insert(user);
            }
        }
    }

    pub fn finish(mut self) -> Engine {
        for user in std::mem::take(&mut self.touched) {
            self.engine.users[user as usize].msgs.sort_by_key(Msg::order_key);
            self.engine.split_and_index_user(user);
            self.engine.users[user as usize].shrink();
        }
        self.engine.index_loaded();
        self.engine.compact();
        self.engine
    }
}

impl Engine {
    pub fn new(settings: Settings, settings_revision: i64) -> Self {
        Engine {
            settings: FigureSettings::of(settings),
            settings_revision,
            data_epoch: 0,
            applied_seq: 0,
            users: Vec::new(),
            user_index: Default::default(),
            sessions: BTreeMap::new(),
            session_slots: Default::default(),
            latest_session: BTreeMap::new(),
            latest_named: BTreeMap::new(),
            longest_session_ms: 0,
            messages: Timeline::default(),
            widget_opens: Timeline::default(),
            opens: Vec::new(),
            presence: BTreeSet::new(),
            recent: BTreeSet::new(),
            operators: Names::default(),
            operator_last: Vec::new(),
            operator_activity: BTreeSet::new(),
            pages: Names::default(),
            texts: Names::default(),
            labels: LabelSets::default(),
            page_opens: BTreeSet::new(),
            newest_at: None,
            day_samples: day_samples::DaySamples::default(),
            loading: false,
            loaded_sessions: Vec::new(),
        }
    }

    /// Starts a bulk load: events are recorded first and each user's sessions are cut
    /// once at the end, instead of after every message.
    pub fn bulk_loader(settings: Settings, settings_revision: i64) -> BulkLoader {
        let engine = Engine { loading: true, ..Engine::new(settings, settings_revision) };
        BulkLoader { engine, touched: BTreeSet::new() }
    }

    /// Gives back what a bulk load left unused: the slack of lists filled one push at a
    /// time, and the half-empty nodes of an ordered index filled in no global order.
    /// Built from sorted entries, every node is full: at ten million messages the
    /// sessions index takes 57 MiB where one filled user by user took 84.
    fn compact(&mut self) {
        self.users.shrink_to_fit();
        self.opens.shrink_to_fit();
        self.messages.shrink();
        self.widget_opens.shrink();
        self.page_opens = std::mem::take(&mut self.page_opens).into_iter().collect();
    }

    /// Builds the indexes that a bulk load left empty (`loading`).
    fn index_loaded(&mut self) {
        self.loading = false;
        self.day_samples.sort_and_shrink();
        self.sessions = std::mem::take(&mut self.loaded_sessions).into_iter().collect();
        let entry = |key: (i64, i64)| (key, self.sessions[&key]);
        self.latest_session = self.users.iter().filter_map(|state| state.latest.map(entry)).collect();
        self.latest_named = self.users.iter().filter_map(|state| state.latest_named.map(entry)).collect();
        let users = || self.users.iter().zip(0u32..);
        self.presence =
            users().filter_map(|(state, user)| state.last_user_msg.map(|(at, seq)| (at, seq, user))).collect();
        self.recent = users().filter_map(|(state, user)| state.last_msg.map(|(at, seq)| (at, seq, user))).collect();
        self.operator_activity = (self.operator_last.iter().enumerate())
            .flat_map(|(index, last)| {
                let operator = Number::of_index(index);
                Channel::ALL
                    .into_iter()
                    .filter_map(move |channel| last[channel as usize].map(|(at, seq)| (at, seq, operator, channel)))
            })
            .collect();
    }

    /// Builds an engine from stored events in one pass.
    pub fn build(settings: Settings, settings_revision: i64, events: Vec<StoredEvent>) -> Self {
        let mut loader = Engine::bulk_loader(settings, settings_revision);
        loader.record(events);
        loader.finish()
    }

    pub fn settings(&self) -> &Settings {
        &self.settings.stored
    }

    /// The configured time zone, which the calendar figures follow.
    pub fn tz(&self) -> Tz {
        self.settings.tz
    }

    /// The start of the first valid session: where "all time" begins.
    pub fn earliest(&self) -> Option<i64> {
        self.sessions.keys().next().map(|(start, _)| *start)
    }

    pub fn settings_revision(&self) -> i64 {
        self.settings_revision
    }

    pub fn data_epoch(&self) -> i64 {
        self.data_epoch
    }

    pub fn applied_seq(&self) -> i64 {
        self.applied_seq
    }

    /// The data version: grows with every applied event and every settings change.
    pub fn version(&self) -> u64 {
        (self.applied_seq + self.settings_revision).max(0) as u64
    }

    /// A settings change that keeps the session rules (time zone, online window)
    /// needs no rebuild.
    pub fn same_rules(&self, settings: &Settings) -> bool {
        FigureSettings::of(settings.clone()).sessions == self.settings.sessions
    }

    pub fn set_view_settings(&mut self, settings: Settings, revision: i64) {
        debug_assert!(self.same_rules(&settings));
        self.settings = FigureSettings::of(settings);
        self.settings_revision = revision;
    }

    /// Applies committed events in commit order; events at or below the applied
    /// sequence were applied already and are skipped. Returns the moments worth telling
    /// a watching owner about.
    ///
    /// A message earlier than its user's latest makes that user's sessions be cut
    /// again, once per call however many late messages the call brings: the user's
    /// sessions leave the rollups at the first late one, later messages of that user are
    /// only recorded, and the user is sorted and cut once at the end. A backlog of late
    /// messages so costs O(n log n) for a user of n messages, not O(n) per message.
    /// Later messages of a re-cut user in the same call are no milestones: they arrive
    /// with a correction of history, not as news.
    pub fn apply(&mut self, events: &[StoredEvent]) -> Vec<Milestone> {
        let mut milestones = Vec::new();
        let mut recut = BTreeSet::new();
        for stored in events {
            if stored.seq <= self.applied_seq {
                continue;
            }
            let Some(user) = self.record(stored) else { continue };
            if stored.event.kind != Kind::Message || recut.contains(&user) {
                continue;
            }
            if self.latest_is_in_order(user) {
                milestones.extend(self.place_latest_message(user).into_iter().flatten());
            } else {
                // The sessions' indices still describe `msgs` but for the new last one.
                self.unindex_user(user);
                recut.insert(user);
            }
        }
        for user in recut {
            self.users[user as usize].msgs.sort_by_key(Msg::order_key);
            self.split_and_index_user(user);
        }
        milestones
    }

    fn latest_is_in_order(&self, user: u32) -> bool {
        match self.users[user as usize].msgs.as_slice() {
            [.., before, last] => before.order_key() <= last.order_key(),
            _ => true,
        }
    }

    fn intern(&mut self, channel: Channel, user_id: &str) -> u32 {
        if let Some(&id) = self.user_index[channel as usize].get(user_id) {
            return id;
        }
        let name: Arc<str> = user_id.into();
        let id = self.users.len() as u32;
        self.users.push(UserState::new(channel, name.clone()));
        self.user_index[channel as usize].insert(name, id);
        id
    }

    /// Stores the raw event and the presence it implies. A message is appended to its
    /// user's list unplaced; the caller places it. Returns the user of a message.
    fn record(&mut self, stored: &StoredEvent) -> Option<u32> {
        let StoredEvent { seq, event } = stored;
        self.note_marks(*seq, event.at_ms);
        let key = (event.at_ms, *seq);
        match event.kind {
            Kind::WidgetOpened => {
                self.record_open(key, event.channel, event.page_url.as_deref());
                None
            }
            Kind::UserOnline => None,
            Kind::UserOffline => {
                let user = self.intern(event.channel, &event.user_id);
                self.record_offline(user, key);
                None
            }
            Kind::Message => {
                let user = self.intern(event.channel, &event.user_id);
                let sender = event.sender.unwrap_or(Sender::User);
                let msg = Msg {
                    country: event.country.as_deref().and_then(CountryCode::parse),
                    ..Msg::bare(event.at_ms, *seq, sender, event.human_mode)
                };
                let texts = MessageTexts {
                    operator: event.operator_id.as_deref(),
                    page: event.page_url.as_deref(),
                    name: event.user_name.as_deref(),
                    city: event.city.as_deref(),
                };
                self.record_message(user, msg, texts);
                Some(user)
            }
        }
    }

    fn note_marks(&mut self, seq: i64, at: i64) {
        self.applied_seq = self.applied_seq.max(seq);
        self.newest_at = self.newest_at.max(Some(at));
    }

    fn record_open(&mut self, (at, seq): (i64, i64), channel: Channel, page: Option<&str>) {
        self.widget_opens.add(Stamp { at, channel, column: 0 });
        let page = page.map(|page| self.pages.number(page));
        self.opens.push((at, seq, channel, page));
        if let Some(page) = page {
            self.page_opens.insert((at, seq, page, channel));
        }
    }

    fn record_offline(&mut self, user: u32, key: (i64, i64)) {
        let state = &mut self.users[user as usize];
        if state.last_offline.is_none_or(|off| off < key) {
            state.last_offline = Some(key);
        }
    }

    /// Appends a message, its texts numbered, to its user's list, unplaced.
    fn record_message(&mut self, user: u32, mut msg: Msg, texts: MessageTexts) {
        let key = msg.order_key();
        let channel = self.users[user as usize].channel;
        let labels = Labels {
            operator: texts.operator.map(|id| self.note_operator(id, channel, key)),
            page: texts.page.map(|page| self.pages.number(page)),
            name: texts.name.map(|name| self.texts.number(name)),
            city: texts.city.map(|city| self.texts.number(city)),
        };
        msg.labels = self.labels.number(labels);
        let state = &mut self.users[user as usize];
        if msg.sender == Sender::User {
            let presence = (!self.loading).then_some(&mut self.presence);
            note_latest(&mut state.last_user_msg, key, presence, |(at, seq)| (at, seq, user));
        }
        let recent = (!self.loading).then_some(&mut self.recent);
        note_latest(&mut state.last_msg, key, recent, |(at, seq)| (at, seq, user));
        state.msgs.push(msg);
    }

    /// The operator's number, with `key` noted as their latest message on `channel`
    /// when it is.
    fn note_operator(&mut self, id: &str, channel: Channel, key: (i64, i64)) -> Number {
        let operator = self.operators.number(id);
        if self.operator_last.len() <= operator.index() {
            self.operator_last.resize(operator.index() + 1, [None; 2]);
        }
        let last = &mut self.operator_last[operator.index()][channel as usize];
        let activity = (!self.loading).then_some(&mut self.operator_activity);
        note_latest(last, key, activity, |(at, seq)| (at, seq, operator, channel));
        operator
    }

    /// Places the user's newest message (last in `msgs`), which is the latest in time:
    /// extends or opens the last session. A message that makes a session valid, or
    /// that is the first in human mode after bot mode, is a milestone.
    fn place_latest_message(&mut self, user: u32) -> [Option<Milestone>; 2] {
        let rules = self.settings.sessions;
        let state = &mut self.users[user as usize];
        let index = state.msgs.len() - 1;
        let msg = state.msgs[index].clone();
        let took_over = msg.human && (index == 0 || !state.msgs[index - 1].human);
        let became_valid = match state.sessions.last_mut() {
            Some(last) if last.joins(rules, &msg) => {
                let was_valid = last.is_valid();
                let before = SessionSums::of(last);
                last.push(&msg);
                let known = state.samples.len();
                state.talk.take_into(&state.msgs[last.indices()], &mut state.samples, &mut last.samples);
                last.outcome = state.talk.outcome();
                if was_valid {
                    for &sample in &state.samples[known..] {
                        self.day_samples.add(last.start, state.channel, sample);
                    }
                    let stamp = message_stamp(state.channel, &msg);
                    self.messages.add(stamp);
                    self.session_slots.subtract(last.start, state.channel, &before);
                    let grown = last.clone();
                    self.summarize_session(user, &grown);
                    false
                } else if rules.is_valid(last.len as usize) {
                    state.valid_sessions += 1;
                    last.number = state.valid_sessions;
                    let session = last.clone();
                    self.index_session(user, &session);
                    true
                } else {
                    false
                }
            }
            _ => {
                let mut opened = Session::open(index, &msg);
                opened.samples = SessionSamples::starting_at(state.samples.len());
                state.talk = Talk::default();
                state.talk.take_into(&state.msgs[opened.indices()], &mut state.samples, &mut opened.samples);
                opened.outcome = state.talk.outcome();
                if rules.is_valid(opened.len as usize) {
                    state.valid_sessions += 1;
                    opened.number = state.valid_sessions;
                }
                state.sessions.push(opened.clone());
                if opened.is_valid() {
                    self.index_session(user, &opened);
                }
                opened.is_valid()
            }
        };
        let milestone = |kind| Some(self.milestone(kind, user, &msg));
        [
            if became_valid { milestone(MilestoneKind::SessionStarted) } else { None },
            if took_over { milestone(MilestoneKind::HumanTakeover) } else { None },
        ]
    }

    fn milestone(&self, kind: MilestoneKind, user: u32, msg: &Msg) -> Milestone {
        let state = &self.users[user as usize];
        let session = state.sessions.last().expect("the message was just placed in a session");
        Milestone {
            kind,
            channel: state.channel,
            user_id: state.user_id.clone(),
            user_name: session.last_of(&state.msgs, |m| self.labels.of(m).name).map(|name| self.texts.shared(name)),
            at: msg.at,
        }
    }

    /// Takes all of one user's sessions out of the rollups, in one pass per time slot.
    fn unindex_user(&mut self, user: u32) {
        let state = &mut self.users[user as usize];
        let old = std::mem::take(&mut state.sessions);
        let channel = state.channel;
        let mut leaving = Vec::new();
        for session in old.iter().filter(|s| s.is_valid()) {
            leaving.extend(state.msgs[session.indices()].iter().map(|msg| message_stamp(channel, msg)));
            self.sessions.remove(&(session.start, session.start_seq));
            self.session_slots.subtract(session.start, channel, &SessionSums::of(session));
            session.samples.each(&state.samples, |sample| self.day_samples.remove(session.start, channel, sample));
        }
        if let Some(key) = state.latest.take() {
            self.latest_session.remove(&key);
        }
        if let Some(key) = state.latest_named.take() {
            self.latest_named.remove(&key);
        }
        self.messages.remove_all(leaving);
    }

    /// Cuts all of one user's sessions from their sorted messages, which no session
    /// in the rollups describes.
    fn split_and_index_user(&mut self, user: u32) {
        let state = &mut self.users[user as usize];
        let mut sessions = split_sessions(&state.msgs, self.settings.sessions);
        state.valid_sessions = number_sessions(&mut sessions, self.settings.sessions);
        state.read_talks(&mut sessions);
        for session in sessions.iter().filter(|s| s.is_valid()) {
            self.index_session(user, session);
        }
        self.users[user as usize].sessions = sessions;
    }

    fn index_session(&mut self, user: u32, session: &Session) {
        let state = &self.users[user as usize];
        for msg in &state.msgs[session.indices()] {
            self.messages.add(message_stamp(state.channel, msg));
        }
        session.samples.each(&state.samples, |sample| match self.loading {
            true => self.day_samples.push_unsorted(session.start, state.channel, sample),
            false => self.day_samples.add(session.start, state.channel, sample),
        });
        self.summarize_session(user, session);
    }

    /// Puts a valid session, new or grown (its earlier sums already taken out of its
    /// slot), into the indexes that summarize it: its slot's sums, its entry by start,
    /// and the user's latest sessions.
    fn summarize_session(&mut self, user: u32, session: &Session) {
        let key = (session.start, session.start_seq);
        let state = &mut self.users[user as usize];
        let entry = SessionEntry::of(user, state.channel, session);
        self.session_slots.add(session.start, state.channel, &SessionSums::of(session));
        self.longest_session_ms = self.longest_session_ms.max(session.duration_ms());
        let newest = state.latest.is_none_or(|latest| latest <= key);
        let newest_named = session.country.is_some() && state.latest_named.is_none_or(|latest| latest <= key);
        if self.loading {
            self.loaded_sessions.push((key, entry));
            if newest {
                state.latest = Some(key);
            }
            if newest_named {
                state.latest_named = Some(key);
            }
            return;
        }
        self.sessions.insert(key, entry);
        if newest {
            if let Some(old) = state.latest.replace(key) {
                self.latest_session.remove(&old);
            }
            self.latest_session.insert(key, entry);
        }
        if newest_named {
            if let Some(old) = state.latest_named.replace(key) {
                self.latest_named.remove(&old);
            }
            self.latest_named.insert(key, entry);
        }
    }

    /// The valid sessions that start in `[from, to)` on the filter's channel(s), by
    /// start, with their user.
    pub fn sessions_in(
        &self,
        filter: crate::model::ChannelFilter,
        (from, to): (i64, i64),
    ) -> impl Iterator<Item = (u32, &UserState, &Session)> {
        self.sessions
            .range((from, i64::MIN)..(to, i64::MIN))
            .filter(move |(_, entry)| includes(filter, entry.channel))
            .map(|(&key, entry)| (entry.user, &self.users[entry.user as usize], self.session_at(entry.user, key)))
    }

    /// The session of `user` that starts at `key`.
    pub fn session_at(&self, user: u32, key: (i64, i64)) -> &Session {
        let sessions = &self.users[user as usize].sessions;
        let pos = sessions.partition_point(|s| (s.start, s.start_seq) < key);
        &sessions[pos]
    }
}

/// A message's texts as an event gives them, before the engine numbers them.
struct MessageTexts<'a> {
    operator: Option<&'a str>,
    page: Option<&'a str>,
    name: Option<&'a str>,
    city: Option<&'a str>,
}

/// Keeps `latest` the newest `(at, seq)` seen and `index`, unless a bulk load defers
/// it, holding one entry for it: a later key replaces the old entry, an earlier (late)
/// one changes nothing.
fn note_latest<T: Ord>(
    latest: &mut Option<(i64, i64)>,
    key: (i64, i64),
    index: Option<&mut BTreeSet<T>>,
    entry: impl Fn((i64, i64)) -> T,
) {
    if latest.is_some_and(|last| last >= key) {
        return;
    }
    let old = latest.replace(key);
    if let Some(index) = index {
        if let Some(old) = old {
            index.remove(&entry(old));
        }
        index.insert(entry(key));
    }
}

/// Whether a channel filter keeps a channel.
fn includes(filter: crate::model::ChannelFilter, channel: Channel) -> bool {
    filter.channel().is_none_or(|kept| kept == channel)
}

fn message_stamp(channel: Channel, msg: &Msg) -> Stamp {
    Stamp { at: msg.at, channel, column: msg.sender as u8 }
}

pub fn country_text(code: [u8; 2]) -> String {
    String::from_utf8_lossy(&code).into_owned()
}

#[cfg(test)]
pub(crate) mod tests;
