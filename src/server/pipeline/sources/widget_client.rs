//! Listens to a widget server's `/stats` namespace as a Socket.IO client, as the old
//! stats server did, and turns its announcements into events (`widget_payload`).
//!
//! The client (`rust_socketio`) reconnects by itself; before each attempt it waits a
//! growing, jittered delay of ours (`retry_delay`), so that a long outage is retried
//! calmly and many instances do not come back in step. Announcements are handed to a
//! task of their own, which stores them in batches and retries while the database is
//! unavailable: what was heard is not lost to a database hiccup.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures::FutureExt;
use rust_socketio::asynchronous::{ClientBuilder, ReconnectSettings};
use rust_socketio::{Event as SocketEvent, Payload};
use serde_json::Value;
use tokio::sync::mpsc;

use super::sql_follower::FollowerWake;
use super::widget_payload::{read_announcement, Announcement};
use super::{retry_delay, Sources};
use crate::model::SourceState;
use crate::server::config::WidgetSourceConfig;
use crate::server::domain::event::Channel;
use crate::server::domain::time::now_ms;
use crate::server::pipeline::ingest::{Ingestor, Source};

/// The announcements chatpulse listens for.
const ANNOUNCEMENTS: [&str; 2] = ["stats_update", "widget_opened"];
/// Announcements heard but not yet stored; past this the client waits (and with it the
/// reading of its socket).
const BACKLOG: usize = 10_000;
/// Events stored in one request at most.
const BATCH: usize = 500;

/// One widget server's announcements, into events of its channel.
pub struct WidgetListener {
    pub config: WidgetSourceConfig,
    pub ingestor: Arc<Ingestor>,
    pub sources: Sources,
    /// The SQL follower to wake on `new_message`, when a SQL source records messages.
    pub sql_follower: Option<FollowerWake>,
}

/// The source's name in statuses and metrics; its events' ids start with it.
pub fn source_name(channel: Channel) -> &'static str {
    match channel {
        Channel::Web => "socketio:web",
        Channel::Premium => "socketio:premium",
    }
}

impl WidgetListener {
    pub fn spawn(self) {
        let (heard, backlog) = mpsc::channel(BACKLOG);
        let name = source_name(self.config.channel);
        self.sources.set_state(name, SourceState::Starting, Some(format!("connecting to {}", self.address())));
        let listener = Arc::new(self);
        tokio::spawn(listener.clone().store(backlog));
        tokio::spawn(listener.connect(heard));
    }

    fn address(&self) -> String {
        format!("{}{}", self.config.server, self.config.namespace)
    }

    /// Connects, retrying with backoff until the first connection; from then on the
    /// client reconnects by itself.
    async fn connect(self: Arc<Self>, heard: mpsc::Sender<(String, Value)>) {
        let name = source_name(self.config.channel);
        let failures = Arc::new(AtomicU32::new(0));
        loop {
            match self.client_builder(heard.clone(), failures.clone()).connect().await {
                Ok(client) => {
                    // The client lives as long as its reading task, which holds a clone.
                    drop(client);
                    return;
                }
                Err(error) => {
                    let attempt = failures.fetch_add(1, Ordering::Relaxed);
                    let detail = format!("cannot connect to {}: {error}", self.address());
                    tracing::warn!(source = name, attempt, "{detail}");
                    self.sources.set_state(name, SourceState::Down, Some(detail));
                    tokio::time::sleep(retry_delay(attempt)).await;
                }
            }
        }
    }

