//! Work that must run on one instance at a time (the demo simulator): the instance that
//! holds a PostgreSQL advisory lock leads. The lock lives on a connection of its own,
//! so it ends with the leader — a crashed or cut-off instance hands over to another
//! within `RETRY_EVERY`. On SQLite there is only one instance: it leads at once.

use std::time::Duration;

use sqlx::Connection;

use crate::server::db::Db;

const RETRY_EVERY: Duration = Duration::from_secs(5);

/// Proof of leading; dropping it gives the lead up.
pub struct Leadership(Option<sqlx::PgConnection>);

impl Leadership {
    /// Waits until this instance leads the work named by `lock` (any number, one per kind
    /// of work).
    pub async fn acquire(db: &Db, lock: i64) -> Leadership {
        let Db::Postgres(pool) = db else { return Leadership(None) };
        loop {
            match try_lock(pool, lock).await {
                Ok(Some(connection)) => return Leadership(Some(connection)),
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, lock, "could not ask for the lead"),
            }
            tokio::time::sleep(RETRY_EVERY).await;
        }
    }

    /// Resolves when the lead is lost (its connection stopped answering); never on SQLite.
    pub async fn lost(&mut self) {
        let Some(connection) = self.0.as_mut() else { return std::future::pending().await };
        loop {
            tokio::time::sleep(RETRY_EVERY).await;
            if let Err(error) = connection.ping().await {
                tracing::warn!(%error, "the lead was lost with its database connection");
                return;
            }
        }
    }
}

async fn try_lock(pool: &sqlx::PgPool, lock: i64) -> Result<Option<sqlx::PgConnection>, sqlx::Error> {
    let mut connection = pool.acquire().await?.detach();
    let locked: bool =
        sqlx::query_scalar("SELECT pg_try_advisory_lock($1)").bind(lock).fetch_one(&mut connection).await?;
    Ok(locked.then_some(connection))
}
