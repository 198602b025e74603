//! Read-only viewers: every door, tried with an admin's session and with a viewer's.
//! A viewer sees the dashboards, reads the figures, exports CSV and opens the live
//! socket; every door that changes settings, keys, accounts or data refuses it with 403
//! and changes nothing.

use crate::common;

use common::{log_in, sio, spawn_app, Backend, TestApp};
use serde_json::json;

const VIEWER_PASSWORD: &str = "a viewer's long passphrase";

async fn post(app: &TestApp, cookie: &str, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let response =
        app.client.post(format!("{}{path}", app.base)).header("cookie", cookie).form(form).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn get(app: &TestApp, cookie: &str, path: &str, accept: &str) -> reqwest::Response {
    app.client
        .get(format!("{}{path}", app.base))
        .header("cookie", cookie)
        .header("accept", accept)
        .send()
        .await
        .unwrap()
}

/// An admin's cookie and a viewer's, the viewer added through the settings page.
async fn admin_and_viewer(app: &TestApp) -> (String, String) {
    let admin = app.login().await;
    let form = [("username", "watcher"), ("password", VIEWER_PASSWORD), ("role", "viewer")];
    let (status, body) = post(app, &admin, "/api/access/add_admin", &form).await;
    assert_eq!(status, 200, "{body}");
    let viewer = log_in(&app.client, &app.base, "watcher", VIEWER_PASSWORD).await.expect("the viewer logs in");
    (admin, viewer)
}

#[tokio::test]
async fn a_viewer_reads_everything_an_admin_reads() {
    let app = spawn_app(Backend::Sqlite).await;
    let event = json!({"type": "message", "channel": "web", "user_id": "v", "sender": "user"});
    assert_eq!(app.ingest(&event).await.0, 202);
    let (admin, viewer) = admin_and_viewer(&app).await;
    for cookie in [&admin, &viewer] {
        for page in ["/", "/web", "/premium"] {
            assert_eq!(get(&app, cookie, page, "text/html").await.status().as_u16(), 200, "{page}");
        }
        for path in ["/api/stats", "/api/stats/sessions.csv", "/metrics"] {
            assert_eq!(get(&app, cookie, path, "*/*").await.status().as_u16(), 200, "{path}");
        }
        let (status, body) = post(&app, cookie, "/api/get_stats", &[("channel", "all")]).await;
        assert_eq!(status, 200, "{body}");
        let socket = sio::connect(&app.base, "/dashboard", "{}", &[("cookie", cookie)]).await;
        assert!(socket.is_ok(), "{:?}", socket.err());
    }
}

#[tokio::test]
async fn a_chart_table_is_sent_when_asked_for_to_any_signed_in_reader_and_an_unknown_chart_is_refused() {
    let app = spawn_app(Backend::Sqlite).await;
    let events = json!([{"type": "message", "channel": "premium", "user_id": "t", "sender": "user"},
                        {"type": "message", "channel": "premium", "user_id": "t", "sender": "bot"}]);
    assert_eq!(app.ingest(&events).await.0, 202);
    let (admin, viewer) = admin_and_viewer(&app).await;
    let form = |chart| vec![("channel", "all"), ("locale", "en"), ("query", ""), ("chart", chart)];
    for cookie in [&admin, &viewer] {
        let response = app
            .client
            .post(format!("{}/api/get_chart_table", app.base))
            .header("cookie", cookie.as_str())
            .form(&form("channels"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        // The page's reads answer in postcard.
        let table: String = postcard::from_bytes(&response.bytes().await.unwrap()).unwrap();
        assert!(table.contains("<td>premium</td><td>1</td><td>2</td>"), "{table}");
    }
    let (status, body) = post(&app, &admin, "/api/get_chart_table", &form("pies")).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("no chart is called 'pies'"), "{body}");
    let (status, _) = post(&app, "", "/api/get_chart_table", &form("channels")).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_viewer_changes_nothing_at_any_door() {
    let app = spawn_app(Backend::Sqlite).await;
    let events = json!([{"type": "message", "channel": "web", "user_id": "kept", "sender": "user"},
                        {"type": "message", "channel": "web", "user_id": "kept", "sender": "bot"}]);
    assert_eq!(app.ingest(&events).await.0, 202);
    let (admin, viewer) = admin_and_viewer(&app).await;

    let settings_page = get(&app, &viewer, "/settings", "text/html").await;
    assert_eq!(settings_page.status().as_u16(), 303);
    assert_eq!(settings_page.headers()["location"], "/");
    assert_eq!(get(&app, &admin, "/settings", "text/html").await.status().as_u16(), 200);

    let settings = [
        ("session_gap_minutes", "5"),
        ("min_session_messages", "2"),
        ("online_window_minutes", "5"),
        ("timezone", "UTC"),
    ];
    let doors: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("/api/update_settings", settings.to_vec()),
        ("/api/get_settings", vec![]),
        ("/api/access/get_access", vec![]),
        ("/api/access/get_access_lists", vec![("locale", "en")]),
        ("/api/access/add_admin", vec![("username", "sneaky"), ("password", "a long passphrase"), ("role", "admin")]),
        ("/api/access/remove_admin", vec![("username", "admin")]),
        ("/api/access/change_password", vec![("current", VIEWER_PASSWORD), ("new", "another long passphrase")]),
        ("/api/access/create_key", vec![("label", "mine"), ("scope", "read")]),
        ("/api/access/revoke_key", vec![("id", "1")]),
        ("/api/access/erase_visitor", vec![("user_id", "kept"), ("channel", "all")]),
    ];
    for (door, form) in &doors {
        let (status, body) = post(&app, &viewer, door, form).await;
        assert_eq!(status, 403, "{door}: {body}");
    }
    let erase = app
        .client
        .post(format!("{}/api/erasures", app.base))
        .header("cookie", &viewer)
        .json(&json!({"user_id": "kept"}))
        .send()
        .await
        .unwrap();
    assert_eq!(erase.status().as_u16(), 403);

    // Nothing changed.
    assert_eq!(app.state.figures.settings().session_gap_minutes, 30);
    assert!(log_in(&app.client, &app.base, "sneaky", "a long passphrase").await.is_none());
    assert!(log_in(&app.client, &app.base, "admin", common::ADMIN_PASSWORD).await.is_some(), "admin is still there");
    assert!(log_in(&app.client, &app.base, "watcher", VIEWER_PASSWORD).await.is_some(), "password unchanged");
    assert_eq!(app.state.db.api_keys().await.unwrap().iter().filter(|k| k.revoked_ms.is_some()).count(), 0);
    assert_eq!(app.stats("").await["totals"]["messages"], 2, "the visitor was not erased");

    // The admin may do each of these; the viewer is listed as one and can be removed.
    let (status, body) = post(&app, &admin, "/api/access/get_access", &[]).await;
    assert_eq!(status, 200);
    let access: serde_json::Value = serde_json::from_str(&body).unwrap();
    let watcher = access["admins"].as_array().unwrap().iter().find(|a| a["username"] == "watcher").unwrap().clone();
    assert_eq!(watcher["viewer"], true);
    assert_eq!(post(&app, &admin, "/api/access/remove_admin", &[("username", "watcher")]).await.0, 200);
    assert_eq!(get(&app, &viewer, "/api/stats", "*/*").await.status().as_u16(), 401, "a removed viewer is out");
}

#[tokio::test]
async fn a_viewer_does_not_count_as_the_admin_who_must_remain() {
    let app = spawn_app(Backend::Sqlite).await;
    let (admin, _viewer) = admin_and_viewer(&app).await;
    let form = [("username", "second"), ("password", "a second long passphrase"), ("role", "admin")];
    assert_eq!(post(&app, &admin, "/api/access/add_admin", &form).await.0, 200);
    let second = log_in(&app.client, &app.base, "second", "a second long passphrase").await.unwrap();
    assert_eq!(post(&app, &second, "/api/access/remove_admin", &[("username", "admin")]).await.0, 200);
    // `second` is now the only admin; the viewer does not make them removable.
    let bad_role = [("username", "x"), ("password", "a long passphrase"), ("role", "owner")];
    assert_eq!(post(&app, &second, "/api/access/add_admin", &bad_role).await.0, 400);
    assert!(!app.state.db.delete_admin_unless_last("second").await.unwrap());
}
