//! How live events reach dashboards. On one instance: socketioxide's local adapter. With
//! `CHATPULSE_REDIS_URL`: its Redis adapter, so an emit reaches the dashboards of every
//! instance. When Redis is unreachable each instance keeps serving its own dashboards
//! (the emit falls back to local delivery, `/healthz` says `redis: unavailable`), and
//! fan-out resumes by itself when Redis answers again.

pub mod redis_driver;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use serde::Serialize;
use socketioxide::adapter::Emitter;
use socketioxide::extract::SocketRef;
use socketioxide::layer::SocketIoLayer;
use socketioxide::SocketIo;
use socketioxide_redis::{CustomRedisAdapter, RedisAdapterConfig, RedisAdapterCtr};

use redis_driver::{ManagedRedisDriver, COMMAND_TIMEOUT};

/// The Redis adapter over our reconnecting driver.
pub type RedisAdapter = CustomRedisAdapter<Emitter, ManagedRedisDriver>;

/// Socket.IO packets above this are refused (and the connection closed).
const MAX_PAYLOAD: u64 = 64 * 1024;
/// How often the Redis link is checked (and a dropped one made to reconnect).
const WATCH_EVERY: Duration = Duration::from_secs(1);

#[derive(Clone)]
pub enum Fanout {
    Local(SocketIo),
    Redis { io: SocketIo<RedisAdapter>, link: Arc<RedisLink> },
}

/// The Socket.IO layer for the router, of whichever adapter the fan-out uses.
pub enum FanoutLayer {
    Local(SocketIoLayer),
    Redis(SocketIoLayer<RedisAdapter>),
}

impl FanoutLayer {
    pub fn apply<S: Clone + Send + Sync + 'static>(self, router: Router<S>) -> Router<S> {
        match self {
            FanoutLayer::Local(layer) => router.layer(layer),
            FanoutLayer::Redis(layer) => router.layer(layer),
        }
    }
}

/// Whether Redis answered the last check.
pub struct RedisLink {
    driver: ManagedRedisDriver,
    up: AtomicBool,
}

impl RedisLink {
    fn is_up(&self) -> bool {
        self.up.load(Ordering::SeqCst)
    }

    fn set_up(&self, up: bool) {
        if self.up.swap(up, Ordering::SeqCst) != up {
            if up {
                tracing::info!("Redis answers again: live updates reach every instance");
            } else {
                tracing::warn!("Redis is unreachable: live updates reach this instance's dashboards only");
            }
        }
    }
}

impl Fanout {
    /// The local adapter, or the Redis one when `redis_url` is set (Redis must answer
    /// at start; later outages are ridden out).
    pub async fn connect(redis_url: Option<&str>, prefix: &str) -> Result<(Fanout, FanoutLayer), String> {
        let builder = SocketIo::builder().max_payload(MAX_PAYLOAD);
        let Some(url) = redis_url else {
            let (layer, io) = builder.build_layer();
            return Ok((Fanout::Local(io), FanoutLayer::Local(layer)));
        };
        let driver = ManagedRedisDriver::connect(url)
            .await
            .map_err(|e| format!("Redis at CHATPULSE_REDIS_URL does not answer: {e}"))?;
        let config = RedisAdapterConfig::new().with_prefix(prefix.to_string());
        let adapter = RedisAdapterCtr::new_with_driver(driver.clone(), config);
        let (layer, io) = builder.with_adapter::<RedisAdapter>(adapter).build_layer();
        let link = Arc::new(RedisLink { driver, up: AtomicBool::new(true) });
        Ok((Fanout::Redis { io, link }, FanoutLayer::Redis(layer)))
    }

    /// Sends an event to every socket of `namespace`: on every instance through Redis
    /// when it answers, else to this instance's sockets.
    pub async fn emit<T: Serialize + ?Sized>(&self, namespace: &str, event: &'static str, payload: &T) {
        self.emit_to(namespace, Vec::new(), event, payload).await;
    }

