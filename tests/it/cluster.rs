//! Several chatpulse processes on one PostgreSQL and one Redis, and the faults real
//! deployments meet: Redis or PostgreSQL cut off and back, an instance killed with
//! `kill -9` while clients ingest and watch. Real processes, real services; the cuts go
//! through a TCP proxy in front of the shared services, so nothing else is disturbed.

use crate::common;

use std::time::{Duration, Instant};

use common::cluster::{batch, Instance, Proxy};
use common::{eventually, fresh_database, log_in, sio, Backend, READ_KEY};
use serde_json::Value;

const REDIS: &str = "127.0.0.1:6379";
const POSTGRES: &str = "127.0.0.1:5432";

/// The environment of an instance on `database` with Redis at `redis` (a channel prefix
/// of its own per test, so tests running at once do not hear each other).
fn env(database: &str, redis: Option<String>, prefix: &str) -> Vec<(&'static str, String)> {
    let mut env =
        vec![("CHATPULSE_DATABASE_URL", database.to_string()), ("CHATPULSE_REDIS_PREFIX", prefix.to_string())];
    if let Some(redis) = redis {
        env.push(("CHATPULSE_REDIS_URL", format!("redis://{redis}")));
    }
    env
}

fn prefix(test: &str) -> String {
    format!("chatpulse-test-{test}-{}", std::process::id())
}

/// A dashboard socket on `instance`, opened with the read key.
async fn watch(instance: &Instance) -> sio::Ws {
    sio::connect(&instance.base, "/dashboard", &format!("{{\"token\":\"{READ_KEY}\"}}"), &[]).await.unwrap()
}

/// The names of the events `ws` receives within `within`.
async fn heard(ws: &mut sio::Ws, within: Duration) -> Vec<String> {
    let mut names = Vec::new();
    let deadline = Instant::now() + within;
    while let Ok(text) =
        tokio::time::timeout(deadline.saturating_duration_since(Instant::now()), sio::next_text(ws)).await
    {
        if let Some(rest) = text.strip_prefix("42/dashboard,[\"") {
            names.push(rest.split('"').next().unwrap_or_default().to_string());
        }
    }
    names
}

/// Waits for `event` on `ws`; how long it took.
async fn until_heard(ws: &mut sio::Ws, event: &str) -> Duration {
    let started = Instant::now();
    let wanted = format!("42/dashboard,[\"{event}\"");
    loop {
        let text = sio::next_text(ws).await;
        if text.starts_with(&wanted) {
            return started.elapsed();
        }
    }
}

fn figures(stats: &Value) -> (u64, Value) {
    (stats["version"].as_u64().unwrap(), stats["totals"].clone())
}

