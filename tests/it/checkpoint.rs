//! The engine checkpoint across real restarts of the real binary: a start restores it
//! and reads only the events after it; a damaged one, or one of another database, is
//! ignored with a log line and the figures are built from every event; `kill -9` in
//! the middle of writing one loses nothing.

use crate::common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::cluster::{batch, Instance};
use common::{fresh_database, Backend};
use serde_json::Value;

/// The figures two starts must agree on: all but what moves with the clock (the range
/// ending now, the answer's instant, the queue's waiting times).
fn figures(stats: &Value) -> Value {
    let mut figures = stats.clone();
    let object = figures.as_object_mut().expect("a stats document");
    object.retain(|key, _| !matches!(key.as_str(), "from" | "to" | "generated_at" | "queue"));
    assert!(object.contains_key("version") && object.contains_key("sessions_page"));
    figures
}

fn checkpoint_path(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chatpulse-checkpoints-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("engine.checkpoint")
}

fn env(database: &str, checkpoint: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("CHATPULSE_DATABASE_URL", database.to_string()),
        ("CHATPULSE_CHECKPOINT", checkpoint.display().to_string()),
        ("CHATPULSE_CHECKPOINT_SECONDS", "1".into()),
        ("CHATPULSE_KEY_EVENTS_PER_SECOND", "0".into()),
        ("CHATPULSE_ADDRESS_REQUESTS_PER_SECOND", "0".into()),
    ]
}

/// How many lines of `instance`'s log (every start of it in this test run) contain `text`.
fn log_lines(instance: &Instance, text: &str) -> usize {
    let log = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/cluster-logs").join(format!(
        "{}-{}.log",
        instance.name,
        std::process::id()
    ));
    std::fs::read_to_string(log).unwrap_or_default().lines().filter(|line| line.contains(text)).count()
}

async fn until_logged(instance: &Instance, text: &str, more_than: usize) {
    let logged = common::eventually(20, || async { log_lines(instance, text) > more_than }).await;
    assert!(logged, "{} never logged {text:?}", instance.name);
}

async fn restart_serves_identical_figures(backend: Backend, name: &'static str) {
    let database = fresh_database(backend).await;
    let path = checkpoint_path(name);
    let mut instance = Instance::start(name, &env(&database, &path)).await;
    let written = log_lines(&instance, "checkpoint written");
    assert_eq!(instance.ingest(&batch("before", 60)).await.unwrap().0, 202);
    until_logged(&instance, "checkpoint written", written).await;
    // These come after the checkpoint (or the next one has them): either way a restart
    // must count them once.
    assert_eq!(instance.ingest(&batch("after", 25)).await.unwrap().0, 202);
    let before = instance.stats().await;
    assert_eq!(before["totals"]["messages"], 170, "{}", before["totals"]);

    let restored = log_lines(&instance, "checkpoint restored");
    instance.restart().await;
    assert_eq!(figures(&instance.stats().await), figures(&before), "the same figures and version after a restart");
    assert_eq!(log_lines(&instance, "checkpoint restored"), restored + 1, "the start used the checkpoint");

    // A damaged checkpoint: ignored with a log line saying why, figures from the events.
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&path, &bytes).unwrap();
    let ignored = log_lines(&instance, "checkpoint ignored");
    let written = log_lines(&instance, "checkpoint written");
    instance.restart().await;
    assert_eq!(figures(&instance.stats().await), figures(&before), "a damaged checkpoint changes no figure");
    assert_eq!(log_lines(&instance, "checkpoint ignored"), ignored + 1);
    assert!(log_lines(&instance, "checksum does not match") > 0);
    // The rebuilt figures write a good checkpoint again.
    until_logged(&instance, "checkpoint written", written).await;

    // A checkpoint of this database given to an instance of another one is refused.
    let other_path = checkpoint_path(&format!("{name}-other"));
    std::fs::copy(&path, &other_path).unwrap();
    let other = Instance::start(
        if backend == Backend::Sqlite { "ckpt-other-sqlite" } else { "ckpt-other-pg" },
        &env(&fresh_database(backend).await, &other_path),
    )
    .await;
    assert!(log_lines(&other, "written from another database") > 0);
    assert_eq!(other.stats().await["totals"]["messages"], 0);
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
    let _ = std::fs::remove_dir_all(other_path.parent().unwrap());
}

#[tokio::test]
async fn a_restart_on_sqlite_serves_identical_figures_and_a_damaged_or_foreign_checkpoint_is_rebuilt() {
    restart_serves_identical_figures(Backend::Sqlite, "ckpt-sqlite").await;
}

#[tokio::test]
async fn a_restart_on_postgres_serves_identical_figures_and_a_damaged_or_foreign_checkpoint_is_rebuilt() {
    restart_serves_identical_figures(Backend::Postgres, "ckpt-pg").await;
}

/// The temporary files beside `path`: a checkpoint being written.
fn temporaries(path: &Path) -> Vec<PathBuf> {
    let dir = std::fs::read_dir(path.parent().unwrap()).unwrap();
    dir.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "tmp")).collect()
}

#[tokio::test]
async fn kill_9_while_a_checkpoint_is_written_loses_no_acknowledged_event() {
    let database = fresh_database(Backend::Sqlite).await;
    let path = checkpoint_path("kill");
    let mut instance = Instance::start("ckpt-kill", &env(&database, &path)).await;
    // Enough to make each write take a while.
    let mut users = 0;
    for round in 0..40 {
        // 1,000 events: the most one request may carry.
        assert_eq!(instance.ingest(&batch(&format!("bulk-{round}"), 500)).await.unwrap().0, 202);
        users += 500;
    }
    until_logged(&instance, "checkpoint written", 0).await;
    // A trickle of acknowledged events, so that a checkpoint is written every second.
    let (base, client) = (instance.base.clone(), instance.client.clone());
    let trickle = tokio::spawn(async move {
        let mut acknowledged = 0;
        for round in 0usize.. {
            let response = client
                .post(format!("{base}/api/ingest/events"))
                .bearer_auth(common::INGEST_KEY)
                .json(&batch(&format!("trickle-{round}"), 3))
                .send()
                .await;
            match response {
                Ok(r) if r.status().as_u16() == 202 => acknowledged += 3,
                Ok(r) => panic!("a trickle batch got {}", r.status()),
                // The kill: this batch may or may not have been committed.
                Err(_) => return (acknowledged, round),
            }
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        unreachable!()
    });
    let deadline = Instant::now() + Duration::from_secs(20);
    while temporaries(&path).is_empty() {
        assert!(Instant::now() < deadline, "no checkpoint write was caught in 20 s");
        tokio::time::sleep(Duration::from_micros(500)).await;
    }
    instance.kill().await;
    let torn = temporaries(&path);
    assert!(!torn.is_empty(), "the kill left a half-written temporary file");
    let (acknowledged, in_flight) = trickle.await.unwrap();
    users += acknowledged;

    instance.restart().await;
    // The batch the kill cut off is sent again with its ids: stored once either way.
    assert_eq!(instance.ingest(&batch(&format!("trickle-{in_flight}"), 3)).await.unwrap().0, 202);
    users += 3;
    assert!(log_lines(&instance, "checkpoint restored") > 0, "the previous checkpoint was whole and used");
    assert_eq!(instance.stats().await["totals"]["messages"], 2 * users as u64, "every acknowledged event counts once");
    let cleaned = common::eventually(10, || async { torn.iter().all(|t| !t.exists()) }).await;
    assert!(cleaned, "the dead writer's temporary file is removed");
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}
