//! Hostile traffic on the Socket.IO door: malformed Engine.IO / Socket.IO packets, huge and
//! deeply nested payloads, and floods of connections and events. The server must stay up,
//! store nothing it did not acknowledge, and keep answering well-behaved clients.

use crate::common;

use std::time::{Duration, Instant};

use chatpulse::server::config::{Config, LimitsConfig};
use common::{sio, spawn_app, spawn_app_with, test_config, Backend, TestApp, INGEST_KEY};
use futures::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

fn key_auth() -> String {
    json!({"token": INGEST_KEY}).to_string()
}

fn message(user: &str) -> String {
    let at = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    json!({"channel": "web", "user_id": user, "at": at, "sender": "user"}).to_string()
}

/// A well-behaved client still gets its event stored and acknowledged, and health
/// answers; returns how long the health check took.
async fn still_serves(app: &TestApp, user: &str) -> Duration {
    let mut ws = sio::connect(&app.base, "/ingest", &key_auth(), &[]).await.expect("a fresh socket is accepted");
    let ack = sio::emit_with_ack(&mut ws, "/ingest", 1, "message", &message(user)).await;
    assert!(ack.contains("\"ok\":true"), "{ack}");
    let started = Instant::now();
    let health = app.client.get(format!("{}/healthz", app.base)).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
    started.elapsed()
}

/// Sends `frames` on an accepted `/ingest` socket and reads until the server has
/// answered or closed (whichever it chooses), so every frame was processed.
async fn send_garbage(app: &TestApp, frames: Vec<Message>) {
    let mut ws = sio::connect(&app.base, "/ingest", &key_auth(), &[]).await.unwrap();
    for frame in frames {
        if ws.send(frame).await.is_err() {
            return;
        }
    }
    // A ping the server must answer (or a closed connection) shows it got this far.
    let _ = ws.send(Message::text("42/ingest,99[\"message\",{}]")).await;
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(Ok(frame)) = ws.next().await {
            if matches!(&frame, Message::Text(t) if t.as_str().starts_with("43/ingest,99")) {
                break;
            }
        }
    })
    .await;
}

#[tokio::test]
async fn malformed_packets_and_payloads_are_dropped_and_the_server_keeps_serving() {
    let app = spawn_app(Backend::Sqlite).await;
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_object = format!("42/ingest,7[\"message\",{}1{}]", "{\"a\":".repeat(50_000), "}".repeat(50_000));
    let cases: Vec<(&str, Vec<Message>)> = vec![
        (
            "unknown packet types",
            vec![Message::text("9"), Message::text("4"), Message::text("49/ingest,"), Message::text("")],
        ),
        ("cut-off JSON", vec![Message::text("42/ingest,["), Message::text("42/ingest,1[\"message\",{\"user_id\":")]),
        ("not an event array", vec![Message::text("42/ingest,{\"a\":1}"), Message::text("42/ingest,2\"message\"")]),
        (
            "wrong payload types",
            vec![Message::text("42/ingest,3[\"message\",\"text\"]"), Message::text("42/ingest,4[\"message\",null]")],
        ),
        (
            "unknown event and namespace",
            vec![Message::text("42/ingest,5[\"drop_tables\",{}]"), Message::text("42/nowhere,[\"message\",{}]")],
        ),
        ("absurd ack ids", vec![Message::text("42/ingest,99999999999999999999999[\"message\",{}]")]),
        (
            "binary junk",
            vec![
                Message::binary(vec![0xff, 0x00, 0x13, 0x37]),
                Message::text("451-/ingest,[\"message\",{\"_placeholder\":true,\"num\":0}]"),
            ],
        ),
        ("deeply nested arrays", vec![Message::text(format!("42/ingest,6[\"message\",{deep}]"))]),
        ("deeply nested objects", vec![Message::text(deep_object)]),
        (
            "over the 64 KiB packet cap",
            vec![Message::text(format!("42/ingest,8[\"message\",\"{}\"]", "x".repeat(200_000)))],
        ),
    ];
    for (what, frames) in cases {
        send_garbage(&app, frames).await;
        let took = still_serves(&app, what).await;
        assert!(took < Duration::from_secs(5), "{what}: health took {took:?}");
    }
    let stats = app.stats("").await;
    assert_eq!(stats["version"], 10, "only the ten well-behaved events were stored: {}", stats["version"]);
}

#[tokio::test]
async fn a_flood_of_connections_and_events_is_capped_and_others_are_still_served() {
    let mut config = test_config(&common::fresh_database(Backend::Sqlite).await);
    config.limits =
        LimitsConfig { sockets_per_address: 50, socket_events_per_second: 100.0, ..LimitsConfig::default() };
    let app = spawn_app_with(Config { ..config }).await;
    let quiet = still_serves(&app, "before").await;

    // 200 connection attempts from one address: the first 50 (less the one above,
    // which closed) are kept; the rest are refused in the Socket.IO handshake, or,
    // once the address has spent its handshake budget, with 429 before it.
    let auth = key_auth();
    let attempts = (0..200).map(|_| sio::connect(&app.base, "/ingest", &auth, &[]));
    let results = futures::future::join_all(attempts).await;
    let (mut open, refused): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    assert!(open.len() <= 50 && open.len() >= 45, "{} accepted", open.len());
    let why = |r: &Result<_, String>| r.as_ref().err().cloned().unwrap_or_default();
    assert!(
        refused.iter().all(|r| why(r).contains("too many open sockets") || why(r).contains("429")),
        "{:?}",
        refused.iter().map(why).find(|w| !w.contains("too many open sockets"))
    );

    // 1,000 events fired at once on one socket, without reading: the burst (two
    // seconds' worth) and what refills meanwhile is stored, the rest is told to wait.
    // A client that floods may lose acks (the socket's send buffer is bounded), but
    // no event is acknowledged that was not stored.
    let started = Instant::now();
    let mut flooding = open.pop().unwrap().unwrap();
    for id in 0..1000 {
        let packet = format!("42/ingest,{id}[\"message\",{}]", message(&format!("flood-{id}")));
        flooding.send(Message::text(packet)).await.unwrap();
    }
    let (mut acked, mut told_to_wait) = (0u64, 0u64);
    while let Ok(Some(Ok(frame))) = tokio::time::timeout(Duration::from_secs(2), flooding.next()).await {
        let Message::Text(text) = frame else { continue };
        if !text.starts_with("43/ingest,") {
            continue;
        }
        if text.contains("\"ok\":true") {
            acked += 1;
        } else {
            assert!(text.contains("retry_after"), "{text}");
            told_to_wait += 1;
        }
    }
    let flood_seconds = started.elapsed().as_secs_f64();
    drop(open);
    drop(flooding);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let during = still_serves(&app, "after").await;
    assert!(during < Duration::from_secs(5), "health took {during:?} (quiet: {quiet:?})");
    let stored = app.stats("").await["version"].as_u64().unwrap() - 2;
    assert!(acked <= stored, "acknowledged {acked}, stored {stored}");
    let allowed = 200.0 + 100.0 * flood_seconds;
    assert!((stored as f64) <= allowed, "stored {stored} in {flood_seconds:.1} s, allowed {allowed}");
    assert!(told_to_wait > 0, "told to wait {told_to_wait}");
    eprintln!("flood: {stored} stored, {acked} acks seen, {told_to_wait} told to wait, in {flood_seconds:.1} s");
}
