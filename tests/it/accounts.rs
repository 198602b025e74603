//! Admins and keys managed from the settings page, through the very server functions it
//! calls: adding and removing admins, changing a password, creating and revoking keys —
//! each refusal changes nothing, and each change shuts out at once what it should
//! (sessions, HTTP requests, open sockets of both namespaces).

use crate::common;

use common::{eventually, log_in, sio, spawn_app, Backend, TestApp, ADMIN_PASSWORD};
use serde_json::{json, Value};

/// Calls one of the settings page's access server functions as a logged-in admin.
async fn call(app: &TestApp, cookie: &str, function: &str, form: &[(&str, &str)]) -> (u16, String) {
    let response = app
        .client
        .post(format!("{}/api/access/{function}", app.base))
        .header("cookie", cookie)
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn access(app: &TestApp, cookie: &str) -> Value {
    let (status, body) = call(app, cookie, "get_access", &[]).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn login_as(app: &TestApp, username: &str, password: &str) -> Option<String> {
    log_in(&app.client, &app.base, username, password).await
}

fn message(user: &str) -> Value {
    json!({"type": "message", "channel": "web", "user_id": user, "timestamp": "2026-11-20T10:00:00Z", "sender": "user"})
}

#[tokio::test]
async fn admins_are_added_refused_and_removed_and_a_removed_admin_is_shut_out_at_once() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = spawn_app(backend).await;
        let root = app.login().await;
        let (status, _) =
            call(&app, &root, "add_admin", &[("username", "ops"), ("password", "a long passphrase")]).await;
        assert_eq!(status, 200, "{backend:?}");
        // Refusals: each with its status and words, and nothing stored.
        for (form, expected, words) in [
            ([("username", "ops"), ("password", "another passphrase")], 409, "exists already"),
            ([("username", "bad name"), ("password", "a long passphrase")], 400, "username"),
            ([("username", "short"), ("password", "tiny")], 400, "at least 12"),
        ] {
            let (status, body) = call(&app, &root, "add_admin", &form).await;
            assert_eq!(status, expected, "{backend:?} {form:?}: {body}");
            assert!(body.contains(words), "{body}");
        }
        let listed = access(&app, &root).await;
        let names: Vec<&str> =
            listed["admins"].as_array().unwrap().iter().map(|a| a["username"].as_str().unwrap()).collect();
        assert_eq!(names, ["admin", "ops"], "{backend:?}");
        assert_eq!(listed["admins"][0]["is_you"], true);

        // The new admin logs in and watches a dashboard; nobody may remove themselves.
        let ops = login_as(&app, "ops", "a long passphrase").await.expect("the new admin logs in");
        assert!(login_as(&app, "ops", "another passphrase").await.is_none());
        let mut dashboard = sio::connect(&app.base, "/dashboard", "{}", &[("cookie", &ops)]).await.unwrap();
        let (status, body) = call(&app, &ops, "remove_admin", &[("username", "ops")]).await;
        assert_eq!((status, body.contains("yourself")), (409, true), "{body}");

        let (status, body) = call(&app, &root, "remove_admin", &[("username", "ops")]).await;
        assert_eq!(status, 200, "{body}");
        let seen = sio::until_disconnected(&mut dashboard, "/dashboard").await;
        assert!(seen.iter().any(|p| p.contains("session_expired")), "{seen:?}");
        assert_eq!(call(&app, &ops, "get_access", &[]).await.0, 401, "the removed admin's session is over");
        assert!(login_as(&app, "ops", "a long passphrase").await.is_none());
        assert_eq!(call(&app, &root, "remove_admin", &[("username", "ops")]).await.0, 404);
    }
}

