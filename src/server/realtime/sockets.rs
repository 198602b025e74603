//! The Socket.IO namespaces: `/ingest` for widget servers, `/dashboard` for live pages.

use std::time::Instant;

use serde::Deserialize;
use serde_json::{json, Value};
use socketioxide::adapter::Adapter;
use socketioxide::extract::{AckSender, SocketRef, TryData};
use socketioxide::handler::ConnectHandler;
use socketioxide::SocketIo;
use socketioxide_core::adapter::DefinedAdapter;

use crate::server::auth::keyring::KeyError;
use crate::server::auth::logins::session_token;
use crate::server::auth::Scope;
use crate::server::domain::event::Channel;
use crate::server::domain::event::{parse_event, Kind};
use crate::server::domain::refusal::IngestRefusal;
use crate::server::domain::time::now_ms;
use crate::server::metrics::Door;
use crate::server::pipeline::ingest::Source;
use crate::server::realtime::login_watch;
use crate::server::realtime::{DASHBOARD_NS, STATS_ALL_ROOM, STATS_CHANNEL_ROOMS};
use crate::server::state::AppState;

use super::INGEST_NS;

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
    #[error("this page's origin may not use the admin session; pass auth: {{token: <read key>}}")]
    ForeignOrigin,
    #[error("too many open sockets from this address")]
    TooManySockets,
    #[error("the server cannot check credentials right now")]
    Unavailable,
}

/// What opening an Engine.IO session costs its address, in ingest requests. A session
/// is counted when it opens, before any namespace checks its key: a flood of opened and
/// abandoned sessions costs the flooder, not the server.
const HANDSHAKE_COST: f64 = 5.0;

/// Middleware in front of the Socket.IO layer: charges each new Engine.IO session (a
/// `/socket.io/` request without a `sid`) to its address, 429 when it is over.
pub async fn limit_handshakes(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let uri = request.uri();
    let opens_session = uri.path().starts_with("/socket.io")
        && !uri.query().unwrap_or("").split('&').any(|pair| pair.starts_with("sid="));
    if opens_session {
        let address = state.limits.client_address(request.extensions(), request.headers());
        if let Err(wait) = state.limits.per_address.take(&address, HANDSHAKE_COST, Instant::now()) {
            return crate::server::http::error::ApiError::TooMany(wait).into_response();
        }
    }
    next.run(request).await
}

/// Registers both namespaces; with a remote adapter each answer is a future that
/// completes once the namespace is subscribed across instances.
pub fn register<A: Adapter + DefinedAdapter>(io: &SocketIo<A>, state: AppState) -> [A::InitRes; 2] {
    let ingest_auth = {
        let state = state.clone();
        move |socket: SocketRef<A>, TryData(auth): TryData<Handshake>| {
            let state = state.clone();
            async move {
                let token = auth.ok().and_then(|a| a.token);
                let key_id = state.keyring.check(token.as_deref(), Scope::Ingest)?;
                login_watch::remember_key(&socket, key_id);
                count_in(&state, &socket)
            }
        }
    };
    let ingest_state = state.clone();
    let ingest = io
        .ns(INGEST_NS, (move |socket: SocketRef<A>| on_ingest_connect(socket, ingest_state.clone())).with(ingest_auth));

    let dashboard_auth = {
        let state = state.clone();
        move |socket: SocketRef<A>, TryData(auth): TryData<Handshake>| {
            let state = state.clone();
            async move {
                dashboard_access(&state, &socket, auth.ok().and_then(|a| a.token)).await?;
                count_in(&state, &socket)
            }
        }
    };
    let on_dashboard_connect = move |socket: SocketRef<A>| {
        let state = state.clone();
        async move {
            count_out_on_disconnect(&socket, &state);
            socket.join(STATS_ALL_ROOM);
            socket.on("watch", watch_channel::<A>);
        }
    };
    let dashboard = io.ns(DASHBOARD_NS, on_dashboard_connect.with(dashboard_auth));
    [ingest, dashboard]
}

/// `watch` with `"web"` or `"premium"`: from now on this socket hears `stats_update` of
/// that channel only; `"all"` (how every socket starts) hears both. Anything else is
/// ignored, and the socket keeps what it had.
async fn watch_channel<A: Adapter>(socket: SocketRef<A>, TryData(channel): TryData<String>) {
    let rooms = match channel.as_deref() {
        Ok("all") => STATS_ALL_ROOM,
        Ok(code) => match Channel::parse(code) {
            Some(channel) => STATS_CHANNEL_ROOMS[channel as usize],
            None => return,
        },
        Err(_) => return,
    };
    socket.leave([STATS_ALL_ROOM, STATS_CHANNEL_ROOMS[0], STATS_CHANNEL_ROOMS[1]]);
    socket.join(rooms);
}

