//! Alerts end to end: rules set through the settings page's server functions, incidents
//! opened and closed by real traffic, and the calls a real local HTTP receiver gets —
//! signed, retried after a 500, once per incident move — on SQLite, on PostgreSQL, and
//! with two instances sharing PostgreSQL and Redis.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use common::cluster::Instance;
use common::{eventually, fresh_database, log_in, sio, spawn_app_with, test_config, Backend, TestApp, READ_KEY};
use hmac::{Hmac, Mac};
use parking_lot::Mutex;
use serde_json::{json, Value};
use sha2::Sha256;

/// One call the receiver got.
#[derive(Clone, Debug)]
struct Call {
    delivery: String,
    signature: String,
    body: String,
}

impl Call {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

#[derive(Clone, Default)]
struct Receiver {
    calls: Arc<Mutex<Vec<Call>>>,
    /// Answers `500` to this many calls first.
    failures_left: Arc<Mutex<usize>>,
}

impl Receiver {
    /// A webhook receiver on a port of its own; its URL and what it got.
    async fn start(fail_first: usize) -> (String, Receiver) {
        let receiver = Receiver { failures_left: Arc::new(Mutex::new(fail_first)), ..Receiver::default() };
        let router = axum::Router::new().route("/hook", axum::routing::post(hook)).with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        (url, receiver)
    }

