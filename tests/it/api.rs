//! The HTTP contract end to end on SQLite and PostgreSQL: ingest, figures, errors, doors.

use crate::common;

use common::reference::{
    conversations, generate, operators, pages, percentile_seconds, totals, totals_of, RefConversations,
};
use common::{spawn_app, Backend, TestApp, INGEST_KEY, READ_KEY};
use serde_json::{json, Value};

/// Runs a scenario once on SQLite and once on PostgreSQL, as two named tests.
macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $scenario() {
                    super::$scenario(super::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $scenario() {
                    super::$scenario(super::Backend::Postgres).await;
                }
            )*
        }
    };
}

on_both_backends!(
    figures_match_an_independent_computation,
    bad_input_is_refused_and_changes_nothing,
    every_door_refuses_missing_wrong_and_misscoped_credentials,
    a_logged_in_admin_sees_server_rendered_totals_and_can_read_the_api,
    the_csv_export_lists_every_session_of_the_range,
    health_names_the_database_and_redis,
    a_settings_change_rebuilds_the_figures_in_the_background,
    figures_and_version_survive_a_restart,
);

const MINUTE: i64 = 60_000;

fn rfc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).unwrap().to_rfc3339()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

async fn figures_match_an_independent_computation(backend: Backend) {
    let app = spawn_app(backend).await;
    let end = now();
    let events = generate(7, 1500, end, 20);
    for (batch, chunk) in events.chunks(300).enumerate() {
        let body: Vec<Value> = chunk.iter().enumerate().map(|(i, e)| e.to_json(&format!("b{batch}-{i}"))).collect();
        let (status, answer) = app.ingest(&Value::Array(body)).await;
        assert_eq!(status, 202, "{answer}");
        assert_eq!(answer, json!({"accepted": chunk.len(), "duplicates": 0}));
    }
    // Re-sending a batch changes nothing.
    let again: Vec<Value> = events[..300].iter().enumerate().map(|(i, e)| e.to_json(&format!("b0-{i}"))).collect();
    assert_eq!(app.ingest(&Value::Array(again)).await, (202, json!({"accepted": 0, "duplicates": 300})));

    for (channel, days) in [("all", 30), ("web", 30), ("premium", 7), ("all", 3)] {
        let from = end + 1000 - days * 86_400_000;
        let to = end + 1000;
        let stats = app.stats(&format!("channel={channel}&from={}&to={}", enc(&rfc(from)), enc(&rfc(to)))).await;
        let expected = totals(&events, channel, from, to, 30 * MINUTE, 2);
        assert_eq!(totals_of(&stats), expected, "channel {channel}, {days} days");
        assert_eq!(stats["sessions_page"]["total"].as_u64(), Some(expected.sessions));
        let generated_at = chrono::DateTime::parse_from_rfc3339(stats["generated_at"].as_str().unwrap()).unwrap();
        let now = generated_at.timestamp_millis();
        let reference = conversations(&events, channel, (from, to), (30 * MINUTE, 2), (now, 5 * MINUTE));
        assert_conversations_match(&stats, &reference, &format!("channel {channel}, {days} days"));
        let range = format!("channel={channel}&from={}&to={}", enc(&rfc(from)), enc(&rfc(to)));
        assert_operators_match(&app, &range, &operators(&events, channel, (from, to), (30 * MINUTE, 2))).await;
        assert_pages_match(&app, &range, &pages(&events, channel, (from, to), (30 * MINUTE, 2))).await;
    }
    let stats = app.stats("").await;
    assert_eq!(stats["version"].as_u64(), Some(1500), "one version step per stored event");
}

