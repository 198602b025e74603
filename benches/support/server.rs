//! A chatpulse server in a child process on a free port, killed when dropped.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const INGEST_KEY: &str = "bench-ingest-key-0123456789";
pub const READ_KEY: &str = "bench-read-key-0123456789";

/// In the child: runs the real server and returns true.
pub fn serve_if_asked() -> bool {
    if std::env::var("CHATPULSE_BENCH_SERVE").as_deref() != Ok("1") {
        return false;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let config = chatpulse::server::config::Config::from_env().expect("the bench's configuration is well formed");
    runtime.block_on(chatpulse::server::startup::run(config));
    true
}

pub struct Server {
    child: Child,
    pub base: String,
    pub port: u16,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Server {
    pub async fn start(database_url: &str) -> Server {
        Server::start_with(database_url, &[]).await
    }

    /// With more environment (`CHATPULSE_REDIS_URL` …).
    pub async fn start_with(database_url: &str, env: &[(&str, String)]) -> Server {
        Server::start_program(None, database_url, env).await
    }

    /// This build, or with `program` another build's `chatpulse` binary (a peer measured
    /// in the same run): it reads the same environment and ignores `CHATPULSE_BENCH_SERVE`.
    pub async fn start_program(
        program: Option<&std::path::Path>,
        database_url: &str,
        env: &[(&str, String)],
    ) -> Server {
        let port = free_port();
        let program = program.map(std::path::Path::to_path_buf).unwrap_or_else(|| std::env::current_exe().unwrap());
        let child = Command::new(program)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .env("CHATPULSE_BENCH_SERVE", "1")
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_OUTPUT_NAME", "chatpulse")
            .env("LEPTOS_SITE_ROOT", "target/site")
            .env("CHATPULSE_DATABASE_URL", database_url)
            .env("CHATPULSE_INGEST_KEY", INGEST_KEY)
            .env("CHATPULSE_READ_KEY", READ_KEY)
            .env("CHATPULSE_ADMIN_PASSWORD", "bench-admin-password")
            .env("RUST_LOG", "warn")
            // The benches are the load: no rate limit or socket cap in their way.
            .env("CHATPULSE_KEY_EVENTS_PER_SECOND", "0")
            .env("CHATPULSE_ADDRESS_REQUESTS_PER_SECOND", "0")
            .env("CHATPULSE_ADDRESS_READS_PER_SECOND", "0")
            .env("CHATPULSE_SOCKETS_PER_ADDRESS", "0")
            .stdout(Stdio::null())
            .spawn()
            .expect("the bench binary re-runs itself as the server");
        let server = Server { child, base: format!("http://127.0.0.1:{port}"), port };
        if !super::process::until_healthy(&reqwest::Client::new(), &server.base, Duration::from_secs(600)).await {
            panic!("the server did not become healthy");
        }
        server
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// One sample of the server's `/metrics`, by its whole series name (NaN if absent).
    pub async fn metric(&self, client: &reqwest::Client, series: &str) -> f64 {
        let url = format!("{}/metrics", self.base);
        let text = client.get(url).bearer_auth(READ_KEY).send().await.unwrap().text().await.unwrap();
        text.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok()).unwrap_or(f64::NAN)
    }

    /// `GET /api/stats?<query>` with the read key, as JSON.
    pub async fn stats(&self, client: &reqwest::Client, query: &str) -> serde_json::Value {
        let url = format!("{}/api/stats?{query}", self.base);
        client.get(url).bearer_auth(READ_KEY).send().await.unwrap().json().await.unwrap()
    }

    /// CPU time the server process has used (user + system), in seconds.
    pub fn cpu_seconds(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap();
        // Fields after the command name (in parentheses): utime and stime are 14 and 15.
        let fields: Vec<&str> = stat.rsplit_once(')').unwrap().1.split_whitespace().collect();
        let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
        ticks / 100.0
    }

    /// Resident memory of the server process, in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn sqlite_url(name: &str) -> String {
    let dir = std::env::temp_dir().join("chatpulse-bench");
    std::fs::create_dir_all(&dir).unwrap();
    for suffix in ["", "-wal", "-shm", ".checkpoint"] {
        let _ = std::fs::remove_file(dir.join(format!("{name}.db{suffix}")));
    }
    format!("sqlite://{}/{name}.db", dir.display())
}

/// The URL of SQLite database `name` as an earlier run left it.
pub fn existing_sqlite_url(name: &str) -> String {
    let file = std::env::temp_dir().join("chatpulse-bench").join(format!("{name}.db"));
    // Without it the server would start on an empty database and the bench time nothing.
    assert!(file.exists(), "{} is not there: run once without --preloaded to load it", file.display());
    format!("sqlite://{}", file.display())
}

fn pg_admin_url() -> String {
    std::env::var("CHATPULSE_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// The URL of database `name` as an earlier run left it.
pub fn existing_postgres_url(name: &str) -> String {
    format!("{}/{name}", pg_admin_url().rsplit_once('/').unwrap().0)
}

pub async fn postgres_url(name: &str) -> String {
    use sqlx::Executor;
    let admin = pg_admin_url();
    let pool = sqlx::PgPool::connect(&admin).await.expect("PostgreSQL for the bench");
    pool.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await.unwrap();
    pool.execute(format!("CREATE DATABASE {name}").as_str()).await.unwrap();
    pool.close().await;
    format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
}
