//! Ingest request → `stats_update` at every one of N dashboard sockets, after a quiet
//! spell, chatpulse against the old system's way in the same run: a Node.js Socket.IO
//! server that inserts into PostgreSQL and then emits (`benches/peer/old-stats-server.mjs`).
//! Rounds alternate between the two, each after 0.3–1.2 s of quiet, so that both wake
//! from idle every time, as with real widget traffic.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;

use super::fanout::{until_all_heard, watchers};
use super::percentiles;
use super::server::{postgres_url, sqlite_url, Server};

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
            let body = json!({"type": "message", "channel": "web", "user_id": format!("signal-{n}"), "sender": "user"});
            ours.push(until_all_heard(&client, &server.base, &mut rx, sockets, &body).await);
            tokio::time::sleep(quiet()).await;
            theirs.push(until_all_heard(&client, &peer_base, &mut peer_rx, sockets, &body).await);
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