/// The outcomes, response times and queue of a `Stats` document against the reference.
fn assert_conversations_match(stats: &Value, r: &RefConversations, case: &str) {
    let o = &stats["outcomes"];
    let outcomes =
        ["bot_only", "handed_over_answered", "handed_over_unanswered", "abandoned"].map(|f| o[f].as_u64().unwrap());
    assert_eq!(outcomes, r.outcomes, "outcomes, {case}");
    assert_eq!(outcomes.iter().sum::<u64>(), stats["totals"]["sessions"].as_u64().unwrap(), "a partition, {case}");
    assert!(r.outcomes.iter().filter(|n| **n > 0).count() >= 3, "a sample that exercises the rules: {outcomes:?}");
    for (field, samples) in
        [("bot_reply", &r.bot_reply), ("handover_wait", &r.handover_wait), ("operator_reply", &r.operator_reply)]
    {
        let timing = &stats["response_times"][field];
        assert_eq!(timing["samples"].as_u64(), Some(samples.len() as u64), "{field}, {case}");
        assert_eq!(timing["p50_seconds"].as_f64(), percentile_seconds(samples, 50), "{field} p50, {case}");
        assert_eq!(timing["p90_seconds"].as_f64(), percentile_seconds(samples, 90), "{field} p90, {case}");
        let under = |seconds: i64| samples.iter().filter(|ms| **ms < seconds * 1000).count() as u64;
        let expected = [
            under(60),
            under(300) - under(60),
            under(900) - under(300),
            under(3600) - under(900),
            samples.len() as u64 - under(3600),
        ];
        let buckets: Vec<u64> =
            timing["buckets"].as_array().unwrap().iter().map(|b| b["count"].as_u64().unwrap()).collect();
        assert_eq!(buckets, expected, "{field} buckets, {case}");
    }
    let q = &stats["queue"];
    assert_eq!(q["waiting"].as_u64(), Some(r.waiting), "queue, {case}");
    assert_eq!(q["longest_wait_seconds"].as_f64(), Some(r.longest_wait_ms as f64 / 1000.0), "longest wait, {case}");
    assert_eq!(q["operators_active"].as_u64(), Some(r.operators_active), "operators, {case}");
}

async fn read(app: &TestApp, path: &str) -> Value {
    let (status, body) = app.get_json(path, Some(READ_KEY)).await;
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// `GET /api/operators`, every page of it, in each order, against the reference.
async fn assert_operators_match(
    app: &TestApp,
    range: &str,
    expected: &std::collections::BTreeMap<String, (u64, u64, Vec<i64>)>,
) {
    let answer = read(app, &format!("/api/operators?{range}&per_page=500&sort=operator_id")).await;
    let rows = answer["rows"].as_array().unwrap();
    assert_eq!(answer["total"].as_u64(), Some(expected.len() as u64), "{answer}");
    assert!(expected.len() >= 2, "a sample with operators: {expected:?}");
    for (row, (id, (sessions, messages, waits))) in rows.iter().zip(expected) {
        assert_eq!(row["operator_id"].as_str(), Some(id.as_str()));
        assert_eq!(row["sessions_answered"].as_u64(), Some(*sessions), "{id}: {row}");
        assert_eq!(row["messages"].as_u64(), Some(*messages), "{id}: {row}");
        assert_eq!(row["first_responses"].as_u64(), Some(waits.len() as u64), "{id}: {row}");
        assert_eq!(row["first_response_p50_seconds"].as_f64(), percentile_seconds(waits, 50), "{id}: {row}");
        assert_eq!(row["first_response_p90_seconds"].as_f64(), percentile_seconds(waits, 90), "{id}: {row}");
        assert!(row["last_active"].is_string(), "{row}");
    }
    // Paged by the default order (most sessions answered first): the pages join up.
    let first = read(app, &format!("/api/operators?{range}&per_page=2")).await;
    let second = read(app, &format!("/api/operators?{range}&per_page=2&page=2")).await;
    let counts: Vec<u64> = [&first, &second]
        .iter()
        .flat_map(|p| p["rows"].as_array().unwrap().iter().map(|r| r["sessions_answered"].as_u64().unwrap()))
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "sessions answered, most first: {counts:?}");
    assert_eq!(counts.len(), expected.len().min(4));
    let (status, bad) = app.get_json(&format!("/api/operators?{range}&sort=fastest"), Some(READ_KEY)).await;
    assert_eq!(status, 400, "{bad}");
    assert!(bad["error"].as_str().unwrap().contains("sort must be one of"), "{bad}");
}

