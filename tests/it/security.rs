//! Who gets in, and what the answers tell a browser: the login backoff, the session
//! cookie's flags, the security headers (a page's CSP nonce matches its scripts), rate
//! limits, the socket cap per address and the origin check on the dashboard socket.

use crate::common;

use chatpulse::server::config::LimitsConfig;
use common::{sio, spawn_app, spawn_app_with, Backend, ADMIN_PASSWORD};

async fn try_login(app: &common::TestApp, password: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut request = app.client.post(format!("{}/login", app.base)).form(&[
        ("username", "admin"),
        ("password", password),
        ("next", "/"),
    ]);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn repeated_failed_logins_make_the_next_attempts_wait() {
    let app = spawn_app(Backend::Sqlite).await;
    for attempt in 1..=5 {
        let response = try_login(&app, "wrong", &[]).await;
        assert_eq!(response.status().as_u16(), 303, "attempt {attempt} is just refused");
        assert!(response.headers()["location"].to_str().unwrap().starts_with("/login?failed=1"));
    }
    // The sixth comes too soon: not even checked, so the right password does not help.
    let response = try_login(&app, ADMIN_PASSWORD, &[]).await;
    assert_eq!(response.status().as_u16(), 429);
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry_after), "Retry-After {retry_after}");
    assert!(response.headers().get("set-cookie").is_none());
    // Once the wait is over the right password works again, and clears the count.
    tokio::time::sleep(std::time::Duration::from_millis(retry_after * 1000 + 100)).await;
    let response = try_login(&app, ADMIN_PASSWORD, &[]).await;
    assert_eq!(response.status().as_u16(), 303);
    assert!(response.headers().get("set-cookie").is_some());
    assert_eq!(try_login(&app, "wrong", &[]).await.status().as_u16(), 303);
}

#[tokio::test]
async fn the_session_cookie_is_secure_behind_https() {
    let app = spawn_app(Backend::Sqlite).await;
    let plain = try_login(&app, ADMIN_PASSWORD, &[]).await;
    let cookie = plain.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Secure"),
        "{cookie}"
    );
    let proxied = try_login(&app, ADMIN_PASSWORD, &[("x-forwarded-proto", "https")]).await;
    let cookie = proxied.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("; Secure;") && cookie.contains("HttpOnly"), "{cookie}");
}