/// A read key, or the admin cookie from a page of our own origin (a page elsewhere
/// would otherwise ride on the admin's cookie: CORS does not cover WebSockets).
async fn dashboard_access<A: Adapter>(
    state: &AppState,
    socket: &SocketRef<A>,
    token: Option<String>,
) -> Result<(), Refused> {
    if let Some(token) = token {
        let key_id = state.keyring.check(Some(&token), Scope::Read)?;
        login_watch::remember_key(socket, key_id);
        return Ok(());
    }
    let parts = socket.req_parts();
    if !state.limits.origin_allowed(&parts.headers) {
        return Err(Refused::ForeignOrigin);
    }
    let cookie = parts.headers.get("cookie").and_then(|v| v.to_str().ok());
    let Some(token) = session_token(cookie) else {
        return Err(Refused::NotLoggedIn);
    };
    match state.admin_sessions.user(token).await {
        Ok(Some(_)) => {
            login_watch::remember(socket, token);
            Ok(())
        }
        Ok(None) => Err(Refused::NotLoggedIn),
        Err(error) => {
            tracing::warn!(%error, "could not check a dashboard session");
            Err(Refused::Unavailable)
        }
    }
}

/// Counts an accepted socket against its address's share.
fn count_in<A: Adapter>(state: &AppState, socket: &SocketRef<A>) -> Result<(), Refused> {
    let parts = socket.req_parts();
    let address = state.limits.client_address(&parts.extensions, &parts.headers);
    if state.limits.socket_opened(address) {
        Ok(())
    } else {
        tracing::warn!(%address, "a socket was refused: too many open from one address");
        Err(Refused::TooManySockets)
    }
}

fn count_out_on_disconnect<A: Adapter>(socket: &SocketRef<A>, state: &AppState) {
    let parts = socket.req_parts();
    let address = state.limits.client_address(&parts.extensions, &parts.headers);
    let limits = state.limits.clone();
    socket.on_disconnect(move || {
        let limits = limits.clone();
        async move { limits.socket_closed(address) }
    });
}

async fn on_ingest_connect<A: Adapter>(socket: SocketRef<A>, state: AppState) {
    count_out_on_disconnect(&socket, &state);
    // The event budget belongs to the key on this address, not to the socket: a client
    // that reconnects finds its bucket as it left it (idle buckets are forgotten).
    let key_id = socket.extensions.get::<login_watch::SocketKey>().map_or(0, |key| key.0);
    let parts = socket.req_parts();
    let sid = format!("{key_id}@{}", state.limits.client_address(&parts.extensions, &parts.headers));
    for kind in Kind::ALL {
        let state = state.clone();
        let sid = sid.clone();
        socket.on(kind.as_str(), move |TryData(data): TryData<Value>, ack: AckSender<A>| {
            let state = state.clone();
            async move {
                let answer = match state.limits.per_socket.take(&sid, 1.0, Instant::now()) {
                    Ok(()) => ingest_one(&state, key_id, kind, data.unwrap_or(Value::Null)).await,
                    Err(wait) => refuse(&state, IngestRefusal::TooMany { wait, what: "events on this socket" }),
                };
                if let Err(error) = ack.send(&answer) {
                    tracing::debug!(%error, "an ingest acknowledgement could not be sent");
                }
            }
        });
    }
}

async fn ingest_one(state: &AppState, key_id: i64, kind: Kind, data: Value) -> Value {
    let event = match parse_event(0, &data, Some(kind), now_ms()) {
        Ok(event) => event,
        Err(problems) => return refuse(state, IngestRefusal::Invalid(problems)),
    };
    match state.ingestor.ingest(Source::Key(key_id), vec![event]).await {
        Ok(outcome) => json!({"ok": true, "duplicate": outcome.duplicates > 0}),
        Err(error) => {
            tracing::error!(%error, "an ingest over Socket.IO could not be stored");
            refuse(state, IngestRefusal::Unavailable)
        }
    }
}

/// Counts a refusal and makes its acknowledgement (the HTTP door's words).
fn refuse(state: &AppState, refusal: IngestRefusal) -> Value {
    state.metrics.ingest_refused(Door::Socket, refusal.status());
    refusal.ack()
}
