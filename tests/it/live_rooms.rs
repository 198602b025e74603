//! `stats_update` by room: a dashboard socket that watches one channel hears that
//! channel's updates only (a `/web` page does not refetch on premium traffic), one that
//! watches nothing or `all` hears both, and a bad `watch` changes nothing.

use crate::common;

use std::time::Duration;

use common::{sio, spawn_app, Backend, READ_KEY};
use serde_json::{json, Value};

async fn watcher(base: &str, channel: Option<&str>) -> sio::Ws {
    let mut ws = sio::connect(base, "/dashboard", &format!("{{\"token\":\"{READ_KEY}\"}}"), &[]).await.unwrap();
    if let Some(channel) = channel {
        sio::emit(&mut ws, "/dashboard", "watch", channel).await;
    }
    ws
}

/// The channels of the `stats_update`s `ws` hears within a second, and whether it
/// heard any `new_message`.
async fn heard(ws: &mut sio::Ws) -> (Vec<String>, bool) {
    let events = sio::events_within(ws, "/dashboard", Duration::from_secs(1)).await;
    let updates = events
        .iter()
        .filter(|(name, _)| name == "stats_update")
        .map(|(_, payload)| payload["channel"].as_str().unwrap_or_default().to_string())
        .collect();
    (updates, events.iter().any(|(name, _)| name == "new_message"))
}

fn message(channel: &str, user: &str) -> Value {
    let mut event = common::events::message(user, "user", chrono::Utc::now().timestamp_millis());
    event["channel"] = channel.into();
    json!([event])
}

#[tokio::test]
async fn a_socket_that_watches_one_channel_hears_only_its_updates() {
    let app = spawn_app(Backend::Sqlite).await;
    let mut both = watcher(&app.base, None).await;
    let mut web = watcher(&app.base, Some("\"web\"")).await;
    let mut all = watcher(&app.base, Some("\"all\"")).await;
    // Not a channel: ignored, the socket keeps hearing both.
    let mut odd = watcher(&app.base, Some("{\"channel\":\"web\"}")).await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    assert_eq!(app.ingest(&message("premium", "p1")).await.0, 202);
    let (updates, told) = heard(&mut web).await;
    assert!(updates.is_empty(), "a web watcher heard {updates:?}");
    assert!(told, "per-event signals still reach every dashboard (the activity feed)");
    for ws in [&mut both, &mut all, &mut odd] {
        assert_eq!(heard(ws).await.0, ["premium"]);
    }

    assert_eq!(app.ingest(&message("web", "w1")).await.0, 202);
    for ws in [&mut web, &mut both, &mut all, &mut odd] {
        assert_eq!(heard(ws).await.0, ["web"]);
    }

    // Watching another channel moves the socket.
    sio::emit(&mut web, "/dashboard", "watch", "\"premium\"").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(app.ingest(&message("web", "w2")).await.0, 202);
    assert!(heard(&mut web).await.0.is_empty());
    assert_eq!(app.ingest(&message("premium", "p2")).await.0, 202);
    assert_eq!(heard(&mut web).await.0, ["premium"]);
}
