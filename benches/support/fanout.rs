//! `stats_update` fan-out: N idle dashboards, one ingest at a time, time from sending the
//! request until the last socket has the update; and server memory per idle socket.

use std::time::{Duration, Instant};

use serde_json::json;
use tokio::sync::mpsc;

use super::load::post_events;
use super::percentiles;
use super::server::{sqlite_url, Server, READ_KEY};
use super::sio::watch_dashboard;

pub async fn run(sockets: usize, rounds: usize) {
    let server = Server::start(&sqlite_url("bench-fanout")).await;
    let client = reqwest::Client::new();
    // Warm up the server's allocator and caches before measuring memory.
    post_events(&client, &server.base, &json!({"type": "user_online", "channel": "web", "user_id": "warm"})).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let rss_before = server.rss_kib();

    let mut rx = watchers(server.port, sockets).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_after = server.rss_kib();
    let per_socket = (rss_after.saturating_sub(rss_before)) as f64 / sockets as f64;

    let mut latencies = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let body = json!({"type": "message", "channel": "web", "user_id": format!("fan-{round}"), "sender": "user"});
        latencies.push(until_all_heard(&client, &server.base, &mut rx, sockets, &body).await);
        // Past the 100 ms coalescing window, so each round is one leading-edge update.
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let (p50, p99, max) = percentiles(latencies);
    println!("stats_update to {sockets} sockets, request sent -> last socket received, {rounds} rounds: p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms (target p99 <= 60 ms)");
    println!("server memory per idle dashboard socket: {per_socket:.1} KiB (RSS {rss_before} -> {rss_after} KiB; target <= 32 KiB)");
}

/// Connects `sockets` dashboard sockets to the server on `port`; the instants their
/// `stats_update`s arrive come out of the returned receiver.
pub async fn watchers(port: u16, sockets: usize) -> mpsc::UnboundedReceiver<Instant> {
    let (tx, rx) = mpsc::unbounded_channel();
    for chunk in (0..sockets).collect::<Vec<_>>().chunks(100) {
        futures::future::join_all(chunk.iter().map(|_| watch_dashboard(port, READ_KEY, tx.clone()))).await;
    }
    rx
}

/// Sends `body` to `base`'s ingest; milliseconds until the last of `sockets` heard of it.
pub async fn until_all_heard(
    client: &reqwest::Client,
    base: &str,
    rx: &mut mpsc::UnboundedReceiver<Instant>,
    sockets: usize,
    body: &serde_json::Value,
) -> f64 {
    // Updates heard after the last round was timed are not this round's.
    while rx.try_recv().is_ok() {}
    let sent = Instant::now();
    assert_eq!(post_events(client, base, body).await, 202);
    let mut last = sent;
    for _ in 0..sockets {
        let arrived =
            tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.expect("every socket hears").unwrap();
        last = last.max(arrived);
    }
    (last - sent).as_secs_f64() * 1000.0
}
