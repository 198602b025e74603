//! `/metrics` (Prometheus text) counts what happened, and asks for a read key like the
//! figures it describes.

use crate::common;

use common::{sio, spawn_app, Backend, READ_KEY};
use serde_json::json;

async fn scrape(app: &common::TestApp, key: Option<&str>) -> (u16, String) {
    let mut request = app.client.get(format!("{}/metrics", app.base));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The value of the sample line that starts with `series` (name and labels).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn metrics_count_ingest_refusals_sockets_stats_latency_and_the_version() {
    let app = spawn_app(Backend::Sqlite).await;
    assert_eq!(scrape(&app, None).await.0, 401);
    assert_eq!(scrape(&app, Some("wrong")).await.0, 401);

    let at = chrono::Utc::now() - chrono::Duration::minutes(1);
    let pair = json!([
        {"type": "message", "channel": "web", "user_id": "m", "sender": "user", "at": at.to_rfc3339()},
        {"type": "message", "channel": "web", "user_id": "m", "sender": "bot", "at": (at + chrono::Duration::seconds(5)).to_rfc3339()},
    ]);
    assert_eq!(app.ingest(&pair).await.0, 202);
    assert_eq!(app.ingest(&pair).await.0, 202, "the same events again: duplicates only if they carry ids");
    assert_eq!(app.ingest_raw(b"{".to_vec(), "application/json", Some(common::INGEST_KEY)).await.0, 400);
    assert_eq!(app.ingest_raw(b"[]".to_vec(), "application/json", Some("not a key")).await.0, 401);
    let version = app.stats("").await["version"].as_u64().unwrap();
    let _watching = sio::connect(&app.base, "/dashboard", &format!("{{\"token\":\"{READ_KEY}\"}}"), &[]).await.unwrap();

    let (status, text) = scrape(&app, Some(READ_KEY)).await;
    assert_eq!(status, 200);
    for name in ["chatpulse_dashboards_connected", "chatpulse_ingest_events_total", "chatpulse_stats_seconds"] {
        assert!(text.contains(&format!("# TYPE {name} ")), "{name} missing:\n{text}");
    }
    assert_eq!(sample(&text, "chatpulse_ingest_events_total{result=\"accepted\"}"), Some(4.0), "{text}");
    assert_eq!(sample(&text, "chatpulse_ingest_refused_total{door=\"http\",status=\"400\"}"), Some(1.0), "{text}");
    assert_eq!(sample(&text, "chatpulse_ingest_refused_total{door=\"http\",status=\"401\"}"), Some(1.0), "{text}");
    assert_eq!(sample(&text, "chatpulse_dashboards_connected"), Some(1.0));
    assert_eq!(sample(&text, "chatpulse_data_version"), Some(version as f64));
    assert_eq!(sample(&text, "chatpulse_stats_seconds_count{door=\"api\"}"), Some(1.0), "{text}");
    assert_eq!(sample(&text, "chatpulse_stats_seconds_bucket{door=\"api\",le=\"+Inf\"}"), Some(1.0));
    assert!(sample(&text, "chatpulse_redis_up").is_none(), "no Redis configured: no Redis gauge");
}
