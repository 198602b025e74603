//! What the integration tests and the benches share about a chatpulse server reached
//! over HTTP: waiting until it answers `/healthz`, and logging in through the form.
//! Both include this file by path (`tests/it/common/mod.rs`, `benches/support/mod.rs`).

use std::time::{Duration, Instant};

/// Polls `GET <base>/healthz` every 100 ms until it answers 200; `false` if it has not
/// within `within`.
pub async fn until_healthy(client: &reqwest::Client, base: &str, within: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < within {
        if let Ok(response) = client.get(format!("{base}/healthz")).send().await {
            if response.status().is_success() {
                return true;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// Logs in through the form at `base`; the session cookie (`name=value`), or `None`
/// when the login was refused. `client` must not follow redirects.
pub async fn log_in(client: &reqwest::Client, base: &str, username: &str, password: &str) -> Option<String> {
    let response = client
        .post(format!("{base}/login"))
        .form(&[("username", username), ("password", password), ("next", "/")])
        .send()
        .await
        .unwrap();
    let cookie = response.headers().get("set-cookie")?.to_str().unwrap();
    Some(cookie.split(';').next().unwrap().to_string())
}
