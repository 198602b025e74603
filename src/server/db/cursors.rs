//! Where each followed source stands (its cursor and counts), and the rows it gave that
//! could not become events, counted by reason.

use std::collections::BTreeMap;

use super::{on_pool, Db, DbError};

/// How far a batch of a source's rows takes it; stored with the batch's events, in the
/// same transaction (`Db::insert_events`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceAdvance {
    pub source: String,
    /// The cursor the batch was read after (empty before the first row): the stored one
    /// must still be this, or another writer (an instance that lost the lead) moved it.
    pub from: String,
    /// The last row's cursor, as text.
    pub cursor: String,
    /// Rows read in this batch, valid or not.
    pub rows: u64,
    /// Rows that could not become events: (reason, the row's cursor).
    pub refused: Vec<(String, String)>,
}

/// A source's position as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourcePosition {
    pub cursor: String,
    pub rows_read: u64,
    pub refused: u64,
}

/// One reason rows were refused, with how often and the last such row's cursor.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SourceRefusal {
    pub reason: String,
    pub count: i64,
    pub last_cursor: String,
    pub last_ms: i64,
}

pub(super) const ADVANCE_CURSOR: &str = "INSERT INTO source_cursors (source, cursor, rows_read, refused, updated_ms) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source) DO UPDATE SET cursor = excluded.cursor, \
     rows_read = source_cursors.rows_read + excluded.rows_read, \
     refused = source_cursors.refused + excluded.refused, updated_ms = excluded.updated_ms \
     WHERE source_cursors.cursor = $6";

pub(super) const COUNT_REFUSAL: &str = "INSERT INTO source_refusals (source, reason, count, last_cursor, last_ms) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source, reason) DO UPDATE SET count = source_refusals.count + excluded.count, \
     last_cursor = excluded.last_cursor, last_ms = excluded.last_ms";

impl SourceAdvance {
    /// The refusals by reason: how many, and the last such row's cursor.
    pub(super) fn refusals_by_reason(&self) -> BTreeMap<&str, (i64, &str)> {
        let mut by_reason: BTreeMap<&str, (i64, &str)> = BTreeMap::new();
        for (reason, cursor) in &self.refused {
            let entry = by_reason.entry(reason).or_insert((0, cursor));
            entry.0 += 1;
            entry.1 = cursor;
        }
        by_reason
    }
}

impl Db {
    /// Where `source` stands, or `None` before its first row.
    pub async fn source_position(&self, source: &str) -> Result<Option<SourcePosition>, DbError> {
        let sql = "SELECT cursor, rows_read, refused FROM source_cursors WHERE source = $1";
        let row: Option<(String, i64, i64)> =
            on_pool!(self, pool => sqlx::query_as(sql).bind(source).fetch_optional(pool).await)?;
        Ok(row.map(|(cursor, rows_read, refused)| SourcePosition {
            cursor,
            rows_read: rows_read as u64,
            refused: refused as u64,
        }))
    }

    /// The reasons `source`'s rows were refused, the most frequent first.
    pub async fn source_refusals(&self, source: &str) -> Result<Vec<SourceRefusal>, DbError> {
        let sql = "SELECT reason, count, last_cursor, last_ms FROM source_refusals WHERE source = $1 \
                   ORDER BY count DESC, reason LIMIT 50";
        Ok(on_pool!(self, pool => sqlx::query_as(sql).bind(source).fetch_all(pool).await)?)
    }
}
