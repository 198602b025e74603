//! A restart with `messages` stored: until the full figures are served, from every
//! stored event (no checkpoint, the old way) and from the engine checkpoint plus the
//! events after it, in the same run on the same database; with `--peer-bin`, the same
//! for another build's binary, each with its own checkpoint file. Also a start straight
//! after the load, from whatever checkpoint the loading server had written by then.

use std::path::Path;
use std::time::{Duration, Instant};

use super::load::{load_messages, Traffic};
use super::server::{existing_postgres_url, existing_sqlite_url, postgres_url, sqlite_url, Server};

/// Every stored message counts: the default range ends now and loses old ones as the
/// bench runs.
const ALL_TIME: &str = "from=2000-01-01T00:00:00Z";

/// Times `starts` starts of each kind (the median and the slowest are printed).
pub async fn run(backend: &str, messages: usize, starts: usize, preloaded: bool, peer: Option<&Path>) {
    assert!(starts >= 1, "--starts must be at least 1");
    let url = match (backend, preloaded) {
        ("postgres", true) => existing_postgres_url("chatpulse_bench_restart"),
        ("postgres", false) => postgres_url("chatpulse_bench_restart").await,
        (_, true) => existing_sqlite_url("bench-restart"),
        _ => sqlite_url("bench-restart"),
    };
    let client = reqwest::Client::new();
    let file = |name: &str| std::env::temp_dir().join(format!("chatpulse-bench/restart-{backend}-{name}.checkpoint"));
    let off = [("CHATPULSE_CHECKPOINT", "off".to_string())];
    // Files rewritten only once an hour: what a start finds is the first write, or the
    // early one after a load (`checkpoint::take`).
    let on = |path: &Path| {
        let _ = std::fs::remove_file(path);
        [("CHATPULSE_CHECKPOINT", path.display().to_string()), ("CHATPULSE_CHECKPOINT_SECONDS", "3600".to_string())]
    };
    let mut rows = Vec::new();
    let mut after_load = None;
    if !preloaded {
        let loaded = on(&file("load"));
        let server = Server::start_with(&url, &loaded).await;
        let end = chrono::Utc::now().timestamp_millis();
        let started = Instant::now();
        let stored = load_messages(&client, &server.base, &mut Traffic::new(5, end, 365), messages).await;
        eprintln!(
            "loaded {stored} messages into {backend} in {:.1} s; RSS of the loading server {:.0} MiB",
            started.elapsed().as_secs_f64(),
            server.rss_kib() as f64 / 1024.0
        );
        // Stopped straight after its load, as an import followed by a deploy would.
        drop(server);
        let (figures, took, rss) = timed_start(None, &url, &loaded, &client).await;
        after_load = Some(figures);
        rows.push(("this build, right after the load".to_string(), took, took, rss));
    }

    let mut expected = None;
    for (build, program) in [("this build", None), ("peer", peer)] {
        if build == "peer" && program.is_none() {
            continue;
        }
        let checkpoint = file(if program.is_some() { "peer" } else { "own" });
        let on = on(&checkpoint);
        // The checkpoint's first writing: a start from every event, then the background write.
        let first = Server::start_program(program, &url, &on).await;
        let stats = first.stats(&client, ALL_TIME).await;
        let figures = (stats["totals"]["messages"].as_u64().unwrap(), stats["version"].as_u64().unwrap());
        assert_eq!(*expected.get_or_insert(figures), figures, "{build}: the same figures as this build");
        let written = until_exists(&checkpoint, Duration::from_secs(600)).await;
        drop(first);
        let bytes = std::fs::metadata(&checkpoint).unwrap().len();
        eprintln!(
            "{build}: checkpoint written {written:.2} s after the first start served: {:.1} MiB",
            bytes as f64 / 1048576.0
        );
        for (kind, env) in [("from every event", &off[..]), ("from the checkpoint", &on[..])] {
            let mut seconds = Vec::new();
            let mut rss = 0;
            for _ in 0..starts {
                let (figures, took, rss_kib) = timed_start(program, &url, env, &client).await;
                assert_eq!(Some(figures), expected, "{build} {kind}: the same figures");
                seconds.push(took);
                rss = rss_kib;
            }
            seconds.sort_by(|a, b| a.partial_cmp(b).unwrap());
            rows.push((format!("{build}, {kind}"), seconds[starts / 2], seconds[starts - 1], rss));
        }
    }
    if let Some(figures) = after_load {
        assert_eq!(Some(figures), expected, "right after the load: the same figures");
    }
    let (messages, _) = expected.unwrap();
    println!("\nrestart -> full figures served, {backend}, {messages} messages stored, median of {starts} starts");
    if let Some(peer) = peer {
        println!("peer: {}", peer.display());
    }
    println!("{:<44} {:>10} {:>10} {:>12}", "start", "median s", "max s", "RSS MiB");
    for (name, median, max, rss) in &rows {
        println!("{name:<44} {median:>10.2} {max:>10.2} {:>12.0}", *rss as f64 / 1024.0);
    }
    let row = |name: &str| rows.iter().find(|r| r.0 == name);
    if let (Some(new), Some(old)) = (row("this build, from the checkpoint"), row("peer, from the checkpoint")) {
        println!(
            "this build / peer, from the checkpoint: time {:.2}, RSS {:.2}",
            new.1 / old.1,
            new.3 as f64 / old.3 as f64
        );
    }
    if let (Some(new), Some(old)) = (row("this build, from every event"), row("peer, from every event")) {
        println!(
            "this build / peer, from every event: time {:.2}, RSS {:.2}",
            new.1 / old.1,
            new.3 as f64 / old.3 as f64
        );
    }
}

/// Starts a server, waits until it serves the figures, and stops it: the figures
/// (messages, version), the seconds from spawn to served, and its resident memory.
async fn timed_start(
    program: Option<&Path>,
    url: &str,
    env: &[(&str, String)],
    client: &reqwest::Client,
) -> ((u64, u64), f64, u64) {
    let started = Instant::now();
    let server = Server::start_program(program, url, env).await;
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