    fn calls(&self) -> Vec<Call> {
        self.calls.lock().clone()
    }
}

async fn hook(State(receiver): State<Receiver>, headers: HeaderMap, body: String) -> StatusCode {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    receiver.calls.lock().push(Call {
        delivery: header("x-chatpulse-delivery"),
        signature: header("x-chatpulse-signature"),
        body,
    });
    let mut failures = receiver.failures_left.lock();
    if *failures > 0 {
        *failures -= 1;
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::NO_CONTENT
    }
}

/// Whether `call` carries the HMAC-SHA256 of its body under `secret`, computed here.
fn signed_with(call: &Call, secret: &str) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(call.body.as_bytes());
    call.signature == format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Calls an alerts server function with the admin's session cookie.
async fn call(
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
    function: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let response =
        client.post(format!("{base}/api/alerts/{function}")).header("cookie", cookie).form(form).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// Adds a rule; its webhook secret.
async fn add_rule(client: &reqwest::Client, base: &str, cookie: &str, form: &[(&str, &str)]) -> String {
    let (status, body) = call(client, base, cookie, "add_rule", form).await;
    assert_eq!(status, 200, "{body}");
    let secret: Option<String> = serde_json::from_str(&body).unwrap();
    secret.expect("a rule with a webhook gets a secret")
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn message(user: &str) -> Value {
    common::events::message(user, "user", now_ms())
}

fn offline(user: &str) -> Value {
    json!({"type": "user_offline", "channel": "web", "user_id": user, "at": common::events::rfc3339(now_ms())})
}

/// A dashboard socket opened with the read key.
async fn watch(base: &str) -> sio::Ws {
    sio::connect(base, "/dashboard", &format!("{{\"token\":\"{READ_KEY}\"}}"), &[]).await.unwrap()
}

/// The payloads of the `alert` events `ws` receives within `within`.
async fn alerts_heard(ws: &mut sio::Ws, within: Duration) -> Vec<Value> {
    let events = sio::events_within(ws, "/dashboard", within).await;
    events.into_iter().filter(|(name, _)| name == "alert").map(|(_, payload)| payload).collect()
}

async fn app(backend: Backend) -> TestApp {
    let url = fresh_database(backend).await;
    spawn_app_with(chatpulse::server::config::Config { webhook_retry_ms: 200, ..test_config(&url) }).await
}

async fn one_incident_is_delivered_signed_after_a_retry_and_closed_once(backend: Backend) {
    let app = app(backend).await;
    let cookie = app.login().await;
    let (url, receiver) = Receiver::start(1).await;
    let secret =
        add_rule(&app.client, &app.base, &cookie, &[("kind", "online_now"), ("threshold", "0"), ("webhook_url", &url)])
            .await;
    assert!(secret.starts_with("whsec_"), "{secret}");
    let mut dashboard = watch(&app.base).await;

    // A visitor comes online: the reading goes from 0 above the threshold 0.
    assert_eq!(app.ingest(&json!([message("alice")])).await.0, 202);
    let delivered = eventually(10, || async { receiver.calls().len() >= 2 }).await;
    let calls = receiver.calls();
    assert!(delivered, "a 500, then the retry: {calls:?}");
    assert_eq!(calls[0].delivery, calls[1].delivery, "a retry is the same delivery");
    assert_eq!(calls[0].body, calls[1].body);
    assert!(calls.iter().all(|c| signed_with(c, &secret)), "{calls:?}");
    let opened = calls[0].json();
    assert_eq!((opened["state"].as_str(), opened["rule"].as_str()), (Some("opened"), Some("online_now")));
    assert_eq!((opened["value"].as_f64(), opened["closed_at"].is_null()), (Some(1.0), true));
    let toasts = alerts_heard(&mut dashboard, Duration::from_secs(1)).await;
    assert_eq!(toasts.len(), 1, "{toasts:?}");
    assert_eq!(toasts[0]["incident_id"], opened["incident_id"]);

    // The delivery log says it: delivered on the second try, after an HTTP 500.
    let logged = eventually(5, || async {
        let log = app.state.db.delivery_log(10).await.unwrap();
        log.len() == 1 && log[0].status == "delivered"
    })
    .await;
    let log = app.state.db.delivery_log(10).await.unwrap();
    assert!(logged, "{log:?}");
    assert_eq!(log[0].attempts, 2);
    let rules = app.state.db.alert_rules().await.unwrap();
    assert!(rules[0].firing_since_ms.is_some(), "{rules:?}");

    // More traffic while it holds opens nothing new.
    assert_eq!(app.ingest(&json!([message("bob")])).await.0, 202);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(receiver.calls().len(), 2, "{:?}", receiver.calls());

    // Both go offline: the incident closes, told once.
    assert_eq!(app.ingest(&json!([offline("alice"), offline("bob")])).await.0, 202);
    let closed = eventually(10, || async { receiver.calls().len() >= 3 }).await;
    let calls = receiver.calls();
    assert!(closed, "{calls:?}");
    let closing = calls[2].json();
    assert_eq!(
        (closing["state"].as_str(), closing["incident_id"].clone()),
        (Some("closed"), opened["incident_id"].clone())
    );
    assert!(closing["closed_at"].is_string() && signed_with(&calls[2], &secret));
    assert_ne!(calls[2].delivery, calls[0].delivery);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(receiver.calls().len(), 3, "nothing repeats once closed: {:?}", receiver.calls());
    let states: Vec<Value> =
        alerts_heard(&mut dashboard, Duration::from_millis(500)).await.iter().map(|a| a["state"].clone()).collect();
    assert_eq!(states, [json!("closed")]);
}

#[tokio::test]
async fn sqlite_one_incident_is_delivered_signed_after_a_retry_and_closed_once() {
    one_incident_is_delivered_signed_after_a_retry_and_closed_once(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_one_incident_is_delivered_signed_after_a_retry_and_closed_once() {
    one_incident_is_delivered_signed_after_a_retry_and_closed_once(Backend::Postgres).await;
}

#[tokio::test]
async fn bad_rules_are_refused_and_change_nothing_and_a_removed_rule_stops() {
    let app = app(Backend::Sqlite).await;
    let cookie = app.login().await;
    for (form, words) in [
        (vec![("kind", "queue"), ("threshold", "5")], "unknown rule kind"),
        (vec![("kind", "handover_rate_last_hour"), ("threshold", "100")], "below 100"),
        (vec![("kind", "online_now"), ("threshold", "-1")], "at least 0"),
        (
            vec![("kind", "online_now"), ("threshold", "5"), ("webhook_url", "file:///etc/passwd")],
            "http:// or https://",
        ),
    ] {
        let (status, body) = call(&app.client, &app.base, &cookie, "add_rule", &form).await;
        assert_eq!(status, 400, "{form:?}: {body}");
        assert!(body.contains(words), "{form:?}: {body}");
    }
    let (status, body) =
        call(&app.client, &app.base, &cookie, "add_rule", &[("kind", "online_now"), ("threshold", "x")]).await;
    assert_eq!(status, 400, "a threshold that is no number: {body}");
    assert!(body.contains("threshold must be a number"), "{body}");
    assert!(app.state.db.alert_rules().await.unwrap().is_empty());

    // Nobody without a session may add one.
    let (status, _) = call(&app.client, &app.base, "", "add_rule", &[("kind", "online_now"), ("threshold", "1")]).await;
    assert_eq!(status, 401);

    // A toast-only rule fires; removing it closes its incident and nothing is told.
    let (status, body) =
        call(&app.client, &app.base, &cookie, "add_rule", &[("kind", "no_events_minutes"), ("threshold", "0")]).await;
    assert_eq!((status, body.as_str()), (200, "null"));
    let mut dashboard = watch(&app.base).await;
    let long_ago = now_ms() - 10 * 60_000;
    assert_eq!(app.ingest(&json!([common::events::message("carol", "user", long_ago)])).await.0, 202);
    let toasts = alerts_heard(&mut dashboard, Duration::from_secs(3)).await;
    assert_eq!(toasts.len(), 1, "{toasts:?}");
    assert_eq!(toasts[0]["rule"], "no_events_minutes");
    assert!(toasts[0]["value"].as_f64().unwrap() >= 10.0, "{toasts:?}");
    let id = app.state.db.alert_rules().await.unwrap()[0].id.to_string();
    let (status, body) = call(&app.client, &app.base, &cookie, "remove_rule", &[("id", &id)]).await;
    assert_eq!(status, 200, "{body}");
    assert!(app.state.db.open_incidents().await.unwrap().is_empty());
    assert!(alerts_heard(&mut dashboard, Duration::from_secs(2)).await.is_empty());
    let (status, _) = call(&app.client, &app.base, &cookie, "remove_rule", &[("id", &id)]).await;
    assert_eq!(status, 404);
}

/// Two instances on one PostgreSQL and one Redis: the incident is delivered once and
/// each dashboard, on either instance, hears it once.
#[tokio::test]
async fn two_instances_fire_each_incident_once() {
    let database = fresh_database(Backend::Postgres).await;
    let env = vec![
        ("CHATPULSE_DATABASE_URL", database),
        ("CHATPULSE_REDIS_URL", "redis://127.0.0.1:6379".to_string()),
        ("CHATPULSE_REDIS_PREFIX", format!("chatpulse-test-alerts-{}", std::process::id())),
        ("CHATPULSE_WEBHOOK_RETRY_MS", "200".to_string()),
    ];
    let a = Instance::start("alerts-a", &env).await;
    let b = Instance::start("alerts-b", &env).await;
    let (url, receiver) = Receiver::start(0).await;
    let cookie = log_in(&a.client, &a.base, "admin", common::ADMIN_PASSWORD).await.unwrap();
    let secret =
        add_rule(&a.client, &a.base, &cookie, &[("kind", "online_now"), ("threshold", "1"), ("webhook_url", &url)])
            .await;
    let (mut on_a, mut on_b) = (watch(&a.base).await, watch(&b.base).await);

    // Two visitors, one through each instance: above 1 online.
    assert_eq!(a.ingest(&json!([message("dora")])).await.map(|r| r.0), Some(202));
    assert_eq!(b.ingest(&json!([message("emre")])).await.map(|r| r.0), Some(202));
    assert!(eventually(10, || async { !receiver.calls().is_empty() }).await, "the incident is delivered");
    let (heard_a, heard_b) =
        tokio::join!(alerts_heard(&mut on_a, Duration::from_secs(4)), alerts_heard(&mut on_b, Duration::from_secs(4)));
    let calls = receiver.calls();
    assert_eq!(calls.len(), 1, "once, not once per instance: {calls:?}");
    assert!(signed_with(&calls[0], &secret));
    assert_eq!(calls[0].json()["state"], "opened");
    assert_eq!((heard_a.len(), heard_b.len()), (1, 1), "{heard_a:?} {heard_b:?}");
    assert_eq!(heard_a[0]["incident_id"], heard_b[0]["incident_id"]);
}
