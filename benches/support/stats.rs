//! `GET /api/stats` at a million stored messages against the old way: read every raw
//! message and compute the figures from scratch on each request.

use std::time::Instant;

use chatpulse::model::Settings;
use chatpulse::server::db::Db;
use chatpulse::server::pipeline::engine::query::StatsQuery;
use chatpulse::server::pipeline::engine::Engine;
use serde_json::json;

use super::load::{load_messages, post_events, Traffic};
use super::percentiles;
use super::server::{existing_postgres_url, existing_sqlite_url, postgres_url, sqlite_url, Server, READ_KEY};

const HIT_REQUESTS: usize = 500;
const MISS_REQUESTS: usize = 200;
/// Reads timed while a rebuild runs.
const READS_DURING_REBUILD: usize = 400;

/// `preloaded`: reuse the database a previous run of the same backend loaded, instead of
/// loading `messages` afresh; the server then starts as after a restart (from its
/// checkpoint).
pub async fn run(backend: &str, messages: usize, baseline_runs: usize, preloaded: bool) {
    let url = match (backend, preloaded) {
        ("postgres", true) => existing_postgres_url("chatpulse_bench_stats"),
        ("postgres", false) => postgres_url("chatpulse_bench_stats").await,
        (_, true) => existing_sqlite_url("bench-stats"),
        _ => sqlite_url("bench-stats"),
    };
    let server = Server::start(&url).await;
    let client = reqwest::Client::new();
    let end = chrono::Utc::now().timestamp_millis();
    let mut traffic = Traffic::new(5, end, 365);
    let started = Instant::now();
    let stored = if preloaded { messages } else { load_messages(&client, &server.base, &mut traffic, messages).await };
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
    // The user's case: a 30- or 330-day range with a new `from` on every request (so no
    // reader shares another's computation), by one reader and by four at once.
    let mut ranged = Vec::new();
    for days in [30, 330] {
        for readers in [1, 4] {
            let reads = futures::future::join_all((0..readers).map(|reader| {
                let (client, base) = (client.clone(), server.base.clone());
                async move {
                    let mut times = Vec::new();
                    for i in 0..MISS_REQUESTS / readers {
                        // Distinct in every run too: no two requests share a snapshot.
                        let nth = (readers * 1_000 + i * readers + reader + 1) as i64;
                        let from = end - days * 86_400_000 + nth * 7_919;
                        let from = chrono::DateTime::from_timestamp_millis(from).unwrap().to_rfc3339();
                        times.push(
                            get(client.clone(), format!("{base}/api/stats?from={}", from.replace('+', "%2B"))).await,
                        );
                    }
                    times
                }
            }))
            .await;
            ranged.push((days, readers, percentiles(reads.into_iter().flatten().collect())));
        }
    }
    let rebuild = measure_rebuild(&server, &client).await;
    let rss_mib = server.rss_kib() / 1024;
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
    for _ in 0..baseline_runs {
        let started = Instant::now();
        let events = db.all_events().await.unwrap();
        let stats = Engine::build(Settings::default(), 0, events).stats(&query, now);
        std::hint::black_box(serde_json::to_vec(&stats).unwrap());
        baseline.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let (hit50, hit99, _) = percentiles(hits);
    let (miss50, miss99, miss_max) = percentiles(misses);
    let base50 = if baseline.is_empty() { f64::NAN } else { percentiles(baseline).0 };
    println!("GET /api/stats on {backend} at {stored} messages, cached version: p50 {hit50:.2} ms, p99 {hit99:.2} ms");
    println!("GET /api/stats on {backend} at {stored} messages, new version each time: p50 {miss50:.2} ms, p99 {miss99:.2} ms, max {miss_max:.2} ms (target p99 <= 50 ms)");
    for (days, readers, (p50, p99, max)) in ranged {
        println!(
            "GET /api/stats on {backend} at {stored} messages, {days}-day range, new from each request, {readers} reader(s): \
             p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms"
        );
    }
    println!("baseline (read every raw message and compute per request) on {backend}: p50 {base50:.0} ms over {baseline_runs} runs");
    println!("ratio baseline p50 / chatpulse p99 (new version): {:.0}x (expect >= 40x)", base50 / miss99);
    println!(
        "rebuild of the figures from scratch at {stored} messages (a session-gap change): {:.1} s (target <= 90 s); \
         {} reads served meanwhile, p50 {:.2} ms, p99 {:.2} ms; server RSS {rss_mib} MiB",
        rebuild.seconds, rebuild.reads, rebuild.read_p50, rebuild.read_p99
    );
}

struct Rebuild {
    seconds: f64,
    reads: usize,
    read_p50: f64,
    read_p99: f64,
}

/// Changes the session gap (the sessions must be rebuilt from every event) and times
/// the rebuild, reading `/api/stats` all the while.
async fn measure_rebuild(server: &Server, client: &reqwest::Client) -> Rebuild {
    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let cookie = super::process::log_in(&no_redirects, &server.base, "admin", "bench-admin-password")
        .await
        .expect("the bench's admin logs in");
    let current = server.stats(client, "").await;
    // A different gap each run, so that the sessions really are rebuilt.
    let gap = if current["settings"]["session_gap_minutes"] == 31 { "30" } else { "31" };
    let started = Instant::now();
    let saved = client
        .post(format!("{}/api/update_settings", server.base))
        .header("cookie", cookie)
        .form(&[
            ("session_gap_minutes", gap),
            ("min_session_messages", "2"),
            ("online_window_minutes", "5"),
            ("timezone", "UTC"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status().as_u16(), 200);
    let mut reads = Vec::new();
    loop {
        let read_started = Instant::now();
        let response = client.get(format!("{}/api/stats", server.base)).bearer_auth(READ_KEY).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
        response.bytes().await.unwrap();
        reads.push(read_started.elapsed().as_secs_f64() * 1000.0);
        if reads.len() % 20 == 0 && server.metric(client, "chatpulse_rebuilds_running").await == 0.0 {
            break;
        }
        if reads.len() >= READS_DURING_REBUILD {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
    let seconds = server.metric(client, "chatpulse_rebuild_last_seconds").await;
    eprintln!("rebuild observed done after {:.1} s", started.elapsed().as_secs_f64());
    let count = reads.len();
    let (read_p50, read_p99, _) = percentiles(reads);
    Rebuild { seconds, reads: count, read_p50, read_p99 }
}