#[tokio::test]
async fn pages_carry_a_csp_whose_nonce_is_on_every_inline_script_and_apis_allow_nothing() {
    let app = spawn_app(Backend::Sqlite).await;
    let cookie = app.login().await;
    let page = app.client.get(format!("{}/", app.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let headers = page.headers().clone();
    let csp = headers["content-security-policy"].to_str().unwrap().to_string();
    let nonce = csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce").to_string();
    assert!(nonce.len() >= 16, "{csp}");
    for part in ["script-src 'self' 'nonce-", "'wasm-unsafe-eval'", "frame-ancestors 'none'", "object-src 'none'"] {
        assert!(csp.contains(part), "{part} missing from {csp}");
    }
    // Only style attributes may be inline (ECharts sets them); never a script.
    assert!(!csp.replace("style-src-attr 'unsafe-inline'", "").contains("unsafe-inline"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    let html = page.text().await.unwrap();
    let scripts: Vec<&str> = html.split("<script").skip(1).map(|s| s.split('>').next().unwrap()).collect();
    assert!(scripts.len() >= 3, "{html}");
    for script in scripts {
        assert!(
            script.contains(&format!("nonce=\"{nonce}\"")),
            "a script without this response's nonce: <script{script}>"
        );
    }
    // A second page gets another nonce.
    let again = app.client.get(format!("{}/web", app.base)).header("cookie", &cookie).send().await.unwrap();
    assert!(!again.headers()["content-security-policy"].to_str().unwrap().contains(&nonce));

    let api = app.client.get(format!("{}/healthz", app.base)).send().await.unwrap();
    assert_eq!(api.headers()["content-security-policy"], "default-src 'none'; frame-ancestors 'none'");
    assert_eq!(api.headers()["x-content-type-options"], "nosniff");
}

fn limited(limits: LimitsConfig) -> chatpulse::server::config::Config {
    let url = format!("sqlite://{}/limits-{}.db", std::env::temp_dir().display(), rand_suffix());
    chatpulse::server::config::Config { limits, ..common::test_config(&url) }
}

fn rand_suffix() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos()
    )
}

fn messages(count: usize, user: &str) -> serde_json::Value {
    let at = chrono::Utc::now().timestamp_millis() - 5 * 60_000;
    let sender = |i: usize| ["user", "bot"][i % 2];
    (0..count).map(|i| common::events::message(user, sender(i), at + i as i64 * 1000)).collect()
}

#[tokio::test]
async fn an_ingest_key_over_its_rate_gets_429_with_retry_after_and_nothing_is_stored() {
    let app = spawn_app_with(limited(LimitsConfig { key_events_per_second: 10.0, ..LimitsConfig::default() })).await;
    // A burst of two seconds' worth passes …
    assert_eq!(app.ingest(&messages(20, "a")).await.0, 202);
    let before = app.stats("").await["totals"]["messages"].clone();
    // … and then the key must wait.
    let response = app
        .client
        .post(format!("{}/api/ingest/events", app.base))
        .bearer_auth(common::INGEST_KEY)
        .json(&messages(6, "b"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.headers()["retry-after"], "1");
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("nothing was stored"), "{body}");
    assert_eq!(app.stats("").await["totals"]["messages"], before);
}

#[tokio::test]
async fn an_address_over_its_request_rate_gets_429_even_for_bad_requests() {
    let app =
        spawn_app_with(limited(LimitsConfig { address_requests_per_second: 2.0, ..LimitsConfig::default() })).await;
    for _ in 0..4 {
        let (status, _) = app.ingest_raw(b"not json".to_vec(), "application/json", Some(common::INGEST_KEY)).await;
        assert_eq!(status, 400);
    }
    let (status, _) = app.ingest(&messages(2, "c")).await;
    assert_eq!(status, 429);
    // Reading the figures is not an ingest: it still answers.
    assert_eq!(app.get_json("/api/stats", Some(common::READ_KEY)).await.0, 200);
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit() {
    let bad_request = |app: &common::TestApp, forwarded: &'static str| {
        app.client
            .post(format!("{}/api/ingest/events", app.base))
            .bearer_auth(common::INGEST_KEY)
            .header("content-type", "application/json")
            .header("x-forwarded-for", forwarded)
            .body("not json")
            .send()
    };
    let limits = |trusted: &str| LimitsConfig {
        address_requests_per_second: 1.0,
        trusted_proxies: chatpulse::server::client_address::TrustedProxies::parse(trusted),
        ..LimitsConfig::default()
    };
    let proxied = spawn_app_with(limited(limits("127.0.0.1"))).await;
    for client in ["198.51.100.1", "198.51.100.2", "198.51.100.3"] {
        for _ in 0..2 {
            assert_eq!(bad_request(&proxied, client).await.unwrap().status().as_u16(), 400, "{client}");
        }
    }
    assert_eq!(bad_request(&proxied, "198.51.100.1").await.unwrap().status().as_u16(), 429);
    // Without the proxy trusted, the header is the client's own claim: ignored.
    let direct = spawn_app_with(limited(limits(""))).await;
    for client in ["198.51.100.1", "198.51.100.2"] {
        assert_eq!(bad_request(&direct, client).await.unwrap().status().as_u16(), 400);
    }
    assert_eq!(bad_request(&direct, "198.51.100.3").await.unwrap().status().as_u16(), 429);
}

#[tokio::test]
async fn sockets_per_address_are_capped_and_a_closed_one_frees_its_place() {
    let app = spawn_app_with(limited(LimitsConfig { sockets_per_address: 2, ..LimitsConfig::default() })).await;
    let auth = format!("{{\"token\":\"{}\"}}", common::READ_KEY);
    let first = sio::connect(&app.base, "/dashboard", &auth, &[]).await.expect("first");
    let _second = sio::connect(&app.base, "/ingest", &format!("{{\"token\":\"{}\"}}", common::INGEST_KEY), &[])
        .await
        .expect("second, on the other namespace");
    let Err(refused) = sio::connect(&app.base, "/dashboard", &auth, &[]).await else {
        panic!("the third is refused");
    };
    assert!(refused.contains("too many open sockets"), "{refused}");
    drop(first);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    sio::connect(&app.base, "/dashboard", &auth, &[]).await.expect("a place was freed");
}

#[tokio::test]
async fn the_admin_cookie_opens_a_dashboard_socket_only_from_our_own_origin() {
    let app = spawn_app(Backend::Sqlite).await;
    let cookie = app.login().await;
    let host = app.base.trim_start_matches("http://").to_string();
    let own = format!("http://{host}");
    sio::connect(&app.base, "/dashboard", "{}", &[("cookie", &cookie), ("origin", &own)]).await.expect("own origin");
    let foreign = [("cookie", cookie.as_str()), ("origin", "https://evil.example")];
    let Err(refused) = sio::connect(&app.base, "/dashboard", "{}", &foreign).await else {
        panic!("a foreign page is refused");
    };
    assert!(refused.contains("origin"), "{refused}");
    // A read key is no ambient credential: any origin may use it.
    let auth = format!("{{\"token\":\"{}\"}}", common::READ_KEY);
    sio::connect(&app.base, "/dashboard", &auth, &[("origin", "https://widget.example")]).await.expect("read key");
}

#[tokio::test]
async fn an_ingest_socket_over_its_event_rate_is_told_to_wait_and_nothing_is_stored() {
    let app = spawn_app_with(limited(LimitsConfig { socket_events_per_second: 1.0, ..LimitsConfig::default() })).await;
    let mut ws = sio::connect(&app.base, "/ingest", &format!("{{\"token\":\"{}\"}}", common::INGEST_KEY), &[])
        .await
        .expect("connected");
    let at = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let event = |user: &str| format!(r#"{{"channel":"web","user_id":"{user}","sender":"user","at":"{at}"}}"#);
    for id in 0..2 {
        let ack = sio::emit_with_ack(&mut ws, "/ingest", id, "message", &event("s")).await;
        assert!(ack.contains("\"ok\":true"), "{ack}");
    }
    let ack = sio::emit_with_ack(&mut ws, "/ingest", 2, "message", &event("t")).await;
    assert!(ack.contains("\"ok\":false") && ack.contains("\"retry_after\":1"), "{ack}");
    let stats = app.stats("").await;
    assert!(!stats["sessions_page"]["rows"].as_array().unwrap().iter().any(|r| r["user_id"] == "t"));
}

#[tokio::test]
async fn logging_out_ends_the_dashboard_sockets_of_that_session_at_once() {
    let app = spawn_app(Backend::Sqlite).await;
    let cookie = app.login().await;
    let other = app.login().await;
    let own = format!("http://{}", app.base.trim_start_matches("http://"));
    let mut ended =
        sio::connect(&app.base, "/dashboard", "{}", &[("cookie", &cookie), ("origin", &own)]).await.unwrap();
    let mut kept = sio::connect(&app.base, "/dashboard", "{}", &[("cookie", &other), ("origin", &own)]).await.unwrap();
    let logout = app.client.post(format!("{}/logout", app.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(logout.status().as_u16(), 303);
    assert_eq!(sio::next_text(&mut ended).await, "42/dashboard,[\"session_expired\",null]");
    assert_eq!(sio::next_text(&mut ended).await, "41/dashboard,");
    // The other session's socket still hears the figures move.
    assert_eq!(app.ingest(&messages(2, "after-logout")).await.0, 202);
    let heard = sio::next_text(&mut kept).await;
    assert!(heard.starts_with("42/dashboard,[\""), "{heard}");
}

#[tokio::test]
async fn every_door_refuses_an_expired_session_and_sockets_refuse_wrong_keys() {
    let app = spawn_app(Backend::Sqlite).await;
    let cookie = app.login().await;
    let page = app.client.get(format!("{}/", app.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200, "the session works before it expires");
    // The session's time is up (as if seven days had passed).
    let pool = sqlx::SqlitePool::connect(&app.database_url).await.unwrap();
    sqlx::query("UPDATE admin_sessions SET expires_ms = 1").execute(&pool).await.unwrap();
    pool.close().await;

    let get = |path: &str, accept: &str| {
        app.client.get(format!("{}{path}", app.base)).header("cookie", &cookie).header("accept", accept).send()
    };
    let page = get("/web?range=7d", "text/html").await.unwrap();
    assert_eq!(page.status().as_u16(), 303);
    assert_eq!(page.headers()["location"], "/login?next=/web%3Frange%3D7d");
    for path in ["/api/stats", "/api/stats/sessions.csv", "/metrics"] {
        assert_eq!(get(path, "*/*").await.unwrap().status().as_u16(), 401, "{path}");
    }
    let server_fn =
        app.client.post(format!("{}/api/get_settings", app.base)).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(server_fn.status().as_u16(), 401);
    let refused = sio::connect(&app.base, "/dashboard", "{}", &[("cookie", &cookie)]).await.unwrap_err();
    assert!(refused.contains("log in"), "{refused}");

    // Socket doors: no key, a wrong key, a key of the other scope.
    let token = |key: &str| format!("{{\"token\":\"{key}\"}}");
    for (namespace, auth, words) in [
        ("/ingest", "{}".to_string(), "required"),
        ("/ingest", token("nope"), "not valid"),
        ("/ingest", token(common::READ_KEY), "ingest scope"),
        ("/dashboard", token("nope"), "not valid"),
        ("/dashboard", token(common::INGEST_KEY), "read scope"),
    ] {
        let refused = sio::connect(&app.base, namespace, &auth, &[]).await.unwrap_err();
        assert!(
            refused.starts_with(&format!("44{namespace},")) && refused.contains(words),
            "{namespace} {auth}: {refused}"
        );
    }
    assert_eq!(app.stats("").await["version"], 0, "nothing changed");
}
