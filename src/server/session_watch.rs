//! Ends dashboard sockets whose admin session is over: at logout at once, and at expiry
//! within `SWEEP_EVERY`. The page hears `session_expired` and goes to the login form,
//! keeping the URL it was on.

use std::collections::HashMap;
use std::time::Duration;

use socketioxide::extract::SocketRef;

use crate::server::live::DASHBOARD_NS;
use crate::server::state::AppState;

pub const SWEEP_EVERY: Duration = Duration::from_secs(30);

/// The admin session a dashboard socket was opened with (stored in its extensions).
#[derive(Clone)]
pub struct SocketSession(pub String);

pub fn remember(socket: &SocketRef, token: &str) {
    socket.extensions.insert(SocketSession(token.to_string()));
}

/// Checks every cookie-authenticated dashboard socket of this instance once.
pub async fn sweep(state: &AppState) {
    let Some(dashboards) = state.io.of(DASHBOARD_NS) else { return };
    let mut alive: HashMap<String, bool> = HashMap::new();
    for socket in dashboards.sockets() {
        let Some(SocketSession(token)) = socket.extensions.get::<SocketSession>() else { continue };
        let still = match alive.get(&token) {
            Some(known) => *known,
            None => {
                // A database error is no reason to drop a viewer: keep the socket.
                let known = state.admin_sessions.user(&token).await.map_or(true, |user| user.is_some());
                alive.insert(token, known);
                known
            }
        };
        if !still {
            let _ = socket.emit("session_expired", &());
            let _ = socket.disconnect();
        }
    }
}

pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(SWEEP_EVERY);
        loop {
            tick.tick().await;
            sweep(&state).await;
        }
    });
}
