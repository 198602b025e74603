//! `chatpulse export` and `chatpulse import`: every stored event as NDJSON in the ingest
//! contract's shape, and events read back from NDJSON or CSV through the ingest's own
//! validation. An export imported into an empty database gives the same figures; an
//! import run twice stores nothing the second time (events are idempotent by `id`).

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use serde_json::{json, Map, Value};

use crate::server::db::{Db, DbError};
use crate::server::domain::event::{parse_recorded_event, Event};
use crate::server::domain::time::{format_ms, now_ms};
use crate::server::pipeline::engine::StoredEvent;
use crate::server::pipeline::ingest::Source;

/// Events committed per transaction while importing.
const IMPORT_BATCH: usize = 1000;
/// Events read per round trip while exporting.
const EXPORT_PAGE: i64 = 10_000;
/// Refused lines listed by number in the summary, at most.
const LISTED_REFUSALS: usize = 10;

/// One stored event in the ingest contract's shape. An event stored without an id gets
/// `seq:<n>`, so that importing the export twice still counts it once.
pub fn event_json(stored: &StoredEvent) -> Value {
    let e = &stored.event;
    let mut object = Map::new();
    object.insert("id".into(), json!(e.id.clone().unwrap_or_else(|| format!("seq:{}", stored.seq))));
    object.insert("type".into(), json!(e.kind.as_str()));
    object.insert("channel".into(), json!(e.channel.as_str()));
    object.insert("user_id".into(), json!(e.user_id));
    object.insert("at".into(), json!(format_ms(e.at_ms)));
    if let Some(sender) = e.sender {
        object.insert("sender".into(), json!(sender.as_str()));
        object.insert("human_mode".into(), json!(e.human_mode));
    }
    let texts = [
        ("user_name", &e.user_name),
        ("country", &e.country),
        ("city", &e.city),
        ("operator_id", &e.operator_id),
        ("page_url", &e.page_url),
    ];
    for (name, value) in texts {
        if let Some(value) = value {
            object.insert(name.into(), json!(value));
        }
    }
    Value::Object(object)
}

