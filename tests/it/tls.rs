//! TLS to PostgreSQL, against the machine's real server (which offers TLS).

use crate::common;

use common::{fresh_database, spawn_app_on, Backend};
use serde_json::json;

#[tokio::test]
async fn sslmode_require_connects_over_tls_and_serves() {
    let url = format!("{}?sslmode=require", fresh_database(Backend::Postgres).await);
    let app = spawn_app_on(&url).await;
    let chatpulse::server::db::Db::Postgres(pool) = &app.state.db else { panic!("PostgreSQL") };
    let over_tls: bool =
        sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").fetch_one(pool).await.unwrap();
    assert!(over_tls, "the connection is not encrypted");
    let event = json!({"type": "message", "channel": "web", "user_id": "tls", "sender": "user"});
    assert_eq!(app.ingest(&event).await.0, 202);
}

#[tokio::test]
async fn verify_full_refuses_a_certificate_no_trusted_authority_signed_and_says_so() {
    let url = format!("{}?sslmode=verify-full", fresh_database(Backend::Postgres).await);
    let error = chatpulse::server::db::Db::connect(&url).await.expect_err("an untrusted certificate is refused");
    let message = error.to_string();
    assert!(message.contains("cannot open the database"), "{message}");
    assert!(message.to_lowercase().contains("certificate"), "the reason is named: {message}");
}

/// `chatpulse_tls_only` refuses unencrypted connections (its pg_hba.conf rule comes from
/// `scripts/setup.sh`).
#[tokio::test]
async fn sslmode_disable_against_a_tls_only_database_fails_and_says_what_to_change() {
    let base = common::pg_admin_url().rsplit_once('/').unwrap().0.to_string();
    let disabled = format!("{base}/chatpulse_tls_only?sslmode=disable");
    let error = chatpulse::server::db::Db::connect(&disabled).await.expect_err(
        "chatpulse_tls_only refuses unencrypted connections: run scripts/setup.sh, which adds its pg_hba.conf rule",
    );
    let message = error.to_string();
    assert!(message.contains("accepts only encrypted connections"), "{message}");
    assert!(message.contains("sslmode=require"), "{message}");
    let required = chatpulse::server::db::Db::connect(&format!("{base}/chatpulse_tls_only?sslmode=require")).await;
    assert!(required.is_ok(), "{:?}", required.err());
}

#[tokio::test]
async fn rediss_urls_are_understood() {
    // Without TLS support compiled in, the redis client refuses `rediss://` outright.
    let client = redis::Client::open("rediss://127.0.0.1:6379/");
    assert!(client.is_ok(), "{:?}", client.err());
    // The machine's Redis speaks no TLS: the handshake fails, as a TLS error.
    let error = client.unwrap().get_multiplexed_async_connection().await.expect_err("no TLS on this Redis");
    assert!(!error.to_string().contains("feature"), "{error}");
}
