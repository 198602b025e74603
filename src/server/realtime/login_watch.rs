//! Ends sockets whose credentials are over. A dashboard opened with an admin session
//! ends at logout, at a password change or removal of its admin (at once), and at
//! expiry (within `SWEEP_EVERY`); the page hears `session_expired` and goes to the
//! login form, keeping the URL it was on. A socket opened with an API key (either
//! namespace) hears `key_revoked` and ends when the key is revoked: at once on the
//! instance that revoked it, within `SWEEP_EVERY` on the others.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use socketioxide::adapter::Adapter;
use socketioxide::extract::SocketRef;

use super::fanout::Fanout;
use super::{DASHBOARD_NS, INGEST_NS};
use crate::server::auth::keyring::Keyring;
use crate::server::auth::AdminSessions;

pub const SWEEP_EVERY: Duration = Duration::from_secs(5);

/// The admin session a dashboard socket was opened with (stored in its extensions).
#[derive(Clone)]
pub struct SocketSession(pub String);

/// The API key a socket was opened with, by id (stored in its extensions).
#[derive(Clone, Copy)]
pub struct SocketKey(pub i64);

pub fn remember<A: Adapter>(socket: &SocketRef<A>, token: &str) {
    socket.extensions.insert(SocketSession(token.to_string()));
}

pub fn remember_key<A: Adapter>(socket: &SocketRef<A>, key_id: i64) {
    socket.extensions.insert(SocketKey(key_id));
}

/// What the watch reads: this instance's sockets, the active keys and the logins.
#[derive(Clone)]
pub struct LoginWatch {
    pub fanout: Fanout,
    pub keyring: Arc<Keyring>,
    pub logins: AdminSessions,
}

impl LoginWatch {
    /// Checks every socket of this instance once.
    pub async fn sweep(&self) {
        self.end_revoked_key_sockets();
        self.end_expired_session_sockets().await;
    }

    /// Sweeps every `SWEEP_EVERY`, after re-reading the keys, for as long as the process runs.
    pub fn spawn(self) {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(SWEEP_EVERY);
            loop {
                tick.tick().await;
                // Keys created or revoked on another instance reach this one here.
                if let Err(error) = self.keyring.reload().await {
                    tracing::warn!(%error, "could not re-read the API keys");
                }
                self.sweep().await;
            }
        });
    }

    fn end_revoked_key_sockets(&self) {
        let active: HashSet<i64> = self.keyring.active_ids();
        for namespace in [DASHBOARD_NS, INGEST_NS] {
            for socket in self.fanout.local_sockets(namespace) {
                if socket.extension::<SocketKey>().is_some_and(|SocketKey(id)| !active.contains(&id)) {
                    socket.end("key_revoked");
                }
            }
        }
    }

    async fn end_expired_session_sockets(&self) {
        let mut alive: HashMap<String, bool> = HashMap::new();
        for socket in self.fanout.local_sockets(DASHBOARD_NS) {
            let Some(SocketSession(token)) = socket.extension::<SocketSession>() else { continue };
            let still = match alive.get(&token) {
                Some(known) => *known,
                None => {
                    // A database error is no reason to drop a viewer: keep the socket.
                    let known = self.logins.user(&token).await.map_or(true, |user| user.is_some());
                    alive.insert(token, known);
                    known
                }
            };
            if !still {
                socket.end("session_expired");
            }
        }
    }
}