    fn client_builder(&self, heard: mpsc::Sender<(String, Value)>, failures: Arc<AtomicU32>) -> ClientBuilder {
        let name = source_name(self.config.channel);
        let address = self.address();
        let mut builder = ClientBuilder::new(self.config.server.clone())
            .namespace(self.config.namespace.clone())
            .reconnect(true)
            .reconnect_on_disconnect(true)
            // The client's own wait after a failed attempt; ours comes before each one.
            .reconnect_delay(100, 1000);
        for announcement in ANNOUNCEMENTS {
            let heard = heard.clone();
            builder = builder.on(announcement, move |payload: Payload, _| {
                let heard = heard.clone();
                async move {
                    for value in payload_values(payload) {
                        let _ = heard.send((announcement.to_string(), value)).await;
                    }
                }
                .boxed()
            });
        }
        let (sources, connected_failures) = (self.sources.clone(), failures.clone());
        let connected_address = address.clone();
        builder = builder.on(SocketEvent::Connect, move |_, _| {
            connected_failures.store(0, Ordering::Relaxed);
            tracing::info!(source = name, address = %connected_address, "listening to the widget server");
            sources.set_state(name, SourceState::Connected, None);
            async {}.boxed()
        });
        let sources = self.sources.clone();
        builder = builder.on(SocketEvent::Error, move |payload, _| {
            let detail = payload_values(payload).into_iter().map(|v| v.to_string()).collect::<Vec<_>>().join(" ");
            tracing::debug!(source = name, %detail, "widget server socket error");
            sources.update(name, |status| status.detail = Some(detail));
            async {}.boxed()
        });
        let sources = self.sources.clone();
        builder.on_reconnect(move || {
            let attempt = failures.fetch_add(1, Ordering::Relaxed);
            let detail = format!("disconnected from {address}; reconnecting (attempt {})", attempt + 1);
            if attempt == 0 {
                tracing::warn!(source = name, "{detail}");
            }
            sources.set_state(name, SourceState::Down, Some(detail));
            async move {
                tokio::time::sleep(retry_delay(attempt)).await;
                ReconnectSettings::new()
            }
            .boxed()
        })
    }

    /// Stores what was heard, in batches, retrying while the database is unavailable.
    async fn store(self: Arc<Self>, mut backlog: mpsc::Receiver<(String, Value)>) {
        let name = source_name(self.config.channel);
        let mut batch = Vec::with_capacity(BATCH);
        while let Some(first) = backlog.recv().await {
            let mut heard = vec![first];
            while heard.len() < BATCH {
                match backlog.try_recv() {
                    Ok(next) => heard.push(next),
                    Err(_) => break,
                }
            }
            for (announcement, payload) in &heard {
                let messages_from_sql = self.sql_follower.is_some();
                match read_announcement(announcement, payload, self.config.channel, messages_from_sql, now_ms()) {
                    Announcement::Event(event) => batch.push(event),
                    Announcement::MessageRowComing => {
                        if let Some(follower) = &self.sql_follower {
                            follower.row_announced();
                        }
                    }
                    Announcement::Unmappable(reason) => self.refuse(announcement, reason),
                }
            }
            self.sources.update(name, |status| status.read += heard.len() as u64);
            self.store_batch(std::mem::take(&mut batch)).await;
        }
    }

    async fn store_batch(&self, events: Vec<crate::server::domain::event::Event>) {
        if events.is_empty() {
            return;
        }
        let name = source_name(self.config.channel);
        let mut attempt = 0;
        while let Err(error) = self.ingestor.ingest(Source::Followed(name), events.clone()).await {
            tracing::warn!(source = name, %error, events = events.len(), "announcements could not be stored; retrying");
            tokio::time::sleep(retry_delay(attempt).max(Duration::from_millis(250))).await;
            attempt += 1;
        }
    }

    fn refuse(&self, announcement: &str, reason: String) {
        let name = source_name(self.config.channel);
        tracing::warn!(source = name, %reason, "an announcement could not be mapped to an event");
        self.sources.count_refusal(name, reason, announcement.to_string());
    }
}

/// The JSON values of an announcement (binary payloads carry none chatpulse reads).
#[allow(deprecated)] // Payload::String: older servers' form, still delivered by the client.
fn payload_values(payload: Payload) -> Vec<Value> {
    match payload {
        Payload::Text(values) => values,
        Payload::String(text) => vec![serde_json::from_str(&text).unwrap_or(Value::String(text))],
        Payload::Binary(_) => vec![Value::Null],
    }
}
