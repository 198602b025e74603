//! The Redis pub/sub driver of socketioxide's Redis adapter, on a `ConnectionManager`.
//! socketioxide-redis's own driver holds one plain connection: once Redis restarts, that
//! connection is dead for good and fan-out never comes back without a restart. This one
//! reconnects (with backoff) and subscribes again to every channel it had, so fan-out
//! resumes by itself when Redis returns. The rest is the stock driver's logic.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::RwLock;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands, FromRedisValue, PushInfo, PushKind};
use socketioxide_redis::drivers::{ChanItem, Driver, MessageStream};
use tokio::sync::mpsc;

type Handlers = Arc<RwLock<HashMap<String, mpsc::Sender<ChanItem>>>>;

/// How long one Redis command may take before it counts as failed: a live update must
/// never wait on an unreachable Redis for long.
pub const COMMAND_TIMEOUT: Duration = Duration::from_millis(500);

#[derive(Clone)]
pub struct ManagedRedisDriver {
    handlers: Handlers,
    connection: ConnectionManager,
}

#[derive(Debug, thiserror::Error)]
#[error("redis: {0}")]
pub struct DriverError(#[from] redis::RedisError);

impl ManagedRedisDriver {
    /// Connects to `url`, which must ask for RESP3 (pub/sub pushes on the same
    /// connection); `?protocol=resp3` is added when missing.
    pub async fn connect(url: &str) -> Result<ManagedRedisDriver, redis::RedisError> {
        let client = redis::Client::open(with_resp3(url))?;
        let handlers: Handlers = Arc::default();
        let dispatch = handlers.clone();
        let config = ConnectionManagerConfig::new()
            .set_push_sender(move |push: PushInfo| {
                deliver(push, &dispatch);
                Ok::<(), std::convert::Infallible>(())
            })
            .set_automatic_resubscription()
            .set_connection_timeout(Some(Duration::from_secs(1)))
            .set_response_timeout(Some(COMMAND_TIMEOUT))
            .set_number_of_retries(3)
            .set_max_delay(Duration::from_secs(2));
        let connection = ConnectionManager::new_with_config(client, config).await?;
        Ok(ManagedRedisDriver { handlers, connection })
    }

    /// One round trip to Redis, for the health watch (it also makes a dropped
    /// connection reconnect).
    pub async fn ping(&self) -> bool {
        let mut connection = self.connection.clone();
        let ping = redis::cmd("PING");
        let pong = tokio::time::timeout(COMMAND_TIMEOUT * 2, ping.query_async::<String>(&mut connection)).await;
        matches!(pong, Ok(Ok(_)))
    }
}

fn with_resp3(url: &str) -> String {
    if url.contains("protocol=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&protocol=resp3")
    } else {
        format!("{url}?protocol=resp3")
    }
}

/// Hands a published message to the adapter's stream for its channel.
fn deliver(push: PushInfo, handlers: &Handlers) {
    if !matches!(push.kind, PushKind::Message | PushKind::SMessage) || push.data.len() < 2 {
        return;
    }
    let mut data = push.data.into_iter();
    let (Some(channel), Some(payload)) = (data.next(), data.next()) else { return };
    let (Ok(channel), Ok(payload)) = (String::from_redis_value(channel), Vec::<u8>::from_redis_value(payload)) else {
        tracing::warn!("an unreadable message arrived from Redis");
        return;
    };
    if let Some(sender) = handlers.read().get(&channel) {
        if let Err(error) = sender.try_send((channel, payload)) {
            tracing::warn!(%error, "a Redis message was dropped: the adapter is behind");
        }
    }
}

impl Driver for ManagedRedisDriver {
    type Error = DriverError;

    async fn publish(&self, channel: String, payload: Vec<u8>) -> Result<(), DriverError> {
        self.connection.clone().publish::<_, _, redis::Value>(channel, payload).await?;
        Ok(())
    }

    async fn subscribe(&self, channel: String, size: usize) -> Result<MessageStream<ChanItem>, DriverError> {
        let (sender, receiver) = mpsc::channel(size);
        self.handlers.write().insert(channel.clone(), sender);
        self.connection.clone().subscribe(channel.as_str()).await?;
        Ok(MessageStream::new(receiver))
    }

    async fn unsubscribe(&self, channel: String) -> Result<(), DriverError> {
        self.handlers.write().remove(&channel);
        self.connection.clone().unsubscribe(channel).await?;
        Ok(())
    }

    async fn num_serv(&self, channel: &str) -> Result<u16, DriverError> {
        let mut connection = self.connection.clone();
        let (_, count): (String, u16) =
            redis::cmd("PUBSUB").arg("NUMSUB").arg(channel).query_async(&mut connection).await?;
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::with_resp3;

    #[test]
    fn the_url_asks_for_resp3() {
        assert_eq!(with_resp3("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379?protocol=resp3");
        assert_eq!(with_resp3("redis://h/0?x=1"), "redis://h/0?x=1&protocol=resp3");
        assert_eq!(with_resp3("redis://h?protocol=resp3"), "redis://h?protocol=resp3");
    }
}
