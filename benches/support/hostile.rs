//! The hardening issue's benches: a login flood and a late-event storm, each beside a
//! baseline measured in the same run (the idle server; reads in a quiet spell).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::load::post_events;
use super::percentiles;
use super::server::{sqlite_url, Server, READ_KEY};

/// Samples the server's resident memory every 10 ms until `stop`; returns the peak, KiB.
fn watch_rss(server: &Server, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<u64> {
    let status = format!("/proc/{}/status", server.pid());
    tokio::spawn(async move {
        let mut peak = 0;
        while !stop.load(Ordering::SeqCst) {
            let rss = std::fs::read_to_string(&status)
                .ok()
                .and_then(|s| s.lines().find_map(|l| l.strip_prefix("VmRSS:")).map(str::to_string))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
                .unwrap_or(0);
            peak = peak.max(rss);
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        peak
    })
}

/// `count` wrong logins sent at once, for `username(i)` from `address(i)` (as the trusted
/// proxy's `X-Forwarded-For` says): (judged, refused, other, peak RSS KiB).
async fn flood(
    server: &Server,
    count: usize,
    username: impl Fn(usize) -> String,
    address: impl Fn(usize) -> String,
) -> (usize, usize, usize, u64) {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let peak = watch_rss(server, stop.clone());
    let attempts = (0..count).map(|i| {
        let (client, url, name, from) = (client.clone(), format!("{}/login", server.base), username(i), address(i));
        tokio::spawn(async move {
            let form = [("username", name.as_str()), ("password", "wrong password"), ("next", "/")];
            let request = client.post(url).header("x-forwarded-for", from).form(&form);
            request.send().await.map(|r| r.status().as_u16()).unwrap_or(0)
        })
    });
    let statuses: Vec<u16> = futures::future::join_all(attempts).await.into_iter().map(Result::unwrap).collect();
    stop.store(true, Ordering::SeqCst);
    let judged = statuses.iter().filter(|s| **s == 303).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    (judged, refused, count - judged - refused, peak.await.unwrap())
}

/// A server that takes `X-Forwarded-For` from 127.0.0.1, so the flood can come from
/// many addresses.
async fn proxied_server(name: &str) -> Server {
    Server::start_with(&sqlite_url(name), &[("CHATPULSE_TRUSTED_PROXIES", "127.0.0.1".to_string())]).await
}

fn spread(i: usize) -> String {
    format!("10.{}.{}.{}", i / 65_536 % 256, i / 256 % 256, i % 256)
}

/// One flood against a fresh server, printed as a line.
async fn flood_line(label: &str, count: usize, username: impl Fn(usize) -> String, address: impl Fn(usize) -> String) {
    let server = proxied_server("bench-logins").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle = server.rss_kib();
    let started = Instant::now();
    let (judged, refused, other, peak) = flood(&server, count, username, address).await;
    println!(
        "  {label:<34} judged {judged:>4}, 429 {refused:>4}, other {other}; {:.2} s; peak RSS {peak} KiB ({:.2}x idle {idle} KiB)",
        started.elapsed().as_secs_f64(),
        peak as f64 / idle as f64
    );
}

pub async fn logins(count: usize) {
    println!("login flood: {count} wrong logins sent at once, each scenario on a fresh server");
    let admin = |_| "admin".to_string();
    flood_line("one account, one address:", count, admin, |_| "198.51.100.7".into()).await;
    flood_line(&format!("one account, {count} addresses:"), count, admin, spread).await;
    flood_line(&format!("made-up names, {count} addresses:"), count, |i| format!("user{i}"), spread).await;
    let long = |i| format!("{}{i}", "n".repeat(4000));
    flood_line(&format!("4 KB names, {count} addresses:"), count, long, spread).await;
}

fn message(start_ms: i64, offset_ms: i64, sender: &str) -> Value {
    super::events::message("storm", sender, start_ms + offset_ms)
}

/// Reads a year of figures in a loop until `stop`; every read's time, ms.
async fn read_until(base: String, stop: Arc<AtomicBool>, reads: Arc<AtomicU64>) -> Vec<f64> {
    let client = reqwest::Client::new();
    let mut samples = Vec::new();
    let from = (chrono::Utc::now() - chrono::Duration::days(365)).to_rfc3339();
    while !stop.load(Ordering::SeqCst) {
        let started = Instant::now();
        let status = client
            .get(format!("{base}/api/stats"))
            .query(&[("from", from.as_str())])
            .bearer_auth(READ_KEY)
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        assert_eq!(status, 200);
        samples.push(started.elapsed().as_secs_f64() * 1000.0);
        reads.fetch_add(1, Ordering::Relaxed);
    }
    samples
}

/// Two readers beside `work`: their read times while it runs, and how long it took.
async fn reads_during<F: std::future::Future<Output = ()>>(server: &Server, work: F) -> (Vec<f64>, f64) {
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicU64::new(0));
    let readers: Vec<_> =
        (0..2).map(|_| tokio::spawn(read_until(server.base.clone(), stop.clone(), reads.clone()))).collect();
    let started = Instant::now();
    work.await;
    let took = started.elapsed().as_secs_f64();
    stop.store(true, Ordering::SeqCst);
    let mut samples = Vec::new();
    for reader in readers {
        samples.extend(reader.await.unwrap());
    }
    (samples, took)
}

pub async fn late(history: usize, late: usize) {
    let server = Server::start(&sqlite_url("bench-late")).await;
    let client = reqwest::Client::new();
    let start_ms = chrono::Utc::now().timestamp_millis() - 30 * 60_000;
    // One visitor's `history` messages within a minute (3 ms apart from second 1).
    for chunk in (0..history).collect::<Vec<_>>().chunks(1000) {
        let events: Vec<Value> =
            chunk.iter().map(|i| message(start_ms, 1_000 + (*i as i64 * 60_000 / history as i64), "user")).collect();
        assert_eq!(post_events(&client, &server.base, &Value::Array(events)).await, 202);
    }
    println!("late-event storm: one visitor with {history} messages in a minute; 2 readers of a year's figures");
    let (quiet, quiet_s) = reads_during(&server, tokio::time::sleep(Duration::from_secs(3))).await;
    let (q50, q99, qmax) = percentiles(quiet);
    println!("  quiet spell ({quiet_s:.1} s, baseline): read p50 {q50:.1} ms, p99 {q99:.1} ms, max {qmax:.1} ms");

    let batch = async {
        let events: Vec<Value> = (0..late).map(|i| message(start_ms, i as i64, "bot")).collect();
        assert_eq!(post_events(&client, &server.base, &Value::Array(events)).await, 202);
    };
    let (samples, took) = reads_during(&server, batch).await;
    let (p50, p99, max) = percentiles(samples);
    println!(
        "  {late} late in one request:     ingest {:.1} ms; reads p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms ({:.2}x quiet max)",
        took * 1000.0,
        max / qmax
    );

    // The same number again, one event per request from 4 senders (a socket-like trickle).
    let trickle = async {
        let senders = (0..4).map(|sender| {
            let (client, base) = (client.clone(), server.base.clone());
            async move {
                for i in (sender..late).step_by(4) {
                    let event = message(start_ms, 500 + i as i64 % 500, "operator");
                    assert_eq!(post_events(&client, &base, &event).await, 202);
                }
            }
        });
        futures::future::join_all(senders).await;
    };
    let (samples, took) = reads_during(&server, trickle).await;
    let (p50, p99, max) = percentiles(samples);
    println!(
        "  {late} late, one per request:   ingest {:.1} ms; reads p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms ({:.2}x quiet max)",
        took * 1000.0,
        max / qmax
    );
    let stats = server.stats(&client, "from=1970-01-01T00:00:00Z").await;
    println!("  messages counted: {} of {}", stats["totals"]["messages"], history + 2 * late);
}
