//! The Socket.IO namespaces: `/ingest` for widget servers, `/dashboard` for live pages.

use serde::Deserialize;
use serde_json::{json, Value};
use socketioxide::extract::{AckSender, SocketRef, TryData};
use socketioxide::handler::ConnectHandler;
use socketioxide::SocketIo;

use crate::server::auth::keyring::KeyError;
use crate::server::auth::sessions::session_token;
use crate::server::auth::Scope;
use crate::server::domain::event::{parse_event, Kind};
use crate::server::domain::time::now_ms;
use crate::server::live::DASHBOARD_NS;
use crate::server::state::AppState;

pub const INGEST_NS: &str = "/ingest";

#[derive(Deserialize, Default)]
struct Handshake {
    token: Option<String>,
}

/// Why a handshake was refused; the client sees it as the `connect_error` message.
#[derive(Debug, thiserror::Error)]
enum Refused {
    #[error("{0}")]
    Key(#[from] KeyError),
    #[error("log in as an admin or pass auth: {{token: <read key>}}")]
    NotLoggedIn,
    #[error("the server cannot check credentials right now")]
    Unavailable,
}

pub fn register(io: &SocketIo, state: AppState) {
    let ingest_auth = {
        let state = state.clone();
        move |TryData(auth): TryData<Handshake>| {
            let state = state.clone();
            async move {
                let token = auth.ok().and_then(|a| a.token);
                state.keyring.check(token.as_deref(), Scope::Ingest).map(|_| ()).map_err(Refused::from)
            }
        }
    };
    let ingest_state = state.clone();
    io.ns(INGEST_NS, (move |socket: SocketRef| on_ingest_connect(socket, ingest_state.clone())).with(ingest_auth));

    let dashboard_auth = move |socket: SocketRef, TryData(auth): TryData<Handshake>| {
        let state = state.clone();
        async move {
            if let Some(token) = auth.ok().and_then(|a| a.token) {
                return state.keyring.check(Some(&token), Scope::Read).map(|_| ()).map_err(Refused::from);
            }
            let cookie = socket.req_parts().headers.get("cookie").and_then(|v| v.to_str().ok());
            let Some(token) = session_token(cookie) else {
                return Err(Refused::NotLoggedIn);
            };
            match state.admin_sessions.user(token).await {
                Ok(Some(_)) => Ok(()),
                Ok(None) => Err(Refused::NotLoggedIn),
                Err(error) => {
                    tracing::warn!(%error, "could not check a dashboard session");
                    Err(Refused::Unavailable)
                }
            }
        }
    };
    io.ns(DASHBOARD_NS, (async |_socket: SocketRef| {}).with(dashboard_auth));
}

async fn on_ingest_connect(socket: SocketRef, state: AppState) {
    for kind in Kind::ALL {
        let state = state.clone();
        socket.on(kind.as_str(), move |TryData(data): TryData<Value>, ack: AckSender| {
            let state = state.clone();
            async move {
                let answer = ingest_one(&state, kind, data.unwrap_or(Value::Null)).await;
                if let Err(error) = ack.send(&answer) {
                    tracing::debug!(%error, "an ingest acknowledgement could not be sent");
                }
            }
        });
    }
}

async fn ingest_one(state: &AppState, kind: Kind, data: Value) -> Value {
    let event = match parse_event(0, &data, Some(kind), now_ms()) {
        Ok(event) => event,
        Err(problems) => {
            return json!({"ok": false, "error": format!("{} problem(s) found; nothing was stored", problems.len()),
                          "problems": problems});
        }
    };
    match state.ingestor.ingest(vec![event]).await {
        Ok(outcome) => json!({"ok": true, "duplicate": outcome.duplicates > 0}),
        Err(error) => {
            tracing::error!(%error, "an ingest over Socket.IO could not be stored");
            json!({"ok": false, "error": "the database is unavailable; nothing was stored, retry later", "problems": []})
        }
    }
}