#[tokio::test]
async fn an_ingest_on_one_instance_reaches_the_dashboards_of_the_other_and_both_serve_the_same_figures() {
    let database = fresh_database(Backend::Postgres).await;
    let prefix = prefix("fanout");
    let a = Instance::start("fanout-a", &env(&database, Some(REDIS.into()), &prefix)).await;
    let b = Instance::start("fanout-b", &env(&database, Some(REDIS.into()), &prefix)).await;
    assert_eq!(b.health().await.1["redis"], "ok");
    let mut on_b = watch(&b).await;
    let mut on_a = watch(&a).await;

    assert_eq!(a.ingest(&batch("first", 3)).await.unwrap().0, 202);
    let took = until_heard(&mut on_b, "stats_update").await;
    until_heard(&mut on_a, "stats_update").await;
    eprintln!("ingest on A -> stats_update on B: {took:?}");
    // Heard on B, read on B at once: the figures include the event, and agree with A's.
    let (on_b_now, on_a_now) = (b.stats().await, a.stats().await);
    assert_eq!(on_b_now["totals"]["messages"], 6, "{}", on_b_now["totals"]);
    assert_eq!(figures(&on_b_now), figures(&on_a_now));
    // The per-event signals cross instances too (only Redis carries those).
    assert!(heard(&mut on_b, Duration::from_secs(2)).await.contains(&"new_message".to_string()));

    // A settings change on A reaches B's figures, and B's dashboards hear of it.
    let cookie = login(&a).await;
    let saved = a
        .client
        .post(format!("{}/api/update_settings", a.base))
        .header("cookie", &cookie)
        .form(&[
            ("session_gap_minutes", "30"),
            ("min_session_messages", "3"),
            ("online_window_minutes", "5"),
            ("timezone", "UTC"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status().as_u16(), 200, "{}", saved.text().await.unwrap());
    let followed = eventually(10, || async { b.stats().await["totals"]["sessions"] == 0 }).await;
    assert!(followed, "B follows the new minimum: {}", b.stats().await["totals"]);
    assert_eq!(figures(&a.stats().await), figures(&b.stats().await));
}

async fn login(instance: &Instance) -> String {
    log_in(&instance.client, &instance.base, "admin", common::ADMIN_PASSWORD).await.expect("admin logs in")
}

#[tokio::test]
async fn without_redis_each_instance_serves_its_own_dashboards_and_fan_out_resumes_when_it_returns() {
    let database = fresh_database(Backend::Postgres).await;
    let prefix = prefix("redis-outage");
    let redis = Proxy::start(REDIS).await;
    let a = Instance::start("redis-a", &env(&database, Some(redis.addr.to_string()), &prefix)).await;
    let b = Instance::start("redis-b", &env(&database, Some(redis.addr.to_string()), &prefix)).await;
    let (mut on_a, mut on_b) = (watch(&a).await, watch(&b).await);

    redis.cut();
    for instance in [&a, &b] {
        let degraded = eventually(10, || async { instance.health().await.1["redis"] == "unavailable" }).await;
        assert!(degraded, "{} says Redis is unavailable", instance.name);
        let (status, body) = instance.health().await;
        assert_eq!((status, body["status"].as_str(), body["database"].as_str()), (200, Some("degraded"), Some("ok")));
    }
    // Still live on both: A's dashboards hear A's ingest from A itself, B's from B's
    // own catch-up through the database (which carries no per-message signal).
    assert_eq!(a.ingest(&batch("cut", 2)).await.unwrap().0, 202);
    assert!(heard(&mut on_a, Duration::from_secs(3)).await.contains(&"new_message".to_string()));
    let on_b_heard = heard(&mut on_b, Duration::from_secs(3)).await;
    assert!(
        on_b_heard.contains(&"stats_update".to_string()) && !on_b_heard.contains(&"new_message".to_string()),
        "{on_b_heard:?}"
    );
    assert_eq!(b.stats().await["totals"]["messages"], 4);

    redis.restore();
    for instance in [&a, &b] {
        let back = eventually(15, || async { instance.health().await.1["redis"] == "ok" }).await;
        assert!(back, "{} sees Redis again", instance.name);
    }
    // Fan-out resumed: the per-message signal of an ingest on A reaches B again.
    assert_eq!(a.ingest(&batch("back", 1)).await.unwrap().0, 202);
    assert!(heard(&mut on_b, Duration::from_secs(3)).await.contains(&"new_message".to_string()), "fan-out resumed");
    assert_eq!(figures(&a.stats().await), figures(&b.stats().await));
}

#[tokio::test]
async fn database_cuts_and_a_killed_instance_lose_no_acknowledged_event_and_count_none_twice() {
    let database = fresh_database(Backend::Postgres).await;
    let postgres = Proxy::start(POSTGRES).await;
    let through_proxy = database.replace("127.0.0.1:5432", &postgres.addr.to_string());
    let prefix = prefix("faults");
    let mut a = Instance::start("faults-a", &env(&through_proxy, Some(REDIS.into()), &prefix)).await;
    let b = Instance::start("faults-b", &env(&through_proxy, Some(REDIS.into()), &prefix)).await;
    let mut on_b = watch(&b).await;
    let mut acknowledged_users = 0usize;

    // The database goes away: ingest is refused with 503 + Retry-After (nothing is
    // acknowledged), health names the database, reads keep the last figures or fail.
    assert_eq!(a.ingest(&batch("before", 5)).await.unwrap().0, 202);
    acknowledged_users += 5;
    postgres.cut();
    let (status, retry_after) = a.ingest(&batch("refused", 4)).await.unwrap();
    assert_eq!(status, 503);
    assert!(retry_after.is_some_and(|s| s.parse::<u64>().is_ok_and(|s| s > 0)));
    let (status, health) = b.health().await;
    assert_eq!((status, health["database"].as_str()), (503, Some("unavailable")));
    // B's dashboards are told to refetch (and, failing, to call their figures stale).
    assert!(heard(&mut on_b, Duration::from_secs(5)).await.contains(&"stats_update".to_string()));

    // Back without a restart.
    postgres.restore();
    let recovered =
        eventually(20, || async { a.ingest(&batch("after-cut", 3)).await.is_some_and(|r| r.0 == 202) }).await;
    assert!(recovered, "ingest works again once the database is back");
    acknowledged_users += 3;

    // kill -9 of A while a client ingests through both, batch after batch; a batch
    // that got no answer (or a 5xx) is retried with the same ids on B until
    // acknowledged, so a commit whose answer died with A is not counted twice.
    let (base_a, base_b) = (a.base.clone(), b.base.clone());
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let ingesting = tokio::spawn(async move {
        let post = |base: String, body: Value| {
            let client = client.clone();
            async move {
                let response = client
                    .post(format!("{base}/api/ingest/events"))
                    .bearer_auth(common::INGEST_KEY)
                    .json(&body)
                    .send()
                    .await;
                response.ok().map(|r| r.status().as_u16())
            }
        };
        let mut users = 0;
        for round in 0..60 {
            let body = batch(&format!("run-{round}"), 2);
            let first = if round % 2 == 0 { &base_a } else { &base_b };
            if post(first.clone(), body.clone()).await != Some(202) {
                let mut retries = 0;
                while post(base_b.clone(), body.clone()).await != Some(202) {
                    retries += 1;
                    assert!(retries < 50, "B never acknowledged a retried batch");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
            users += 2;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        users
    });
    tokio::time::sleep(Duration::from_millis(700)).await;
    a.kill().await;
    acknowledged_users += ingesting.await.unwrap();
    a.restart().await;
    let expected = 2 * acknowledged_users as u64;
    let agreed = eventually(10, || async {
        let (on_a, on_b) = (a.stats().await, b.stats().await);
        on_a["totals"]["messages"] == expected && figures(&on_a) == figures(&on_b)
    })
    .await;
    assert!(
        agreed,
        "expected {expected} messages on both: A {} / B {}",
        a.stats().await["totals"],
        b.stats().await["totals"]
    );
}