/// `GET /api/pages` against the reference: the busiest pages, with their conversions.
async fn assert_pages_match(
    app: &TestApp,
    range: &str,
    expected: &std::collections::BTreeMap<String, (u64, u64, u64)>,
) {
    let answer = read(app, &format!("/api/pages?{range}")).await;
    assert_eq!(answer["total"].as_u64(), Some(expected.len() as u64), "{answer}");
    assert!(answer["rows"].as_array().unwrap().len() >= 3, "{answer}");
    for row in answer["rows"].as_array().unwrap() {
        let page = row["page_url"].as_str().unwrap();
        let (opens, sessions, handovers) = expected[page];
        assert_eq!(
            [&row["widget_opens"], &row["sessions"], &row["handovers"]].map(|v| v.as_u64().unwrap()),
            [opens, sessions, handovers],
            "{page}"
        );
        // JSON's decimal text reads back within a rounding step of the ratio.
        let near = |value: &Value, a: u64, b: u64| match (value.as_f64(), b) {
            (None, 0) => true,
            (Some(x), b) if b > 0 => (x - a as f64 / b as f64).abs() < 1e-12,
            _ => false,
        };
        assert!(near(&row["open_to_session"], sessions, opens), "{page}: {row}");
        assert!(near(&row["session_to_handover"], handovers, sessions), "{page}: {row}");
    }
}

fn enc(text: &str) -> String {
    text.replace('+', "%2B").replace(':', "%3A")
}

fn valid_message(id: &str) -> Value {
    json!({"id": id, "type": "message", "channel": "web", "user_id": "u1", "sender": "user"})
}

async fn bad_input_is_refused_and_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_eq!(app.ingest(&json!([valid_message("first"), valid_message("second")])).await.0, 202);
    let before = app.stats("").await;

    let future = rfc(now() + 6 * MINUTE);
    let long = "x".repeat(129);
    let cases: Vec<(&str, Vec<u8>, &str, u16)> = vec![
        (
            "wrong types",
            json!({"type": "message", "channel": 1, "user_id": true, "sender": "user"}).to_string().into_bytes(),
            "application/json",
            400,
        ),
        ("missing fields", json!({"type": "message"}).to_string().into_bytes(), "application/json", 400),
        (
            "unknown type",
            json!({"type": "typing", "channel": "web", "user_id": "u"}).to_string().into_bytes(),
            "application/json",
            400,
        ),
        (
            "bad timestamp",
            json!({"type": "user_online", "channel": "web", "user_id": "u", "at": "2026-13-01"})
                .to_string()
                .into_bytes(),
            "application/json",
            400,
        ),
        (
            "future timestamp",
            json!({"type": "user_online", "channel": "web", "user_id": "u", "at": future}).to_string().into_bytes(),
            "application/json",
            400,
        ),
        (
            "oversized string",
            json!({"type": "user_online", "channel": "web", "user_id": long}).to_string().into_bytes(),
            "application/json",
            400,
        ),
        (
            "one bad event spoils the batch",
            json!([valid_message("new-1"), {"type": "message", "channel": "web", "user_id": "u"}])
                .to_string()
                .into_bytes(),
            "application/json",
            400,
        ),
        ("invalid UTF-8", vec![b'{', 0xff, 0xfe, b'}'], "application/json", 400),
        ("not JSON at all", b"hello".to_vec(), "application/json", 400),
        ("not declared as JSON", valid_message("new-2").to_string().into_bytes(), "text/plain", 415),
        (
            "1001 events",
            Value::Array((0..1001).map(|i| valid_message(&format!("m{i}"))).collect()).to_string().into_bytes(),
            "application/json",
            400,
        ),
        (
            "over 1 MiB",
            format!("[{}]", vec![valid_message("big").to_string(); 20_000].join(",")).into_bytes(),
            "application/json",
            413,
        ),
    ];
    for (name, body, content_type, status) in cases {
        let (got, answer) = app.ingest_raw(body, content_type, Some(INGEST_KEY)).await;
        assert_eq!(got, status, "{name}: {answer}");
        assert!(answer["error"].as_str().is_some_and(|e| !e.is_empty()), "{name}: {answer}");
        if status == 400 {
            assert!(answer["problems"].is_array(), "{name}: {answer}");
        }
    }
    let (_, answer) = app
        .ingest_raw(
            json!([valid_message("ok"), {"type": "message", "channel": "mobile", "user_id": "", "sender": "cat"}])
                .to_string()
                .into_bytes(),
            "application/json",
            Some(INGEST_KEY),
        )
        .await;
    let fields: Vec<(u64, &str)> = answer["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["index"].as_u64().unwrap(), p["field"].as_str().unwrap()))
        .collect();
    assert_eq!(fields, [(1, "channel"), (1, "user_id"), (1, "sender")]);

    let after = app.stats("").await;
    assert_eq!(after["version"], before["version"]);
    assert_eq!(after["totals"], before["totals"]);
}

