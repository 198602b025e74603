//! Following a SQL table: the backfill of a 1 M-row source table into SQLite and
//! PostgreSQL (rows/s, beside HTTP ingest of the same kind of events in the same run), and
//! the follow lag — a row's commit in the source table to `stats_update` at a dashboard
//! socket — by polling, by `NOTIFY`, and by a widget server's `new_message` nudge, with a
//! quiet spell before each row. The seed's way for comparison: a fixed 800 ms wait after
//! the signal, then reads through a 5 s cache.

use std::io::{BufRead, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use sqlx::{Executor, PgPool};
use tokio::sync::mpsc;

use super::ingest::send_all;
use super::load::Traffic;
use super::percentiles;
use super::server::{postgres_url, sqlite_url, Server, READ_KEY};
use super::sio::watch_dashboard;

const TABLE: &str = "create table src (seq bigserial primary key, id text, type text, channel text, user_id text, \
                     user_name text, sender text, human_mode boolean, country text, city text, at timestamptz)";
const QUERY: &str = "select id, type, channel, user_id, user_name, sender, human_mode, country, city, at, \
                     seq as cursor from src where seq > coalesce(nullif($1, '')::bigint, 0) order by seq limit 5000";
const NOTIFY: &str = "create function wake() returns trigger language plpgsql as $$ \
                      begin perform pg_notify('src_rows', ''); return null; end $$; \
                      create trigger wake after insert on src for each statement execute function wake()";

async fn source_table(name: &str, rows: usize, traffic: &mut Traffic) -> (String, PgPool) {
    let url = postgres_url(name).await;
    let pool = PgPool::connect(&url).await.unwrap();
    pool.execute(TABLE).await.unwrap();
    pool.execute(NOTIFY).await.unwrap();
    let mut left = rows;
    while left > 0 {
        let batch = traffic.batch(left.min(20_000));
        left -= batch.len();
        sqlx::query(
            "insert into src (id, type, channel, user_id, user_name, sender, human_mode, country, city, at) \
                     select id, type, channel, user_id, user_name, sender, human_mode, country, city, at \
                     from json_populate_recordset(null::src, $1::json)",
        )
        .bind(Value::Array(batch).to_string())
        .execute(&pool)
        .await
        .unwrap();
    }
    (url, pool)
}

fn source_env(url: &str, notify: bool) -> Vec<(&'static str, String)> {
    let mut env =
        vec![("CHATPULSE_SQL_SOURCE_URL", url.to_string()), ("CHATPULSE_SQL_SOURCE_QUERY", QUERY.to_string())];
    if notify {
        env.push(("CHATPULSE_SQL_SOURCE_NOTIFY", "src_rows".to_string()));
    }
    env
}

/// Waits until the server's SQL source is following; how long it took from `since`.
async fn until_following(server: &Server, since: Instant) -> Duration {
    let client = reqwest::Client::new();
    loop {
        let health: Value = client.get(format!("{}/healthz", server.base)).send().await.unwrap().json().await.unwrap();
        // By name: with widget servers configured, `socketio:web` is listed before `sql`.
        let sql = health["sources"].as_array().and_then(|all| all.iter().find(|s| s["name"] == "sql"));
        if sql.is_some_and(|sql| sql["state"] == "following") {
            return since.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn run(rows: usize, samples: usize) {
    let mut traffic = Traffic::new(31, chrono::Utc::now().timestamp_millis(), 400);
    let started = Instant::now();
    let (source_url, _pool) = source_table("bench_source", rows, &mut traffic).await;
    println!("sources: a {rows}-row source table written in {:.1} s", started.elapsed().as_secs_f64());
    for (backend, url) in
        [("SQLite", sqlite_url("bench-backfill")), ("PostgreSQL", postgres_url("bench_backfill").await)]
    {
        let started = Instant::now();
        let server = Server::start_with(&url, &source_env(&source_url, false)).await;
        let took = until_following(&server, started).await.as_secs_f64();
        let read = server.metric(&reqwest::Client::new(), "chatpulse_source_read_total{source=\"sql\"}").await;
        assert_eq!(read as usize, rows, "every row was read");
        println!(
            "  backfill into {backend:<10}: {:.0} rows/s ({rows} rows, {took:.1} s from the start of the process)",
            rows as f64 / took
        );
    }
    let baseline = Server::start(&sqlite_url("bench-backfill-http")).await;
    let sample = rows.min(200_000);
    let bodies: Vec<Value> = traffic.batch(sample).chunks(1000).map(|chunk| Value::Array(chunk.to_vec())).collect();
    let started = Instant::now();
    send_all(&baseline.base, bodies, 4).await;
    println!(
        "  baseline: HTTP ingest into SQLite, {sample} events in batches of 1,000 from 4 clients: {:.0} events/s",
        sample as f64 / started.elapsed().as_secs_f64()
    );
    drop(baseline);

    println!("follow lag, source row committed -> stats_update at a dashboard socket, {samples} rows, 0.3-1.2 s quiet before each:");
    for mode in [Mode::Polling, Mode::Notify, Mode::Nudge] {
        follow_lag(mode, samples, &mut traffic).await;
    }
    println!("  the seed's way: >= 800 ms (a fixed wait after the signal), then up to 5 s more through its cache");
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    /// No `NOTIFY`, no widget server: the one-second poll.
    Polling,
    /// The source table's trigger notifies at each commit.
    Notify,
    /// The widget server announces `new_message` up to 300 ms before the row commits.
    Nudge,
}

async fn follow_lag(mode: Mode, samples: usize, traffic: &mut Traffic) {
    let (source_url, pool) = source_table("bench_follow", 1000, traffic).await;
    let mut env = source_env(&source_url, mode == Mode::Notify);
    let widget = (mode == Mode::Nudge).then(WidgetServer::start);
    if let Some(widget) = &widget {
        env.push(("CHATPULSE_SOCKETIO_SOURCES", format!("web=http://127.0.0.1:{}/stats", widget.port)));
    }
    let server = Server::start_with(&sqlite_url("bench-follow"), &env).await;
    until_following(&server, Instant::now()).await;
    let (tx, mut updates) = mpsc::unbounded_channel();
    watch_dashboard(server.port, READ_KEY, tx).await;
    let mut widget = widget;
    if let Some(widget) = &mut widget {
        widget.wait_for("connected 1");
    }
    let mut lags = Vec::with_capacity(samples);
    for i in 0..samples {
        let quiet = 300 + (i * 7919 % 900) as u64;
        tokio::time::sleep(Duration::from_millis(quiet)).await;
        while updates.try_recv().is_ok() {}
        if let Some(widget) = &mut widget {
            widget.announce(&format!("lag-{i}"));
            tokio::time::sleep(Duration::from_millis((i * 104_729 % 300) as u64)).await;
        }
        let committed = Instant::now();
        let at = chrono::Utc::now().to_rfc3339();
        sqlx::query("insert into src (id, type, channel, user_id, sender, at) values ($1, 'message', 'web', $2, 'user', $3::timestamptz)")
            .bind(format!("lag-{i}"))
            .bind(format!("lag-{i}"))
            .bind(at)
            .execute(&pool)
            .await
            .unwrap();
        let arrived = tokio::time::timeout(Duration::from_secs(5), updates.recv()).await.expect("an update").unwrap();
        lags.push((arrived.max(committed) - committed).as_secs_f64() * 1000.0);
    }
    let (p50, p99, max) = percentiles(lags);
    let goal = if mode == Mode::Polling { "p99 <= 1200 ms" } else { "p99 <= 150 ms" };
    println!("  {mode:?}: p50 {p50:.0} ms, p99 {p99:.0} ms, max {max:.0} ms (goal {goal})");
}

/// The widget server of the tests (`tests/js/lib/widget-server.mjs`), driven from here.
struct WidgetServer {
    child: Child,
    port: u16,
    output: std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
}

impl WidgetServer {
    fn start() -> WidgetServer {
        let mut child = Command::new("node")
            .args(["tests/js/lib/widget-server.mjs", "0"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("node runs the widget server");
        let mut output = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let listening = output.next().unwrap().unwrap();
        let port = listening.strip_prefix("listening ").unwrap().parse().unwrap();
        WidgetServer { child, port, output }
    }

    fn wait_for(&mut self, line: &str) {
        for next in self.output.by_ref() {
            if next.unwrap() == line {
                return;
            }
        }
        panic!("the widget server ended before {line:?}");
    }

    fn announce(&mut self, user: &str) {
        let payload = json!({"type": "new_message", "userId": user, "timestamp": chrono::Utc::now().to_rfc3339(),
                             "sender": "user"});
        let line = json!({"emit": "stats_update", "payload": payload}).to_string() + "\n";
        self.child.stdin.as_mut().unwrap().write_all(line.as_bytes()).unwrap();
    }
}

impl Drop for WidgetServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
