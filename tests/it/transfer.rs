//! `chatpulse export` and `chatpulse import`, run as the real binary: an export imported
//! into an empty database gives the same figures, a second import stores nothing, and
//! what cannot be stored is refused line by line, with its reason, while the rest is.

use crate::common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{fresh_database, spawn_app, spawn_app_on, Backend, TestApp};
use serde_json::{json, Value};

fn run(args: &[&str], database_url: &str, input: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chatpulse"))
        .args(args)
        .env_clear()
        .env("CHATPULSE_DATABASE_URL", database_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let output = child.wait_with_output().unwrap();
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    (output.status.code().unwrap_or(-1), text(output.stdout), text(output.stderr))
}

fn at(minutes_ago: i64) -> String {
    // With `Z`, not `+00:00`: the time also goes into query strings.
    (chrono::Utc::now() - chrono::Duration::minutes(minutes_ago)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Figures over a fixed range, without what differs between two databases' histories.
async fn figures(app: &TestApp, from: &str, to: &str) -> Value {
    let mut stats = app.stats(&format!("from={from}&to={to}&per_page=500")).await;
    let object = stats.as_object_mut().unwrap();
    object.remove("version");
    object.remove("generated_at");
    stats
}

#[tokio::test]
async fn an_export_imported_into_an_empty_database_gives_the_same_figures_and_importing_again_stores_nothing() {
    let source = spawn_app(Backend::Sqlite).await;
    let mut events = Vec::new();
    for (i, user) in ["ana", "ben", "cem"].iter().enumerate() {
        let base = 300 - 60 * i as i64;
        events.push(json!({"type": "widget_opened", "channel": "web", "user_id": user, "at": at(base + 1)}));
        events.push(json!({"type": "message", "channel": "web", "user_id": user, "sender": "user", "at": at(base),
                           "user_name": format!("{user} \"quoted\", name"), "country": "TR", "city": "İzmir"}));
        events.push(json!({"id": format!("bot-{i}"), "type": "message", "channel": "web", "user_id": user,
                           "sender": "bot", "at": at(base - 1)}));
        events.push(json!({"type": "message", "channel": "premium", "user_id": user, "sender": "operator",
                           "human_mode": true, "at": at(base - 2)}));
        events.push(json!({"type": "message", "channel": "premium", "user_id": user, "sender": "user",
                           "at": at(base - 3), "country": "XK"}));
        events.push(json!({"type": "user_offline", "channel": "premium", "user_id": user, "at": at(base - 4)}));
    }
    assert_eq!(source.ingest(&Value::Array(events)).await.0, 202);
    let (from, to) = (at(24 * 60), at(0));
    let expected = figures(&source, &from, &to).await;
    assert_eq!(expected["totals"]["sessions"], 6, "{expected}");

    let (code, ndjson, err) = run(&["export"], &source.database_url, b"");
    assert_eq!(code, 0, "{err}");
    assert_eq!(ndjson.lines().count(), 18);
    assert!(err.contains("exported 18 events"), "{err}");

    let target_url = fresh_database(Backend::Sqlite).await;
    let (code, _, err) = run(&["import", "-"], &target_url, ndjson.as_bytes());
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("18 events read: 18 stored, 0 already stored, 0 refused"), "{err}");
    let target = spawn_app_on(&target_url).await;
    assert_eq!(figures(&target, &from, &to).await, expected);

    // Run again (after an interruption, say): every event is known by its id.
    let (code, _, err) = run(&["import", "-"], &target_url, ndjson.as_bytes());
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("18 events read: 0 stored, 18 already stored, 0 refused"), "{err}");
}

#[tokio::test]
async fn refused_lines_are_listed_with_their_reasons_and_the_rest_is_stored_from_csv_too() {
    let url = fresh_database(Backend::Sqlite).await;
    let good = json!({"id": "g1", "type": "message", "channel": "web", "user_id": "u", "sender": "user", "at": at(10)});
    let ndjson = format!(
        "{good}\nnot json\n{}\n{}\n",
        json!({"type": "message", "channel": "web", "user_id": "u", "sender": "user"}),
        json!({"type": "message", "channel": "sms", "user_id": "u", "sender": "user", "at": at(9)}),
    );
    let (code, _, err) = run(&["import", "-"], &url, ndjson.as_bytes());
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("4 events read: 1 stored, 0 already stored, 3 refused"), "{err}");
    assert!(err.contains("line 2: not JSON"), "{err}");
    assert!(err.contains("line 3: at: is required for an event recorded earlier"), "{err}");
    assert!(err.contains("line 4: channel: must be one of web or premium"), "{err}");

    let csv = format!(
        "id,type,channel,user_id,at,sender,human_mode,user_name\n\
         c1,message,web,v,{},user,false,\"Doe, Jane\"\n\
         c2,message,web,v,{},operator,true,\n",
        at(8),
        at(7)
    );
    let (code, _, err) = run(&["import", "-"], &url, csv.as_bytes());
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("2 events read: 2 stored"), "{err}");
    let app = spawn_app_on(&url).await;
    let stats = app.stats("").await;
    assert_eq!(stats["totals"]["messages"], 2, "the valid session of v: {stats}");
    assert_eq!(stats["sessions_page"]["rows"][0]["user_name"], "Doe, Jane");
}
