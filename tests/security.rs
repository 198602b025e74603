//! Who gets in, and what the answers tell a browser: the login backoff, the session
//! cookie's flags, and the security headers (a page's CSP nonce matches its scripts).

mod common;

use common::{spawn_app, Backend, ADMIN_PASSWORD};

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
