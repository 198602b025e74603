//! A visitor's data erased on request (KVKK / GDPR) and the retention: the events are
//! gone from the database, every figure of every instance is recomputed without them,
//! the audit records who and when without the erased data, and only an admin (session
//! or `admin`-scope key) may do it.

use crate::common;

use chatpulse::server::config::Config;
use common::{eventually, spawn_app, spawn_app_on, spawn_app_with, test_config, Backend, TestApp, READ_KEY};
use serde_json::{json, Value};

fn conversation(user: &str, channel: &str, minutes_ago: i64) -> Vec<Value> {
    let at = |m: i64| (chrono::Utc::now() - chrono::Duration::minutes(m)).to_rfc3339();
    vec![
        json!({"type": "message", "channel": channel, "user_id": user, "sender": "user", "at": at(minutes_ago),
               "user_name": format!("{user} name"), "country": "TR"}),
        json!({"type": "message", "channel": channel, "user_id": user, "sender": "bot", "at": at(minutes_ago - 1)}),
    ]
}

async fn seed(app: &TestApp) {
    let mut events = conversation("alice", "web", 20);
    events.extend(conversation("alice", "premium", 15));
    events.extend(conversation("bob", "web", 10));
    assert_eq!(app.ingest(&Value::Array(events)).await.0, 202);
}

