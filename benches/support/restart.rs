//! A restart with `messages` stored: until the full figures are served, from every
//! stored event (no checkpoint, the old way) and from the engine checkpoint plus the
//! events after it, in the same run on the same database.

use std::path::Path;
use std::time::{Duration, Instant};

use super::load::{load_messages, Traffic};
use super::server::{existing_postgres_url, existing_sqlite_url, postgres_url, sqlite_url, Server};

/// Timed starts of each kind.
const STARTS: usize = 3;
/// Every stored message counts: the default range ends now and loses old ones as the
/// bench runs.
const ALL_TIME: &str = "from=2000-01-01T00:00:00Z";

pub async fn run(backend: &str, messages: usize, preloaded: bool) {
    let url = match (backend, preloaded) {
        ("postgres", true) => existing_postgres_url("chatpulse_bench_restart"),
        ("postgres", false) => postgres_url("chatpulse_bench_restart").await,
        (_, true) => existing_sqlite_url("bench-restart"),
        _ => sqlite_url("bench-restart"),
    };
    let client = reqwest::Client::new();
    let checkpoint = std::env::temp_dir().join(format!("chatpulse-bench/restart-{backend}.checkpoint"));
    let _ = std::fs::remove_file(&checkpoint);
    let off = [("CHATPULSE_CHECKPOINT", "off".to_string())];
    if !preloaded {
        let server = Server::start_with(&url, &off).await;
        let end = chrono::Utc::now().timestamp_millis();
        let started = Instant::now();
        let stored = load_messages(&client, &server.base, &mut Traffic::new(5, end, 365), messages).await;
        eprintln!("loaded {stored} messages into {backend} in {:.1} s", started.elapsed().as_secs_f64());
    }

    // The checkpoint's first writing: a start from every event, then the background write.
    let on = [
        ("CHATPULSE_CHECKPOINT", checkpoint.display().to_string()),
        ("CHATPULSE_CHECKPOINT_SECONDS", "3600".to_string()),
    ];
    let first = Server::start_with(&url, &on).await;
    let stats = first.stats(&client, ALL_TIME).await;
    let expected = (stats["totals"]["messages"].as_u64().unwrap(), stats["version"].as_u64().unwrap());
    let written = until_exists(&checkpoint, Duration::from_secs(600)).await;
    drop(first);
    let bytes = std::fs::metadata(&checkpoint).unwrap().len();
    eprintln!("checkpoint written {written:.2} s after the first start served: {:.1} MiB", bytes as f64 / 1048576.0);

    let mut rows = Vec::new();
    for (name, env) in [("from every event", &off[..]), ("from the checkpoint", &on[..])] {
        let mut seconds = Vec::new();
        let mut rss = 0;
        for _ in 0..STARTS {
            let (figures, took, rss_kib) = timed_start(&url, env, &client).await;
            assert_eq!(figures, expected, "{name}: the same figures");
            seconds.push(took);
            rss = rss_kib;
        }
        seconds.sort_by(|a, b| a.partial_cmp(b).unwrap());
        rows.push((name, seconds[STARTS / 2], seconds[STARTS - 1], rss));
    }
    println!("\nrestart -> full figures served, {backend}, {} messages stored, median of {STARTS} starts", expected.0);
    println!("{:<22} {:>10} {:>10} {:>12}", "start", "median s", "max s", "RSS MiB");
    for (name, median, max, rss) in &rows {
        println!("{name:<22} {median:>10.2} {max:>10.2} {:>12.0}", *rss as f64 / 1024.0);
    }
    println!("ratio (checkpoint / every event): {:.2}", rows[1].1 / rows[0].1);
}

/// Starts a server, waits until it serves the figures, and stops it: the figures
/// (messages, version), the seconds from spawn to served, and its resident memory.
async fn timed_start(url: &str, env: &[(&str, String)], client: &reqwest::Client) -> ((u64, u64), f64, u64) {
    let started = Instant::now();
    let server = Server::start_with(url, env).await;
    let stats = server.stats(client, ALL_TIME).await;
    let took = started.elapsed().as_secs_f64();
    let figures = (stats["totals"]["messages"].as_u64().unwrap(), stats["version"].as_u64().unwrap());
    (figures, took, server.rss_kib())
}

async fn until_exists(path: &Path, within: Duration) -> f64 {
    let started = Instant::now();
    while !path.exists() {
        assert!(started.elapsed() < within, "no checkpoint at {}", path.display());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    started.elapsed().as_secs_f64()
}
