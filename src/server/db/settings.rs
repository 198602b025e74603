//! The one settings row, with the revision that feeds the data version.

use super::{on_pool, Db, DbError};
use crate::model::Settings;

/// The settings row: the settings, and the marks that figures follow.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredSettings {
    pub settings: Settings,
    /// Grows with every change of the row: settings, or deleted events.
    pub revision: i64,
    /// Grows with every deletion of events: figures built before it must be rebuilt.
    pub data_epoch: i64,
    /// The newest `seq` ever stored, as of the last deletion: a rebuilt engine's data
    /// version starts there even when the newest events were the ones deleted.
    pub seq_floor: i64,
}

impl Db {
    pub async fn load_settings(&self) -> Result<StoredSettings, DbError> {
        let sql = "SELECT session_gap_minutes, min_session_messages, online_window_minutes, timezone, revision, \
                   data_epoch, seq_floor FROM settings WHERE id = 1";
        let (gap, min, window, timezone, revision, data_epoch, seq_floor): (i64, i64, i64, String, i64, i64, i64) =
            on_pool!(self, pool => sqlx::query_as(sql).fetch_one(pool).await)?;
        let settings = Settings {
            session_gap_minutes: gap as u32,
            min_session_messages: min as u32,
            online_window_minutes: window as u32,
            timezone,
        };
        Ok(StoredSettings { settings, revision, data_epoch, seq_floor })
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