async fn erase(app: &TestApp, auth: Auth<'_>, body: Value) -> (u16, Value) {
    let mut request = app.client.post(format!("{}/api/erasures", app.base)).json(&body);
    request = match auth {
        Auth::Key(key) => request.bearer_auth(key),
        Auth::Cookie(cookie) => request.header("cookie", cookie),
    };
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[derive(Clone, Copy)]
enum Auth<'a> {
    Key(&'a str),
    Cookie(&'a str),
}

async fn stored_events(app: &TestApp, user: &str) -> i64 {
    let sql = "SELECT count(*) FROM events WHERE user_id = $1";
    match &app.state.db {
        chatpulse::server::db::Db::Sqlite(pool) => sqlx::query_scalar(sql).bind(user).fetch_one(pool).await.unwrap(),
        chatpulse::server::db::Db::Postgres(pool) => sqlx::query_scalar(sql).bind(user).fetch_one(pool).await.unwrap(),
    }
}

async fn an_admin_erases_a_visitor_and_every_figure_follows(backend: Backend) {
    let app = spawn_app(backend).await;
    // A second instance on the same database (PostgreSQL only: SQLite serves one).
    let other = match backend {
        Backend::Postgres => Some(spawn_app_on(&app.database_url).await),
        Backend::Sqlite => None,
    };
    seed(&app).await;
    let before = app.stats("").await;
    assert_eq!((before["totals"]["users"].as_u64(), before["totals"]["sessions"].as_u64()), (Some(3), Some(3)));
    let version_before = before["version"].as_u64().unwrap();

    // A read key is not enough; bad input changes nothing.
    assert_eq!(erase(&app, Auth::Key(READ_KEY), json!({"user_id": "alice"})).await.0, 403);
    assert_eq!(erase(&app, Auth::Key("nope"), json!({"user_id": "alice"})).await.0, 401);
    let cookie = app.login().await;
    assert_eq!(erase(&app, Auth::Cookie(&cookie), json!({"user_id": ""})).await.0, 400);
    assert_eq!(erase(&app, Auth::Cookie(&cookie), json!({"user_id": "alice", "channel": "sms"})).await.0, 400);
    assert_eq!(stored_events(&app, "alice").await, 4);

    // Alice on web only, by the admin session.
    let (status, body) = erase(&app, Auth::Cookie(&cookie), json!({"user_id": "alice", "channel": "web"})).await;
    assert_eq!((status, &body), (200, &json!({"erased_events": 2})));
    assert_eq!(stored_events(&app, "alice").await, 2, "her premium events stay");
    assert!(eventually(10, || follows(&app, 2, version_before)).await, "{}", app.stats("").await);
    if let Some(other) = &other {
        assert!(
            eventually(10, || follows(other, 2, version_before)).await,
            "the other instance: {}",
            other.stats("").await
        );
    }

    // The rest of her, by an admin-scope key created on the settings page.
    let key = create_admin_key(&app, &cookie).await;
    let (status, body) = erase(&app, Auth::Key(&key), json!({"user_id": "alice"})).await;
    assert_eq!((status, &body), (200, &json!({"erased_events": 2})));
    assert_eq!(stored_events(&app, "alice").await, 0);
    assert!(eventually(10, || follows(&app, 1, version_before)).await);
    if let Some(other) = &other {
        assert!(eventually(10, || follows(other, 1, version_before)).await);
    }
    let after = app.stats("").await;
    assert_eq!(after["totals"]["sessions"], 1);
    assert_eq!(after["totals"]["messages"], 2);
    let listed = after["sessions_page"]["rows"].to_string();
    assert!(!listed.contains("alice"), "{listed}");

    // The audit: who and when and how much, never her id.
    let audit = app.state.db.erasures(10).await.unwrap();
    assert_eq!(audit.len(), 2);
    assert!(audit[0].actor.starts_with("key:") && audit[1].actor == "admin:admin", "{audit:?}");
    assert_eq!((audit[0].events_deleted, audit[1].events_deleted), (2, 2));
    assert!(audit.iter().all(|row| row.subject_sha256.as_ref().is_some_and(|h| h.len() == 64)));
    assert!(!format!("{audit:?}").contains("alice"));

    // Erasing someone unknown is no error: nothing to delete.
    assert_eq!(erase(&app, Auth::Key(&key), json!({"user_id": "nobody"})).await.1, json!({"erased_events": 0}));

    // A restart builds the same figures, and the version did not go back.
    let restarted = spawn_app_on(&app.database_url).await;
    let again = restarted.stats("").await;
    assert_eq!(again["totals"], after["totals"]);
    assert!(again["version"].as_u64().unwrap() >= after["version"].as_u64().unwrap());
}

/// Whether `app` counts `users` users at a version above `above`.
async fn follows(app: &TestApp, users: u64, above: u64) -> bool {
    let stats = app.stats("").await;
    stats["totals"]["users"] == users && stats["version"].as_u64().unwrap() > above
}

async fn create_admin_key(app: &TestApp, cookie: &str) -> String {
    let response = app
        .client
        .post(format!("{}/api/access/create_key", app.base))
        .header("cookie", cookie)
        .form(&[("label", "erasure robot"), ("scope", "admin")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let key: String = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert!(key.starts_with("cpa_"), "{key}");
    key
}

#[tokio::test]
async fn an_admin_erases_a_visitor_and_every_figure_follows_on_sqlite() {
    an_admin_erases_a_visitor_and_every_figure_follows(Backend::Sqlite).await;
}

#[tokio::test]
async fn an_admin_erases_a_visitor_and_every_figure_follows_on_postgres() {
    an_admin_erases_a_visitor_and_every_figure_follows(Backend::Postgres).await;
}

#[tokio::test]
async fn the_settings_page_form_erases_a_visitor() {
    let app = spawn_app(Backend::Sqlite).await;
    seed(&app).await;
    let cookie = app.login().await;
    let response = app
        .client
        .post(format!("{}/api/access/erase_visitor", app.base))
        .header("cookie", &cookie)
        .form(&[("user_id", "bob"), ("channel", "all")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.text().await.unwrap(), "2");
    assert_eq!(stored_events(&app, "bob").await, 0);
}

async fn the_retention_deletes_old_events_and_the_figures_follow(backend: Backend) {
    let url = common::fresh_database(backend).await;
    let app = spawn_app_with(Config { retention_days: None, ..test_config(&url) }).await;
    let old = conversation("old-timer", "web", 10 * 24 * 60);
    let mut events = old;
    events.extend(conversation("fresh", "web", 30));
    assert_eq!(app.ingest(&Value::Array(events)).await.0, 202);
    let month = "from=1970-01-01T00:00:00Z";
    assert_eq!(app.stats(month).await["totals"]["users"], 2);
    let deleted =
        chatpulse::server::pipeline::erasure::apply_retention(&app.state.db, &app.state.figures, 7).await.unwrap();
    assert_eq!(deleted, 2);
    assert!(eventually(10, || async { app.stats(month).await["totals"]["users"] == 1 }).await);
    assert_eq!(stored_events(&app, "old-timer").await, 0);
    assert_eq!(stored_events(&app, "fresh").await, 2);
    let audit = app.state.db.erasures(10).await.unwrap();
    assert_eq!(
        (audit[0].kind.as_str(), audit[0].actor.as_str(), audit[0].events_deleted),
        ("retention", "retention", 2)
    );
    // Nothing more to delete: no audit row, no rebuild.
    assert_eq!(
        chatpulse::server::pipeline::erasure::apply_retention(&app.state.db, &app.state.figures, 7).await.unwrap(),
        0
    );
    assert_eq!(app.state.db.erasures(10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn the_retention_deletes_old_events_and_the_figures_follow_on_sqlite() {
    the_retention_deletes_old_events_and_the_figures_follow(Backend::Sqlite).await;
}

#[tokio::test]
async fn the_retention_deletes_old_events_and_the_figures_follow_on_postgres() {
    the_retention_deletes_old_events_and_the_figures_follow(Backend::Postgres).await;
}
