//! Taking the engine's record a slice of users at a time, under short read locks, and
//! writing it to a new file that replaces the old one only once it is whole on disk: a
//! crash at any moment leaves the previous checkpoint, or the new one, never a mix.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::format::{Footer, Header, Writer};
use crate::server::config::CheckpointConfig;
use crate::server::db::{Db, DbError, EventAnchor};
use crate::server::pipeline::engine::recorded::RecordedMarks;
use crate::server::pipeline::engine::Engine;
use crate::server::pipeline::figures::Figures;

/// Users taken per read lock: a few milliseconds of copying, however large the record.
const USERS_PER_SLICE: usize = 2_000;

#[derive(Debug)]
pub struct Written {
    pub applied_seq: i64,
    pub users: usize,
    pub bytes: u64,
    pub millis: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the figures were rebuilt while it was being written")]
    Superseded,
    #[error("the file could not be written: {0}")]
    Io(#[from] std::io::Error),
    #[error("the database could not be read: {0}")]
    Database(#[from] DbError),
}

/// Writes a checkpoint of the figures' engine to `path` now.
pub async fn write(figures: &Arc<Figures>, db: &Db, path: &Path) -> Result<Written, WriteError> {
    let started = Instant::now();
    let (generation, marks) = figures.read_engine(Engine::recorded_marks);
    let anchor = db.event_anchor(marks.applied_seq).await?;
    let (figures, path) = (figures.clone(), path.to_owned());
    let bytes = tokio::task::spawn_blocking(move || {
        let written = replace_file(&figures, generation, marks, anchor, &path);
        crate::server::memory::give_back_freed_memory();
        written
    })
    .await
    .expect("writing a checkpoint does not panic")?;
    Ok(Written {
        applied_seq: marks.applied_seq,
        users: marks.users,
        bytes,
        millis: started.elapsed().as_millis() as u64,
    })
}

/// Rewrites the checkpoint every `config.every_seconds` while the figures move: at once
/// when they did not come from it.
pub fn spawn_writer(figures: Arc<Figures>, db: Db, config: CheckpointConfig) {
    tokio::spawn(async move {
        remove_stale_temporaries(&config.path);
        let mut written = figures.restored_checkpoint().map(|seq| (0, seq));
        loop {
            let now = figures.read_engine(Engine::applied_seq);
            if written != Some(now) {
                match write(&figures, &db, &config.path).await {
                    Ok(done) => {
                        tracing::info!(path = %config.path.display(), applied_seq = done.applied_seq, users = done.users,
                            bytes = done.bytes, elapsed_ms = done.millis, "checkpoint written");
                        written = Some((now.0, done.applied_seq));
                    }
                    Err(error) => {
                        tracing::warn!(path = %config.path.display(), %error, "checkpoint not written; next try later")
                    }
                }
            }
            tokio::time::sleep(Duration::from_secs(config.every_seconds)).await;
        }
    });
}

fn replace_file(
    figures: &Figures,
    generation: u64,
    marks: RecordedMarks,
    anchor: Option<EventAnchor>,
    path: &Path,
) -> Result<u64, WriteError> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let temporary = temporary_path(path, std::process::id());
    let written = write_records(figures, generation, marks, anchor, &temporary).and_then(|bytes| {
        std::fs::rename(&temporary, path)?;
        // The rename itself is durable only once its directory is.
        if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
            File::open(dir)?.sync_all()?;
        }
        Ok(bytes)
    });
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

fn write_records(
    figures: &Figures,
    generation: u64,
    marks: RecordedMarks,
    anchor: Option<EventAnchor>,
    temporary: &Path,
) -> Result<u64, WriteError> {
    let header =
        Header { applied_seq: marks.applied_seq, data_epoch: marks.data_epoch, anchor, users: marks.users as u64 };
    let mut writer = Writer::start(BufWriter::with_capacity(1 << 20, File::create(temporary)?), &header)?;
    let later = |seq: &i64| *seq > marks.applied_seq;
    let mut extras = Vec::new();
    for first in (0..marks.users).step_by(USERS_PER_SLICE) {
        let slice = first..(first + USERS_PER_SLICE).min(marks.users);
        let (now, users) = figures.read_engine(|engine| engine.recorded_users(slice));
        if now != generation {
            return Err(WriteError::Superseded);
        }
        for user in &users {
            extras.extend(user.msgs.iter().map(|msg| msg.seq).filter(later));
            writer.user(user)?;
        }
    }
    let (now, (opens, newest_at)) =
        figures.read_engine(|engine| (engine.recorded_opens(), engine.recorded_marks().newest_at));
    if now != generation {
        return Err(WriteError::Superseded);
    }
    extras.extend(opens.iter().map(|open| open.seq).filter(later));
    writer.opens(&opens)?;
    let file = writer.finish(&Footer { newest_at, extras })?.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(file.metadata()?.len())
}

fn temporary_path(path: &Path, pid: u32) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{pid}.tmp"));
    path.with_file_name(name)
}

/// Deletes the temporary files of writers that died mid-write (`kill -9`, power loss).
fn remove_stale_temporaries(path: &Path) {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return };
    let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(pid) = file
            .to_str()
            .and_then(|f| f.strip_prefix(name))
            .and_then(|rest| rest.strip_prefix('.'))
            .and_then(|rest| rest.strip_suffix(".tmp"))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
