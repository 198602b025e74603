//! The one settings row, with the revision that feeds the data version.

use super::{on_pool, Db, DbError};
use crate::model::Settings;

impl Db {
    pub async fn load_settings(&self) -> Result<(Settings, i64), DbError> {
        let sql = "SELECT session_gap_minutes, min_session_messages, online_window_minutes, timezone, revision \
                   FROM settings WHERE id = 1";
        let (gap, min, window, timezone, revision): (i64, i64, i64, String, i64) =
            on_pool!(self, pool => sqlx::query_as(sql).fetch_one(pool).await)?;
        let settings = Settings {
            session_gap_minutes: gap as u32,
            min_session_messages: min as u32,
            online_window_minutes: window as u32,
            timezone,
        };
        Ok((settings, revision))
    }

    /// Stores new settings and returns the new revision.
    pub async fn save_settings(&self, s: &Settings) -> Result<i64, DbError> {
        let sql = "UPDATE settings SET session_gap_minutes = $1, min_session_messages = $2, \
                   online_window_minutes = $3, timezone = $4, revision = revision + 1 WHERE id = 1 RETURNING revision";
        let revision: i64 = on_pool!(self, pool => sqlx::query_scalar(sql)
            .bind(s.session_gap_minutes as i64)
            .bind(s.min_session_messages as i64)
            .bind(s.online_window_minutes as i64)
            .bind(&s.timezone)
            .fetch_one(pool)
            .await)?;
        Ok(revision)
    }
}
