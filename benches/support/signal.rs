//! Ingest request → `stats_update` at every one of N dashboard sockets, after a quiet
//! spell, chatpulse against the old system's way in the same run: a Node.js Socket.IO
//! server that inserts into PostgreSQL and then emits (`benches/peer/old-stats-server.mjs`).
//! Rounds alternate between the two, each after 0.3–1.2 s of quiet, so that both wake
//! from idle every time, as with real widget traffic.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::sync::mpsc;

use super::load::post_events;
use super::percentiles;
use super::server::{postgres_url, sqlite_url, Server, READ_KEY};
use super::sio::watch_dashboard;

/// The peer's process; stopped when dropped.
struct Peer {
    child: Child,
    port: u16,
}

impl Peer {
    fn start(database_url: &str) -> Peer {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/peer/old-stats-server.mjs");
        let mut child = Command::new("node")
            .args([script, "0", database_url])
            .stdout(Stdio::piped())
            .spawn()
            .expect("node runs the peer (npm ci installs socket.io and pg)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().strip_prefix("listening ").and_then(|p| p.parse().ok()).expect("the peer listens");
        Peer { child, port }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Connects `sockets` dashboard sockets to the server on `port`; their updates arrive
/// on the returned receiver.
async fn watchers(port: u16, sockets: usize) -> mpsc::UnboundedReceiver<Instant> {
    let (tx, rx) = mpsc::unbounded_channel();
    for chunk in (0..sockets).collect::<Vec<_>>().chunks(100) {
        futures::future::join_all(chunk.iter().map(|_| watch_dashboard(port, READ_KEY, tx.clone()))).await;
    }
    rx
}

/// One event sent to `base`; the time until the last of `sockets` heard of it.
async fn round(
    client: &reqwest::Client,
    base: &str,
    rx: &mut mpsc::UnboundedReceiver<Instant>,
    sockets: usize,
    n: usize,
) -> f64 {
    while rx.try_recv().is_ok() {}
    let body = json!({"type": "message", "channel": "web", "user_id": format!("signal-{n}"), "sender": "user"});
    let sent = Instant::now();
    assert_eq!(post_events(client, base, &body).await, 202);
    let mut last = sent;
    for _ in 0..sockets {
        let arrived =
            tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.expect("every socket hears").unwrap();
        last = last.max(arrived);
    }
    (last - sent).as_secs_f64() * 1000.0
}

pub async fn run(sockets: usize, rounds: usize) {
    let client = reqwest::Client::new();
    let peer = Peer::start(&postgres_url("chatpulse_bench_peer").await);
    let mut peer_rx = watchers(peer.port, sockets).await;
    let peer_base = format!("http://127.0.0.1:{}", peer.port);
    for backend in ["sqlite", "postgres"] {
        let url = match backend {
            "postgres" => postgres_url("chatpulse_bench_signal").await,
            _ => sqlite_url("bench-signal"),
        };
        let server = Server::start(&url).await;
        let mut rx = watchers(server.port, sockets).await;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for n in 0..rounds {
            let quiet = || Duration::from_millis(300 + (n as u64 * 7_919) % 900);
            tokio::time::sleep(quiet()).await;
            ours.push(round(&client, &server.base, &mut rx, sockets, n).await);
            tokio::time::sleep(quiet()).await;
            theirs.push(round(&client, &peer_base, &mut peer_rx, sockets, n).await);
        }
        let (p50, p99, max) = percentiles(ours);
        let (peer50, peer99, peer_max) = percentiles(theirs);
        println!(
            "ingest -> stats_update at all {sockets} sockets after a quiet spell, {rounds} rounds, chatpulse on {backend}: \
             p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms; the old way in the same run (Node socket.io, \
             insert into PostgreSQL then emit): p50 {peer50:.1} ms, p99 {peer99:.1} ms, max {peer_max:.1} ms; \
             ratio chatpulse/peer p50 {:.2}, p99 {:.2} (target: below 1, and p99 <= 60 ms)",
            p50 / peer50,
            p99 / peer99
        );
    }
}
