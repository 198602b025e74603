//! `GET /api/stats` at a million stored messages against the old way: read every raw
//! message and compute the figures from scratch on each request.

use std::time::Instant;

use chatpulse::model::Settings;
use chatpulse::server::db::Db;
use chatpulse::server::engine::query::StatsQuery;
use chatpulse::server::engine::Engine;
use serde_json::{json, Value};

use super::load::{post_events, Traffic};
use super::percentiles;
use super::server::{postgres_url, sqlite_url, Server, READ_KEY};

const LOAD_BATCH: usize = 1000;
const HIT_REQUESTS: usize = 500;
const MISS_REQUESTS: usize = 200;
const BASELINE_RUNS: usize = 3;

pub async fn run(backend: &str, messages: usize) {
    let url = match backend {
        "postgres" => postgres_url("chatpulse_bench_stats").await,
        _ => sqlite_url("bench-stats"),
    };
    let server = Server::start(&url).await;
    let client = reqwest::Client::new();
    let end = chrono::Utc::now().timestamp_millis();
    let mut traffic = Traffic::new(5, end, 365);
    let started = Instant::now();
    let mut stored = 0;
    while stored < messages {
        let batch = traffic.batch(LOAD_BATCH);
        stored += batch.iter().filter(|e| e["type"] == "message").count();
        assert_eq!(post_events(&client, &server.base, &Value::Array(batch)).await, 202);
    }
    eprintln!("loaded {stored} messages into {backend} in {:.1} s", started.elapsed().as_secs_f64());

    let url_all = format!("{}/api/stats", server.base);
    let get = |client: reqwest::Client, url: String| async move {
        let started = Instant::now();
        let response = client.get(url).bearer_auth(READ_KEY).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        response.bytes().await.unwrap();
        started.elapsed().as_secs_f64() * 1000.0
    };
    let mut hits = Vec::new();
    for _ in 0..HIT_REQUESTS {
        hits.push(get(client.clone(), url_all.clone()).await);
    }
    // A new event before each request: every read is a new version, computed afresh.
    let mut misses = Vec::new();
    for i in 0..MISS_REQUESTS {
        let event = json!({"type": "message", "channel": "web", "user_id": format!("probe-{i}"), "sender": "user"});
        assert_eq!(post_events(&client, &server.base, &event).await, 202);
        misses.push(get(client.clone(), url_all.clone()).await);
    }
    drop(server);

    let db = Db::connect(&url).await.unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let query = StatsQuery {
        channel: chatpulse::model::ChannelFilter::All,
        from: now - 30 * 86_400_000,
        to: now,
        page: 1,
        per_page: 50,
        rows: Default::default(),
    };
    let mut baseline = Vec::new();
    for _ in 0..BASELINE_RUNS {
        let started = Instant::now();
        let events = db.all_events().await.unwrap();
        let stats = Engine::build(Settings::default(), 0, events).stats(&query, now);
        std::hint::black_box(serde_json::to_vec(&stats).unwrap());
        baseline.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let (hit50, hit99, _) = percentiles(hits);
    let (miss50, miss99, miss_max) = percentiles(misses);
    let (base50, _, _) = percentiles(baseline);
    println!("GET /api/stats on {backend} at {stored} messages, cached version: p50 {hit50:.2} ms, p99 {hit99:.2} ms");
    println!("GET /api/stats on {backend} at {stored} messages, new version each time: p50 {miss50:.2} ms, p99 {miss99:.2} ms, max {miss_max:.2} ms (target p99 <= 50 ms)");
    println!("baseline (read every raw message and compute per request) on {backend}: p50 {base50:.0} ms over {BASELINE_RUNS} runs");
    println!("ratio baseline p50 / chatpulse p99 (new version): {:.0}x (expect >= 40x)", base50 / miss99);
}
