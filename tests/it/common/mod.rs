//! A real chatpulse router on port 0, on a fresh SQLite file or PostgreSQL database.

pub mod cluster;
#[path = "../../shared/events.rs"]
pub mod events;
#[path = "../../shared/process.rs"]
pub mod process;
pub mod reference;
pub mod sio;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use chatpulse::server::config::{Config, Secret};
use chatpulse::server::startup::{app, build_state};
use chatpulse::server::state::AppState;
use leptos::config::LeptosOptions;
use serde_json::Value;

pub const INGEST_KEY: &str = "test-ingest-key-0123456789";
pub const READ_KEY: &str = "test-read-key-0123456789";
pub const ADMIN_PASSWORD: &str = "admin-pass-123";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub base: String,
    pub state: AppState,
    pub client: reqwest::Client,
    pub database_url: String,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("cp_{}_{}_{}", std::process::id(), nanos % 1_000_000_000, COUNTER.fetch_add(1, Ordering::SeqCst))
}

pub fn pg_admin_url() -> String {
    std::env::var("CHATPULSE_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

static CLEANED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Drops the test databases (`cp_<pid>_…`) of test processes that are no longer running,
/// so that runs on a long-lived PostgreSQL do not pile them up.
async fn drop_databases_of_finished_runs(pool: &sqlx::PgPool) {
    use sqlx::Executor;
    let names: Vec<String> = sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'cp\\_%'")
        .fetch_all(pool)
        .await
        .unwrap_or_default();
    for name in names {
        let Some(pid) = name.split('_').nth(1).and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            let _ = pool.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await;
        }
    }
}

/// A database URL for a brand-new, empty database of `backend`.
pub async fn fresh_database(backend: Backend) -> String {
    let name = unique_name();
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join("chatpulse-tests");
            std::fs::create_dir_all(&dir).unwrap();
            format!("sqlite://{}/{name}.db", dir.display())
        }
        Backend::Postgres => {
            use sqlx::Executor;
            let admin = pg_admin_url();
            let pool = sqlx::PgPool::connect(&admin).await.expect("PostgreSQL at CHATPULSE_TEST_PG_URL");
            if !CLEANED.swap(true, Ordering::SeqCst) {
                drop_databases_of_finished_runs(&pool).await;
            }
            pool.execute(format!("CREATE DATABASE {name}").as_str()).await.unwrap();
            pool.close().await;
            let base = admin.rsplit_once('/').unwrap().0;
            format!("{base}/{name}")
        }
    }
}

/// Each test app's PostgreSQL pool: the suite's apps and instances together stay under
/// the server's 100 connections (with 16 each they reached it, and an instance failed
/// to start with "pool timed out").
pub const TEST_DATABASE_CONNECTIONS: u32 = 3;

pub fn test_config(database_url: &str) -> Config {
    Config {
        database_url: database_url.to_string(),
        // The test binary runs many apps at once against one PostgreSQL server.
        database_connections: TEST_DATABASE_CONNECTIONS,
        redis_url: None,
        redis_prefix: "chatpulse".into(),
        admin_password: Some(Secret::new(ADMIN_PASSWORD)),
        ingest_key: Some(Secret::new(INGEST_KEY)),
        read_key: Some(Secret::new(READ_KEY)),
        demo: false,
        retention_days: None,
        limits: Default::default(),
        sql_source: None,
        widget_sources: Vec::new(),
        webhook_retry_ms: 5000,
        // Only the checkpoint tests keep one.
        checkpoint: None,
    }
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    let url = fresh_database(backend).await;
    spawn_app_on(&url).await
}

pub async fn spawn_app_on(database_url: &str) -> TestApp {
    spawn_app_with(test_config(database_url)).await
}

pub async fn spawn_app_with(config: Config) -> TestApp {
    let database_url = config.database_url.clone();
    let options = LeptosOptions::builder().output_name("chatpulse").site_root("target/site").build();
    let (state, layer) = build_state(&config, options).await.expect("app starts");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    let router = app(state.clone(), layer);
    tokio::spawn(chatpulse::server::serve::serve(listener, router, std::future::pending()));
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    TestApp { base: format!("http://{addr}"), state, client, database_url }
}

/// Waits up to `seconds` for `check`, asking every 100 ms.
pub async fn eventually<F, Fut>(seconds: u64, check: F) -> bool
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..seconds * 10 {
        if check().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

pub use process::log_in;

impl TestApp {
    pub async fn ingest(&self, body: &Value) -> (u16, Value) {
        self.ingest_raw(body.to_string().into_bytes(), "application/json", Some(INGEST_KEY)).await
    }

    pub async fn ingest_raw(&self, body: Vec<u8>, content_type: &str, key: Option<&str>) -> (u16, Value) {
        let mut request = self
            .client
            .post(format!("{}/api/ingest/events", self.base))
            .header("content-type", content_type)
            .body(body);
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn stats(&self, query: &str) -> Value {
        let (status, body) = self.get_json(&format!("/api/stats?{query}"), Some(READ_KEY)).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    pub async fn get_json(&self, path: &str, key: Option<&str>) -> (u16, Value) {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Logs in as admin and returns the session cookie (`name=value`).
    pub async fn login(&self) -> String {
        let response = self
            .client
            .post(format!("{}/login", self.base))
            .form(&[("username", "admin"), ("password", ADMIN_PASSWORD), ("next", "/web")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 303);
        let cookie = response.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
        cookie.split(';').next().unwrap().to_string()
    }
}