async fn every_door_refuses_missing_wrong_and_misscoped_credentials(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = valid_message("x").to_string().into_bytes();
    assert_eq!(app.ingest_raw(body.clone(), "application/json", None).await.0, 401);
    assert_eq!(app.ingest_raw(body.clone(), "application/json", Some("nope")).await.0, 401);
    assert_eq!(app.ingest_raw(body, "application/json", Some(READ_KEY)).await.0, 403);
    assert_eq!(app.get_json("/api/stats", None).await.0, 401);
    assert_eq!(app.get_json("/api/stats", Some("nope")).await.0, 401);
    assert_eq!(app.get_json("/api/stats", Some(INGEST_KEY)).await.0, 403);
    assert_eq!(app.get_json("/api/stats/sessions.csv", None).await.0, 401);
    let page = app.client.get(format!("{}/web", app.base)).header("accept", "text/html").send().await.unwrap();
    assert_eq!(page.status().as_u16(), 303);
    assert_eq!(page.headers()["location"], "/login?next=/web");
    assert_eq!(app.stats("").await["totals"]["messages"], 0);
}

async fn a_logged_in_admin_sees_server_rendered_totals_and_can_read_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = now() - 10 * MINUTE;
    let events = json!([
        {"type": "message", "channel": "web", "user_id": "<script>x</script>", "sender": "user", "at": rfc(t), "city": "İzmir"},
        {"type": "message", "channel": "web", "user_id": "<script>x</script>", "sender": "bot", "at": rfc(t + MINUTE)},
    ]);
    assert_eq!(app.ingest(&events).await.0, 202);
    let cookie = app.login().await;
    let page = app.client.get(format!("{}/web", app.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"data-kpi="sessions""#), "{html}");
    assert_eq!(kpi(&html, "messages"), Some("2"), "the SSR page shows the total: {html}");
    assert_eq!(kpi(&html, "sessions"), Some("1"));
    assert!(!html.contains("aria-busy") && !html.contains("<template"), "complete without JavaScript: {html}");
    assert!(html.contains("&lt;script&gt;x&lt;/script&gt;") && !html.contains("<script>x</script>"), "escaped: {html}");
    assert!(html.contains("İzmir") && html.contains("Anonymous"), "the sessions table is rendered: {html}");
    let (status, stats) = {
        let r = app.client.get(format!("{}/api/stats", app.base)).header("cookie", &cookie).send().await.unwrap();
        (r.status().as_u16(), r.json::<Value>().await.unwrap())
    };
    assert_eq!(status, 200);
    assert_eq!(stats["sessions_page"]["rows"][0]["city"], "İzmir");
    let logout = app.client.post(format!("{}/logout", app.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(logout.status().as_u16(), 303);
    let r = app.client.get(format!("{}/api/stats", app.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401, "the session ended with the logout");
}

/// The text of the element carrying `data-kpi="<field>"`.
fn kpi<'a>(html: &'a str, field: &str) -> Option<&'a str> {
    let at = html.find(&format!("data-kpi=\"{field}\""))?;
    let rest = &html[at..];
    let start = rest.find('>')? + 1;
    let end = rest[start..].find('<')?;
    Some(&rest[start..start + end])
}

async fn the_csv_export_lists_every_session_of_the_range(backend: Backend) {
    let app = spawn_app(backend).await;
    let t = now() - 60 * MINUTE;
    let mut events = Vec::new();
    for user in ["a", "b", "c"] {
        events.push(json!({"type": "message", "channel": "premium", "user_id": user, "sender": "user", "at": rfc(t), "user_name": "=cmd, \"x\""}));
        events.push(
            json!({"type": "message", "channel": "premium", "user_id": user, "sender": "bot", "at": rfc(t + MINUTE)}),
        );
    }
    assert_eq!(app.ingest(&Value::Array(events)).await.0, 202);
    let r = app
        .client
        .get(format!("{}/api/stats/sessions.csv?per_page=1", app.base))
        .bearer_auth(READ_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[0].starts_with("session_id,user_id,channel"));
    assert!(lines[1].starts_with("\"a#1\",\"a\",premium,1,1,\"'=cmd, \"\"x\"\"\""), "{}", lines[1]);
}

async fn health_names_the_database_and_redis(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_eq!(
        app.get_json("/healthz", None).await,
        (200, json!({"status": "ok", "database": "ok", "redis": "off", "sources": []}))
    );
}

async fn a_settings_change_rebuilds_the_figures_in_the_background(backend: Backend) {
    use chatpulse::model::Settings;
    let app = spawn_app(backend).await;
    let t = now() - 200 * MINUTE;
    // Two messages 40 minutes apart: two one-message sessions at a 30-minute gap.
    let events = json!([
        {"type": "message", "channel": "web", "user_id": "u", "sender": "user", "at": rfc(t)},
        {"type": "message", "channel": "web", "user_id": "u", "sender": "bot", "at": rfc(t + 40 * MINUTE)},
    ]);
    assert_eq!(app.ingest(&events).await.0, 202);
    assert_eq!(app.stats("").await["totals"]["sessions"], 0);
    let before = app.stats("").await["version"].as_u64().unwrap();
    let settings = Settings { session_gap_minutes: 60, ..Settings::default() };
    app.state.figures.change_settings(settings).await.unwrap();
    let rebuilt = common::eventually(10, || async { app.state.figures.settings().session_gap_minutes == 60 }).await;
    assert!(rebuilt, "the new settings serve");
    let version = app.state.figures.version();
    assert!(version > before);
    let stats = app.stats("").await;
    assert_eq!(stats["totals"]["sessions"], 1);
    assert_eq!(stats["settings"]["session_gap_minutes"], 60);
    assert_eq!(stats["version"].as_u64(), Some(version));
}

async fn figures_and_version_survive_a_restart(backend: Backend) {
    let first: TestApp = spawn_app(backend).await;
    assert_eq!(first.ingest(&json!([valid_message("a"), valid_message("b")])).await.0, 202);
    let before = first.stats("").await;
    let second = common::spawn_app_on(&first.database_url).await;
    let after = second.stats("").await;
    assert_eq!(after["totals"], before["totals"]);
    assert_eq!(after["version"], before["version"]);
    assert_eq!(second.ingest(&json!([valid_message("a")])).await.1, json!({"accepted": 0, "duplicates": 1}));
}

#[tokio::test]
async fn pages_and_server_functions_go_compressed_to_a_client_that_accepts_it_and_plain_otherwise() {
    let app = spawn_app(Backend::Sqlite).await;
    let events: Vec<Value> = (0..40)
        .flat_map(|i| {
            let user = format!("visitor-{i}");
            [
                json!({"type": "message", "channel": "web", "user_id": user, "sender": "user", "country": "TR"}),
                json!({"type": "message", "channel": "web", "user_id": user, "sender": "bot"}),
            ]
        })
        .collect();
    assert_eq!(app.ingest(&json!(events)).await.0, 202);
    let cookie = app.login().await;
    // The dashboard page, and the server function that sends a chart's table.
    let fetch = |path: &'static str, encodings: &'static str| {
        let request = if path == "/" {
            app.client.get(format!("{}/", app.base))
        } else {
            let table = [("channel", "all"), ("locale", "en"), ("query", ""), ("chart", "daily")];
            app.client.post(format!("{}{path}", app.base)).form(&table)
        };
        let request = request.header("cookie", &cookie);
        async move {
            let request = if encodings.is_empty() { request } else { request.header("accept-encoding", encodings) };
            let response = request.send().await.unwrap();
            assert_eq!(response.status().as_u16(), 200, "{path}");
            let encoding = response.headers().get("content-encoding").map(|v| v.to_str().unwrap().to_string());
            (encoding, response.bytes().await.unwrap().len())
        }
    };
    for path in ["/", "/api/get_chart_table"] {
        let (plain_encoding, plain) = fetch(path, "").await;
        assert_eq!(plain_encoding, None, "{path}: compressed for a client that did not ask");
        for (asked, expected) in [("br", "br"), ("gzip", "gzip"), ("gzip, deflate, br", "br")] {
            let (encoding, size) = fetch(path, asked).await;
            assert_eq!(encoding.as_deref(), Some(expected), "{path} with accept-encoding {asked}");
            assert!(size * 3 < plain, "{path}: {size} bytes {expected}, {plain} plain");
        }
    }
}