    /// Sends an event to the sockets of `namespace` in any of `rooms` (all of them when
    /// there are none), encoded once for all of them.
    pub async fn emit_to<T: Serialize + ?Sized>(
        &self,
        namespace: &str,
        rooms: Vec<&'static str>,
        event: &'static str,
        payload: &T,
    ) {
        if let Fanout::Redis { io, link } = self {
            let Some(sockets) = io.of(namespace) else { return };
            let published = link.is_up()
                && matches!(
                    tokio::time::timeout(COMMAND_TIMEOUT, sockets.to(rooms.clone()).emit(event, payload)).await,
                    Ok(Ok(()))
                );
            if published {
                return;
            }
            // The adapter publishes before it delivers locally: after a failure nothing
            // was delivered here, so this instance's sockets at least hear it.
            link.set_up(false);
        }
        self.deliver_here(namespace, rooms, event, payload).await;
    }

    /// Sends an event to this instance's sockets of `namespace` only.
    pub async fn emit_local<T: Serialize + ?Sized>(&self, namespace: &str, event: &'static str, payload: &T) {
        self.deliver_here(namespace, Vec::new(), event, payload).await;
    }

    /// This instance's sockets of `namespace` in any of `rooms` (all when none) hear it.
    async fn deliver_here<T: Serialize + ?Sized>(
        &self,
        namespace: &str,
        rooms: Vec<&'static str>,
        event: &'static str,
        payload: &T,
    ) {
        let delivered = match self {
            Fanout::Local(io) => match io.of(namespace) {
                Some(sockets) => sockets.to(rooms).emit(event, payload).await.map_err(|e| e.to_string()),
                None => Ok(()),
            },
            Fanout::Redis { io, .. } => match io.of(namespace) {
                Some(sockets) => sockets.local().to(rooms).emit(event, payload).await.map_err(|e| e.to_string()),
                None => Ok(()),
            },
        };
        if let Err(error) = delivered {
            tracing::warn!(%error, event, "a live update could not be sent to every dashboard");
        }
    }

    /// Whether emits reach the dashboards of every instance right now. When they do not,
    /// each instance tells its own dashboards what it learns from the database.
    pub fn reaches_every_instance(&self) -> bool {
        match self {
            Fanout::Local(_) => false,
            Fanout::Redis { link, .. } => link.is_up(),
        }
    }

    /// `off` without Redis, else `ok` or `unavailable`, for `/healthz`.
    pub fn redis_status(&self) -> &'static str {
        match self {
            Fanout::Local(_) => "off",
            Fanout::Redis { link, .. } if link.is_up() => "ok",
            Fanout::Redis { .. } => "unavailable",
        }
    }

    /// This instance's sockets of `namespace`.
    pub fn local_sockets(&self, namespace: &str) -> Vec<LocalSocket> {
        match self {
            Fanout::Local(io) => {
                io.of(namespace).map(|s| s.sockets()).unwrap_or_default().into_iter().map(LocalSocket::Local).collect()
            }
            Fanout::Redis { io, .. } => {
                io.of(namespace).map(|s| s.sockets()).unwrap_or_default().into_iter().map(LocalSocket::Redis).collect()
            }
        }
    }

    /// Checks Redis every second, so that its state is known without waiting for an
    /// emit to fail, and so that a dropped connection reconnects.
    pub fn spawn_watch(&self) {
        let Fanout::Redis { link, .. } = self else { return };
        let link = link.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(WATCH_EVERY);
            loop {
                tick.tick().await;
                link.set_up(link.driver.ping().await);
            }
        });
    }
}

/// A socket connected to this instance, whichever the adapter.
pub enum LocalSocket {
    Local(SocketRef),
    Redis(SocketRef<RedisAdapter>),
}

impl LocalSocket {
    pub fn extension<T: Clone + Send + Sync + 'static>(&self) -> Option<T> {
        match self {
            LocalSocket::Local(socket) => socket.extensions.get::<T>(),
            LocalSocket::Redis(socket) => socket.extensions.get::<T>(),
        }
    }

    /// Tells the client why with `event`, then disconnects it.
    pub fn end(self, event: &'static str) {
        match self {
            LocalSocket::Local(socket) => {
                let _ = socket.emit(event, &());
                let _ = socket.disconnect();
            }
            LocalSocket::Redis(socket) => {
                let _ = socket.emit(event, &());
                let _ = socket.disconnect();
            }
        }
    }
}