/// Writes every stored event, in commit order, one JSON object a line; returns how many.
pub async fn export(db: &Db, out: &mut impl Write) -> Result<u64, TransferError> {
    let (mut after, mut written) = (0, 0u64);
    loop {
        let page = db.events_after(after, EXPORT_PAGE).await?;
        let Some(last) = page.last() else { return Ok(written) };
        after = last.seq;
        for stored in &page {
            serde_json::to_writer(&mut *out, &event_json(stored)).map_err(std::io::Error::from)?;
            out.write_all(b"\n")?;
            written += 1;
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    #[error("{0}")]
    Database(#[from] DbError),
    #[error("cannot read or write: {0}")]
    Io(#[from] std::io::Error),
    #[error("the CSV header must name fields of the ingest contract (type, channel, user_id, at, …): {0}")]
    Header(String),
}

/// What an import came to.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub lines: u64,
    pub stored: u64,
    pub duplicates: u64,
    pub refused: u64,
    /// How many lines each reason refused, by reason.
    pub reasons: BTreeMap<String, u64>,
    /// The first refused lines: (line number, reasons).
    pub first_refused: Vec<(u64, String)>,
}

impl ImportSummary {
    fn refuse(&mut self, line: u64, reasons: Vec<String>) {
        self.refused += 1;
        for reason in &reasons {
            *self.reasons.entry(reason.clone()).or_default() += 1;
        }
        if self.first_refused.len() < LISTED_REFUSALS {
            self.first_refused.push((line, reasons.join("; ")));
        }
    }
}

impl std::fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ImportSummary { lines, stored, duplicates, refused, .. } = self;
        writeln!(f, "{lines} events read: {stored} stored, {duplicates} already stored, {refused} refused")?;
        for (reason, count) in &self.reasons {
            writeln!(f, "  {count} × {reason}")?;
        }
        for (line, reasons) in &self.first_refused {
            writeln!(f, "  line {line}: {reasons}")?;
        }
        Ok(())
    }
}

/// Reads events from `input` (NDJSON, or CSV when its first line is a header of field
/// names) and stores the valid ones; `progress` hears the running summary after each
/// batch. Events need an `at`: an import never stamps history with the time it ran.
pub async fn import(
    db: &Db,
    input: impl BufRead,
    mut progress: impl FnMut(&ImportSummary),
) -> Result<ImportSummary, TransferError> {
    let mut summary = ImportSummary::default();
    let mut batch: Vec<Event> = Vec::with_capacity(IMPORT_BATCH);
    let mut csv_header: Option<Vec<String>> = None;
    for (index, line) in input.lines().enumerate() {
        let line = line?;
        let number = index as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        if index == 0 && !line.trim_start().starts_with('{') {
            csv_header = Some(csv_header_of(&line)?);
            continue;
        }
        summary.lines += 1;
        let value = match &csv_header {
            Some(header) => Ok(csv_object(header, &line)),
            None => serde_json::from_str::<Value>(&line).map_err(|e| format!("not JSON: {e}")),
        };
        match value.and_then(|v| parse_recorded_event(&v, now_ms())) {
            Ok(event) => batch.push(event),
            Err(reasons) => summary.refuse(number, vec![reasons]),
        }
        if batch.len() == IMPORT_BATCH {
            store(db, &mut batch, &mut summary).await?;
            progress(&summary);
        }
    }
    store(db, &mut batch, &mut summary).await?;
    progress(&summary);
    Ok(summary)
}

async fn store(db: &Db, batch: &mut Vec<Event>, summary: &mut ImportSummary) -> Result<(), TransferError> {
    if batch.is_empty() {
        return Ok(());
    }
    Source::Import.claim(batch);
    let duplicates = db.insert_events(batch, &[], now_ms(), false).await?.duplicate;
    let repeated = duplicates.iter().filter(|d| **d).count() as u64;
    summary.duplicates += repeated;
    summary.stored += duplicates.len() as u64 - repeated;
    batch.clear();
    Ok(())
}

const CSV_FIELDS: [&str; 12] = [
    "id",
    "type",
    "channel",
    "user_id",
    "at",
    "sender",
    "human_mode",
    "user_name",
    "country",
    "city",
    "operator_id",
    "page_url",
];

fn csv_header_of(line: &str) -> Result<Vec<String>, TransferError> {
    let header = csv_cells(line);
    match header.iter().find(|name| !CSV_FIELDS.contains(&name.as_str())) {
        Some(unknown) => Err(TransferError::Header(format!("unknown column {unknown:?}"))),
        None => Ok(header),
    }
}

/// A CSV row as an event object: empty cells are absent, `human_mode` is a boolean.
fn csv_object(header: &[String], line: &str) -> Value {
    let mut object = Map::new();
    for (name, cell) in header.iter().zip(csv_cells(line)) {
        if cell.is_empty() {
            continue;
        }
        let value = match name.as_str() {
            "human_mode" => json!(matches!(cell.to_ascii_lowercase().as_str(), "true" | "1" | "yes")),
            _ => json!(cell),
        };
        object.insert(name.clone(), value);
    }
    Value::Object(object)
}

/// The cells of one CSV line (RFC 4180 quoting; a quoted cell may hold `,` and `""`).
fn csv_cells(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.trim_end_matches(['\r', '\n']).chars().peekable();
    while let Some(c) = chars.next() {
        let cell = cells.last_mut().expect("one cell at least");
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(String::new()),
            (c, _) => cell.push(c),
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_follow_rfc_4180_quoting() {
        assert_eq!(csv_cells("a,\"b,c\",\"say \"\"hi\"\"\",\r"), ["a", "b,c", "say \"hi\"", ""]);
    }

    #[test]
    fn a_csv_row_becomes_an_event_object() {
        let header: Vec<String> =
            ["type", "channel", "user_id", "at", "sender", "human_mode", "city"].map(String::from).to_vec();
        let value = csv_object(&header, "message,web,u1,2026-03-01T10:00:00Z,operator,TRUE,");
        assert_eq!(
            value,
            json!({"type": "message", "channel": "web", "user_id": "u1", "at": "2026-03-01T10:00:00Z",
                   "sender": "operator", "human_mode": true})
        );
        assert!(parse_recorded_event(&value, now_ms()).is_ok());
    }

    #[test]
    fn an_event_without_a_time_is_refused_rather_than_stamped_now() {
        let reason = parse_recorded_event(&json!({"type": "user_online", "channel": "web", "user_id": "u"}), now_ms())
            .unwrap_err();
        assert!(reason.contains("at: is required"), "{reason}");
    }
}
