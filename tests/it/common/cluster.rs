//! Real chatpulse processes (the `chatpulse` binary of this build) for the tests of
//! several instances and of faults, and a TCP proxy that can cut a process off from
//! PostgreSQL or Redis and let it back, without touching the shared services.

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::net::{TcpListener, TcpStream};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

use super::{ADMIN_PASSWORD, INGEST_KEY, READ_KEY};

/// A TCP forwarder to `target` that can be cut (every connection closed, new ones
/// dropped) and restored.
pub struct Proxy {
    pub addr: SocketAddr,
    cut: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    pub async fn start(target: &str) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let cut = Arc::new(AtomicBool::new(false));
        let connections: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let (target, is_cut, live) = (target.to_string(), cut.clone(), connections.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if is_cut.load(Ordering::SeqCst) {
                    continue; // dropped: the client sees its connection closed
                }
                let target = target.clone();
                let forward = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                live.lock().push(forward);
            }
        });
        Proxy { addr, cut, connections }
    }

    pub fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for connection in self.connections.lock().drain(..) {
            connection.abort();
        }
    }

    pub fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

/// One chatpulse process.
pub struct Instance {
    pub name: &'static str,
    pub base: String,
    env: Vec<(String, String)>,
    child: Option<Child>,
    pub client: reqwest::Client,
}

impl Instance {
    /// Starts `name` with the test credentials and `env`, and waits until it is healthy.
    pub async fn start(name: &'static str, env: &[(&str, String)]) -> Instance {
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            probe.local_addr().unwrap().port()
        };
        let mut all: Vec<(String, String)> = vec![
            ("LEPTOS_SITE_ADDR".into(), format!("127.0.0.1:{port}")),
            ("LEPTOS_OUTPUT_NAME".into(), "chatpulse".into()),
            ("LEPTOS_SITE_ROOT".into(), "target/site".into()),
            ("CHATPULSE_ADMIN_PASSWORD".into(), ADMIN_PASSWORD.into()),
            ("CHATPULSE_INGEST_KEY".into(), INGEST_KEY.into()),
            ("CHATPULSE_READ_KEY".into(), READ_KEY.into()),
            ("RUST_LOG".into(), "info,sqlx=warn,socketioxide=warn,engineioxide=warn".into()),
            // Only the checkpoint tests keep one (they set their own path).
            ("CHATPULSE_CHECKPOINT".into(), "off".into()),
        ];
        all.extend(env.iter().map(|(k, v)| (k.to_string(), v.clone())));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        let mut instance = Instance { name, base: format!("http://127.0.0.1:{port}"), env: all, child: None, client };
        instance.spawn().await;
        instance
    }

    async fn spawn(&mut self) {
        let log_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/cluster-logs");
        std::fs::create_dir_all(&log_dir).unwrap();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log_dir.join(format!("{}-{}.log", self.name, std::process::id())))
            .unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_chatpulse"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("CHATPULSE_DATABASE_CONNECTIONS", super::TEST_DATABASE_CONNECTIONS.to_string())
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .expect("the chatpulse binary starts");
        self.child = Some(child);
        if !super::process::until_healthy(&self.client, &self.base, Duration::from_secs(30)).await {
            panic!("{} did not become healthy in 30 s (see target/cluster-logs)", self.name);
        }
    }

    /// `kill -9`: no shutdown, no goodbye.
    pub async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().await.unwrap();
        }
    }

    pub async fn restart(&mut self) {
        self.kill().await;
        self.spawn().await;
    }

    pub async fn health(&self) -> (u16, serde_json::Value) {
        let response = self.client.get(format!("{}/healthz", self.base)).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or_default())
    }

    pub async fn stats(&self) -> serde_json::Value {
        let response = self.client.get(format!("{}/api/stats", self.base)).bearer_auth(READ_KEY).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{}", self.name);
        response.json().await.unwrap()
    }

    /// Posts a batch; the status, or `None` when the process did not answer.
    pub async fn ingest(&self, batch: &serde_json::Value) -> Option<(u16, Option<String>)> {
        let response = self
            .client
            .post(format!("{}/api/ingest/events", self.base))
            .bearer_auth(INGEST_KEY)
            .json(batch)
            .send()
            .await
            .ok()?;
        let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_string);
        Some((response.status().as_u16(), retry_after))
    }
}

/// A batch of `users` fresh users with two messages each (so each forms a counted
/// session): `2 × users` messages once stored. Ids make retries idempotent.
pub fn batch(tag: &str, users: usize) -> serde_json::Value {
    let at = chrono::Utc::now().timestamp_millis() - 2 * 60_000;
    let events: Vec<_> = (0..users)
        .flat_map(|u| {
            (0..2).map(move |m| {
                let mut event = super::events::message(&format!("{tag}-{u}"), ["user", "bot"][m], at + m as i64 * 1000);
                event["id"] = format!("{tag}-{u}-{m}").into();
                event["channel"] = (if u % 2 == 0 { "web" } else { "premium" }).into();
                event
            })
        })
        .collect();
    serde_json::Value::Array(events)
}