#[tokio::test]
async fn wrong_current_passwords_count_against_the_same_backoff_as_logins() {
    let app = spawn_app(Backend::Sqlite).await;
    let here = app.login().await;
    let wrong = [("current", "not the password"), ("new", "a brand new passphrase")];
    // The login door lets five failures through without a wait; so does this one.
    for attempt in 1..=5 {
        let (status, body) = call(&app, &here, "change_password", &wrong).await;
        assert_eq!(status, 403, "attempt {attempt}: {body}");
    }
    // The sixth is not even checked, right password or not, at either door.
    let good = [("current", ADMIN_PASSWORD), ("new", "a brand new passphrase")];
    let response = app
        .client
        .post(format!("{}/api/access/change_password", app.base))
        .header("cookie", &here)
        .form(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert!(response.headers().get("retry-after").is_some(), "{:?}", response.headers());
    assert!(response.text().await.unwrap().contains("try again"));
    assert!(login_as(&app, "admin", ADMIN_PASSWORD).await.is_none(), "the login door waits too");
    // Nothing changed: once the wait is over, the old password still logs in.
    let old_password_works = eventually(5, || async { login_as(&app, "admin", ADMIN_PASSWORD).await.is_some() }).await;
    assert!(old_password_works);
}

#[tokio::test]
async fn the_last_admin_is_never_removed() {
    let app = spawn_app(Backend::Postgres).await;
    assert!(!app.state.db.delete_admin_unless_last("admin").await.unwrap());
    assert_eq!(app.state.db.admins().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_password_change_needs_the_current_one_and_ends_the_other_sessions_only() {
    let app = spawn_app(Backend::Sqlite).await;
    let here = app.login().await;
    let elsewhere = app.login().await;
    let mut other_tab = sio::connect(&app.base, "/dashboard", "{}", &[("cookie", &elsewhere)]).await.unwrap();

    let wrong = [("current", "not the password"), ("new", "a brand new passphrase")];
    let (status, body) = call(&app, &here, "change_password", &wrong).await;
    assert_eq!((status, body.contains("current password")), (403, true), "{body}");
    let too_short = [("current", ADMIN_PASSWORD), ("new", "short")];
    assert_eq!(call(&app, &here, "change_password", &too_short).await.0, 400);
    assert!(login_as(&app, "admin", ADMIN_PASSWORD).await.is_some(), "refusals changed nothing");

    let good = [("current", ADMIN_PASSWORD), ("new", "a brand new passphrase")];
    assert_eq!(call(&app, &here, "change_password", &good).await.0, 200);
    let seen = sio::until_disconnected(&mut other_tab, "/dashboard").await;
    assert!(seen.iter().any(|p| p.contains("session_expired")), "{seen:?}");
    assert_eq!(call(&app, &elsewhere, "get_access", &[]).await.0, 401);
    assert_eq!(call(&app, &here, "get_access", &[]).await.0, 200, "the session that changed it stays");
    assert!(login_as(&app, "admin", ADMIN_PASSWORD).await.is_none());
    assert!(login_as(&app, "admin", "a brand new passphrase").await.is_some());
}

#[tokio::test]
async fn keys_are_shown_once_scoped_and_revoking_one_ends_its_requests_and_sockets() {
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = spawn_app(backend).await;
        let cookie = app.login().await;
        let (status, body) = call(&app, &cookie, "create_key", &[("label", "shop A"), ("scope", "ingest")]).await;
        assert_eq!(status, 200, "{body}");
        let ingest_key: String = serde_json::from_str(&body).unwrap();
        assert!(ingest_key.starts_with("cpi_") && ingest_key.len() > 60, "{ingest_key}");
        let (_, body) = call(&app, &cookie, "create_key", &[("label", "reporting"), ("scope", "read")]).await;
        let read_key: String = serde_json::from_str(&body).unwrap();
        for (form, words) in
            [([("label", " "), ("scope", "read")], "label"), ([("label", "x"), ("scope", "owner")], "scope")]
        {
            let (status, body) = call(&app, &cookie, "create_key", &form).await;
            assert_eq!((status, body.contains(words)), (400, true), "{body}");
        }
        let listed = access(&app, &cookie).await;
        assert!(!listed.to_string().contains(&ingest_key) && !listed.to_string().contains(&read_key));
        let keys = listed["keys"].as_array().unwrap();
        let shop = keys.iter().find(|k| k["label"] == "shop A").unwrap();
        assert_eq!((shop["scope"].as_str(), shop["last_used"].is_null()), (Some("ingest"), true));
        let shop_id = shop["id"].as_i64().unwrap().to_string();
        let reporting = keys.iter().find(|k| k["label"] == "reporting").unwrap();
        let reporting_id = reporting["id"].as_i64().unwrap().to_string();
        assert_eq!(keys.len(), 4, "the two from the environment and the two new ones: {keys:?}");

        // Each works for its own scope only, and its use is recorded.
        let body = message("u1").to_string().into_bytes();
        assert_eq!(app.ingest_raw(body.clone(), "application/json", Some(&ingest_key)).await.0, 202);
        assert_eq!(app.ingest_raw(body.clone(), "application/json", Some(&read_key)).await.0, 403);
        assert_eq!(app.get_json("/api/stats", Some(&read_key)).await.0, 200);
        assert_eq!(app.get_json("/api/stats", Some(&ingest_key)).await.0, 403);
        // A key's use is recorded in the background.
        let used = eventually(5, || async {
            let listed = access(&app, &cookie).await;
            listed["keys"].as_array().unwrap().iter().any(|k| k["label"] == "shop A" && !k["last_used"].is_null())
        })
        .await;
        assert!(used, "{backend:?}: the ingest key's last use shows");

        // Sockets opened with each key end when it is revoked.
        let auth = |key: &str| json!({"token": key}).to_string();
        let mut ingest_socket = sio::connect(&app.base, "/ingest", &auth(&ingest_key), &[]).await.unwrap();
        let mut read_socket = sio::connect(&app.base, "/dashboard", &auth(&read_key), &[]).await.unwrap();
        assert_eq!(call(&app, &cookie, "revoke_key", &[("id", &shop_id)]).await.0, 200);
        assert_eq!(call(&app, &cookie, "revoke_key", &[("id", &reporting_id)]).await.0, 200);
        for (ws, namespace) in [(&mut ingest_socket, "/ingest"), (&mut read_socket, "/dashboard")] {
            let seen = sio::until_disconnected(ws, namespace).await;
            assert!(seen.iter().any(|p| p.contains("key_revoked")), "{namespace}: {seen:?}");
        }
        assert_eq!(app.ingest_raw(body, "application/json", Some(&ingest_key)).await.0, 401);
        assert_eq!(app.get_json("/api/stats", Some(&read_key)).await.0, 401);
        assert!(sio::connect(&app.base, "/ingest", &auth(&ingest_key), &[]).await.is_err());
        assert_eq!(call(&app, &cookie, "revoke_key", &[("id", &shop_id)]).await.0, 404, "already revoked");
        let listed = access(&app, &cookie).await;
        let shop = listed["keys"].as_array().unwrap().iter().find(|k| k["label"] == "shop A").unwrap().clone();
        assert!(!shop["revoked"].is_null(), "{shop}");
        let stats = app.stats("").await;
        assert_eq!(stats["version"], 1, "{backend:?}: one event stored, none of the refused ones");
    }
}

#[tokio::test]
async fn the_access_functions_refuse_anyone_not_logged_in() {
    let app = spawn_app(Backend::Sqlite).await;
    for (function, form) in [
        ("get_access", vec![]),
        ("add_admin", vec![("username", "intruder"), ("password", "a long passphrase")]),
        ("remove_admin", vec![("username", "admin")]),
        ("change_password", vec![("current", ADMIN_PASSWORD), ("new", "a long passphrase")]),
        ("create_key", vec![("label", "x"), ("scope", "read")]),
        ("revoke_key", vec![("id", "1")]),
    ] {
        for cookie in ["", "chatpulse_session=cps_forged"] {
            let (status, _) = call(&app, cookie, function, &form).await;
            assert_eq!(status, 401, "{function} with {cookie:?}");
        }
    }
    assert_eq!(app.state.db.admins().await.unwrap().len(), 1);
    assert_eq!(app.state.db.api_keys().await.unwrap().iter().filter(|k| k.revoked_ms.is_none()).count(), 2);
    assert!(login_as(&app, "admin", ADMIN_PASSWORD).await.is_some());
}
