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

/// How many events the figures may move past the file before it is rewritten without
/// waiting for the interval: a start replays them, at roughly 10 µs each, so a bulk import
/// followed by a restart replays about half a second instead of everything imported.
const EVENTS_BEFORE_EARLY_WRITE: i64 = 50_000;
/// An early write waits this many times as long as the last write took, so that writing
/// takes at most a tenth of the time during a long import: at 10 M messages a write takes
/// about a second, and one every 5 s competed with the import it was covering.
const EARLY_WRITE_SPACING: u32 = 10;
/// How often the writer looks at how far the figures moved.
const LOOK_EVERY: Duration = Duration::from_secs(5);

/// When the writer last tried, and how long its last write took.
struct Pacing {
    tried: Option<Instant>,
    took: Duration,
}

impl Pacing {
    /// Whether a checkpoint is due, given the `(generation, applied_seq)` last written and
    /// the figures' now (they differ): at the first try when there is no file, once the
    /// interval has passed since the last try, or when the figures moved far past the file
    /// and the last write is well behind.
    fn due(&self, written: Option<(u64, i64)>, now: (u64, i64), every: Duration) -> bool {
        let Some(tried) = self.tried else { return true };
        let since = tried.elapsed();
        let moved_far = written.is_some_and(|(_, seq)| now.1 - seq >= EVENTS_BEFORE_EARLY_WRITE);
        since >= every || (moved_far && since >= self.took * EARLY_WRITE_SPACING)
    }
}

/// Rewrites the checkpoint every `config.every_seconds` while the figures move, sooner
/// when they moved by `EVENTS_BEFORE_EARLY_WRITE` events, and at once when they did not
/// come from it.
pub fn spawn_writer(figures: Arc<Figures>, db: Db, config: CheckpointConfig) {
    tokio::spawn(async move {
        remove_stale_temporaries(&config.path);
        let every = Duration::from_secs(config.every_seconds);
        let mut written = figures.restored_checkpoint().map(|seq| (0, seq));
        // A start from the file counts as a try: the file is as good as one just written.
        let mut pacing = Pacing { tried: written.is_some().then(Instant::now), took: Duration::ZERO };
        loop {
            let now = figures.read_engine(Engine::applied_seq);
            if written != Some(now) && pacing.due(written, now, every) {
                let started = Instant::now();
                pacing.tried = Some(started);
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
                pacing.took = started.elapsed();
            }
            tokio::time::sleep(LOOK_EVERY.min(every)).await;
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

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::{Pacing, EVENTS_BEFORE_EARLY_WRITE};

    const EVERY: Duration = Duration::from_secs(300);

    /// Pacing whose last try was `ago` back and took `took`.
    fn tried(ago: Duration, took: Duration) -> Pacing {
        Pacing { tried: Some(Instant::now() - ago), took }
    }

    #[test]
    fn a_write_is_due_first_then_on_the_interval_or_after_many_events_spaced_by_its_cost() {
        let far = EVENTS_BEFORE_EARLY_WRITE;
        let (second, ms) = (Duration::from_secs(1), Duration::from_millis(1));
        assert!(Pacing { tried: None, took: Duration::ZERO }.due(None, (0, 5), EVERY), "no file yet: at once");
        assert!(!tried(second, ms).due(None, (0, 5), EVERY), "a failed first try waits for the interval");
        assert!(tried(EVERY, ms).due(None, (0, 5), EVERY));
        assert!(!tried(second, ms).due(Some((0, 100)), (0, 101), EVERY));
        assert!(!tried(second, ms).due(Some((0, 100)), (0, 99 + far), EVERY));
        assert!(tried(second, ms).due(Some((0, 100)), (0, 100 + far), EVERY), "moved far: before the interval");
        assert!(
            !tried(5 * second, second).due(Some((0, 100)), (0, 100 + far), EVERY),
            "moved far, but the last write took 1 s: not before 10 s"
        );
        assert!(tried(10 * second, second).due(Some((0, 100)), (0, 100 + far), EVERY));
        assert!(tried(EVERY, ms).due(Some((0, 100)), (1, 100), EVERY), "a rebuild: on the interval");
    }
}
