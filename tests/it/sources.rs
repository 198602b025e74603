//! chatpulse following the places a chat-widget business already keeps its events: an
//! N8N-shaped PostgreSQL table (backfill, then live) and widget servers' Socket.IO
//! `/stats` namespaces (a real npm `socket.io` server). The figures must equal those of
//! the same events ingested directly; `kill -9`, a restarted widget server and a cut
//! source database must neither lose nor double a row.

use crate::common;

use std::process::Stdio;
use std::time::Duration;

use chatpulse::model::SourceState;
use chatpulse::server::config::{Config, Secret, SqlSourceConfig, WidgetSourceConfig};
use chatpulse::server::domain::event::Channel;
use common::cluster::{Instance, Proxy};
use common::{eventually, fresh_database, spawn_app_with, test_config, Backend, TestApp};
use serde_json::{json, Value};
use sqlx::{Executor, PgPool};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};

/// The recipe of `docs/sources.md` for N8N's table, paged by `limit`.
fn n8n_query(limit: u32) -> String {
    format!(
        "select id, 'message' as type, 'web' as channel, session_id as user_id, \
         case message->>'type' when 'human' then 'user' when 'ai' then 'bot' end as sender, \
         created_at as at, id as cursor \
         from n8n_chat_histories where id > coalesce(nullif($1, '')::bigint, 0) order by id limit {limit}"
    )
}

/// A fresh PostgreSQL database holding N8N's chat memory table (with the recipe's
/// `created_at` and wake-up trigger); its URL and a pool.
async fn n8n_table() -> (String, PgPool) {
    let url = fresh_database(Backend::Postgres).await;
    let pool = PgPool::connect(&url).await.unwrap();
    pool.execute(
        "create table n8n_chat_histories (id serial primary key, session_id varchar(255) not null, message jsonb not null);
         alter table n8n_chat_histories add column created_at timestamptz not null default now();
         create function chatpulse_wake() returns trigger language plpgsql as $$
         begin perform pg_notify('chatpulse_rows', ''); return null; end $$;
         create trigger chatpulse_wake after insert on n8n_chat_histories
           for each statement execute function chatpulse_wake();",
    )
    .await
    .unwrap();
    (url, pool)
}

/// One chat turn as N8N stores it, `minutes_ago` before now.
struct Turn {
    session: String,
    kind: &'static str,
    minutes_ago: i64,
}

/// Conversations of `sessions` visitors, three turns each, plus one tool-call row that
/// the recipe cannot map (it has no sender).
fn conversations(tag: &str, sessions: usize) -> Vec<Turn> {
    let mut turns = Vec::new();
    for s in 0..sessions {
        for (i, kind) in ["human", "ai", "human"].into_iter().enumerate() {
            // All within the last day, whatever the count.
            let minutes_ago = 1430 - (s as i64 % 200) * 7 - i as i64;
            turns.push(Turn { session: format!("{tag}-{s}"), kind, minutes_ago });
        }
    }
    turns.push(Turn { session: format!("{tag}-0"), kind: "tool", minutes_ago: 5 });
    turns
}

async fn write_turns(pool: &PgPool, turns: &[Turn]) {
    for chunk in turns.chunks(1000) {
        let mut query = sqlx::QueryBuilder::new("insert into n8n_chat_histories (session_id, message, created_at) ");
        query.push_values(chunk, |mut row, turn| {
            row.push_bind(turn.session.clone())
                .push_bind(json!({"type": turn.kind, "data": {"content": "hello"}}).to_string())
                .push_unseparated("::jsonb")
                .push("now() - make_interval(mins => ")
                .push_bind_unseparated(turn.minutes_ago as i32)
                .push_unseparated(")");
        });
        query.build().execute(pool).await.unwrap();
    }
}

fn sql_source(url: &str, query: String, notify: bool) -> SqlSourceConfig {
    SqlSourceConfig { url: Secret::new(url), query, notify: notify.then(|| "chatpulse_rows".to_string()) }
}

/// The figures of the last day, `version` and `generated_at` aside.
async fn figures(app: &TestApp, range: &str) -> Value {
    let mut stats = app.stats(range).await;
    let object = stats.as_object_mut().unwrap();
    object.remove("version");
    object.remove("generated_at");
    stats
}

fn day_range() -> String {
    let now = chrono::Utc::now();
    let from = (now - chrono::Duration::days(1)).format("%Y-%m-%dT%H:%M:%SZ");
    let to = (now + chrono::Duration::hours(1)).format("%Y-%m-%dT%H:%M:%SZ");
    format!("from={from}&to={to}")
}

fn messages(stats: &Value) -> i64 {
    stats["totals"]["messages"].as_i64().unwrap()
}

fn source_state(app: &TestApp, name: &str) -> Option<chatpulse::model::SourceStatus> {
    app.state.sources.snapshot().into_iter().find(|s| s.name == name)
}

#[tokio::test]
async fn an_n8n_table_is_backfilled_then_followed_with_the_figures_of_direct_ingest() {
    let (source_url, pool) = n8n_table().await;
    let turns = conversations("n8n", 40);
    write_turns(&pool, &turns).await;

    let url = fresh_database(Backend::Sqlite).await;
    // Pages of 7 rows: the backfill takes many pages, and one page ends mid-conversation.
    let config = Config { sql_source: Some(sql_source(&source_url, n8n_query(7), true)), ..test_config(&url) };
    let follower = spawn_app_with(config).await;
    assert!(
        eventually(20, || async { source_state(&follower, "sql").is_some_and(|s| s.state == SourceState::Following) })
            .await,
        "the backfill finishes: {:?}",
        source_state(&follower, "sql")
    );

    // The same conversations sent to the ingest API of another instance.
    let direct = spawn_app_with(test_config(&fresh_database(Backend::Sqlite).await)).await;
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "select session_id, message->>'type', to_json(created_at)#>>'{}' from n8n_chat_histories order by id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let events: Vec<Value> = rows
        .into_iter()
        .filter_map(|(session, kind, at)| {
            let sender = match kind.as_str() {
                "human" => "user",
                "ai" => "bot",
                _ => return None,
            };
            Some(json!({"type": "message", "channel": "web", "user_id": session, "sender": sender, "at": at}))
        })
        .collect();
    let (status, _) = direct.ingest(&Value::Array(events)).await;
    assert_eq!(status, 202);
    let range = day_range();
    let followed = figures(&follower, &range).await;
    assert_eq!(messages(&followed), 120);
    assert_eq!(followed, figures(&direct, &range).await, "the followed table gives the figures of direct ingest");

    // The tool-call row is refused with its reason, kept by the cursor, and counted.
    let status = source_state(&follower, "sql").unwrap();
    assert_eq!((status.read, status.refused), (121, 1));
    assert!(status.refusals[0].reason.contains("sender: is required"), "{:?}", status.refusals);
    let position = follower.state.db.source_position("sql").await.unwrap().unwrap();
    assert_eq!((position.rows_read, position.refused), (121, 1));
    let (_, health) = follower.get_json("/healthz", None).await;
    assert_eq!(health["status"], "ok");
    assert_eq!(health["sources"][0], json!({"name": "sql", "state": "following", "detail": null}));

    // New rows are followed: the trigger's NOTIFY wakes the follower.
    write_turns(&pool, &[Turn { session: "late".into(), kind: "human", minutes_ago: 1 }]).await;
    write_turns(&pool, &[Turn { session: "late".into(), kind: "ai", minutes_ago: 0 }]).await;
    assert!(eventually(10, || async { messages(&follower.stats(&range).await) == 122 }).await);
}

#[tokio::test]
async fn a_row_without_a_time_is_refused_not_stamped_with_the_time_it_was_read() {
    let (source_url, pool) = n8n_table().await;
    pool.execute("alter table n8n_chat_histories alter column created_at drop not null").await.unwrap();
    write_turns(&pool, &conversations("t", 1)).await;
    pool.execute("update n8n_chat_histories set created_at = null where id = 2").await.unwrap();
    let url = fresh_database(Backend::Sqlite).await;
    let config = Config { sql_source: Some(sql_source(&source_url, n8n_query(100), false)), ..test_config(&url) };
    let app = spawn_app_with(config).await;
    assert!(
        eventually(20, || async { source_state(&app, "sql").is_some_and(|s| s.state == SourceState::Following) }).await
    );
    let status = source_state(&app, "sql").unwrap();
    let reasons: Vec<(&str, u64, &str)> =
        status.refusals.iter().map(|r| (r.reason.as_str(), r.count, r.last.as_str())).collect();
    assert_eq!(status.refused, 2, "{reasons:?}");
    assert!(
        reasons.iter().any(|(reason, _, last)| reason.starts_with("at: is required") && *last == "2"),
        "{reasons:?}"
    );
    assert_eq!(messages(&app.stats(&day_range()).await), 2);
}

#[tokio::test]
async fn a_query_that_is_wrong_as_a_whole_is_named_in_health() {
    let (source_url, _pool) = n8n_table().await;
    write_turns(&_pool, &conversations("q", 1)).await;
    let url = fresh_database(Backend::Sqlite).await;
    let no_cursor = n8n_query(10).replace(", id as cursor", "");
    let app =
        spawn_app_with(Config { sql_source: Some(sql_source(&source_url, no_cursor, false)), ..test_config(&url) })
            .await;
    assert!(
        eventually(10, || async {
            let (_, health) = app.get_json("/healthz", None).await;
            health["status"] == "degraded"
                && health["sources"][0]["state"] == "down"
                && health["sources"][0]["detail"].as_str().unwrap_or_default().contains("column `cursor`")
        })
        .await
    );
    assert_eq!(messages(&app.stats(&day_range()).await), 0, "nothing of a wrong query is stored");
}

/// Messages of the last day on a chatpulse process.
async fn instance_messages(instance: &Instance, range: &str) -> i64 {
    let url = format!("{}/api/stats?{range}", instance.base);
    let response = instance.client.get(url).bearer_auth(common::READ_KEY).send().await.unwrap();
    messages(&response.json::<Value>().await.unwrap())
}

async fn instance_source_state(instance: &Instance) -> Value {
    instance.health().await.1["sources"][0]["state"].clone()
}

/// Two instances on one database: one follows the table, the other stands by, and takes
/// over when the first dies; every row still counts once.
#[tokio::test]
async fn of_two_instances_one_follows_and_the_other_takes_over_when_it_dies() {
    let (source_url, pool) = n8n_table().await;
    write_turns(&pool, &conversations("two", 50)).await;
    let env = [
        ("CHATPULSE_DATABASE_URL", fresh_database(Backend::Postgres).await),
        ("CHATPULSE_SQL_SOURCE_URL", source_url),
        ("CHATPULSE_SQL_SOURCE_QUERY", n8n_query(20)),
        ("CHATPULSE_SQL_SOURCE_NOTIFY", "chatpulse_rows".to_string()),
    ];
    let mut first = Instance::start("follower-first", &env).await;
    assert!(eventually(20, || async { instance_source_state(&first).await == "following" }).await);
    let second = Instance::start("follower-second", &env).await;
    assert!(eventually(10, || async { instance_source_state(&second).await == "standby" }).await);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(instance_source_state(&second).await, "standby", "only one instance follows");

    first.kill().await;
    write_turns(&pool, &conversations("after", 10)).await;
    let range = day_range();
    assert!(
        eventually(30, || async {
            instance_source_state(&second).await == "following" && instance_messages(&second, &range).await == 180
        })
        .await,
        "the second instance takes over: {} messages",
        instance_messages(&second, &range).await
    );
}

/// `kill -9` during the backfill and again while following: every row counts once. The
/// query gives no `id`, so only the cursor stored with the events keeps rows from
/// counting twice.
#[tokio::test]
async fn kill_9_during_the_backfill_and_while_following_loses_and_doubles_nothing() {
    let (source_url, pool) = n8n_table().await;
    write_turns(&pool, &conversations("k", 4000)).await; // 12,001 rows
    let without_ids = n8n_query(50).replacen("select id, ", "select ", 1);
    let database_url = fresh_database(Backend::Postgres).await;
    let env = [
        ("CHATPULSE_DATABASE_URL", database_url),
        ("CHATPULSE_SQL_SOURCE_URL", source_url.clone()),
        ("CHATPULSE_SQL_SOURCE_QUERY", without_ids),
        ("CHATPULSE_SQL_SOURCE_NOTIFY", "chatpulse_rows".to_string()),
    ];
    let mut instance = Instance::start("sql-follower", &env).await;
    let chatpulse_db = PgPool::connect(&env[0].1).await.unwrap();
    let stored_cursor = || async {
        sqlx::query_scalar::<_, String>("select cursor from source_cursors where source = 'sql'")
            .fetch_optional(&chatpulse_db)
            .await
            .unwrap()
            .map(|cursor| cursor.parse::<i64>().unwrap())
    };
    let backfilling = eventually(20, || async { stored_cursor().await.is_some() }).await;
    assert!(backfilling, "the backfill is under way");
    instance.kill().await;
    let cursor = stored_cursor().await.unwrap();
    assert!(cursor < 12_001, "killed mid-backfill, at cursor {cursor}");
    instance.restart().await;

    let following = || async {
        let (_, health) = instance.health().await;
        health["sources"][0]["state"] == "following"
    };
    assert!(eventually(60, following).await, "the backfill resumes and finishes");
    let range = day_range();
    assert_eq!(instance_messages(&instance, &range).await, 12_000);

    // Rows keep landing while the follower is killed again.
    let writer = {
        let pool = pool.clone();
        tokio::spawn(async move {
            for i in 0..50 {
                write_turns(&pool, &[Turn { session: format!("live-{i}"), kind: "human", minutes_ago: 1 }]).await;
                write_turns(&pool, &[Turn { session: format!("live-{i}"), kind: "ai", minutes_ago: 0 }]).await;
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    instance.kill().await;
    writer.await.unwrap();
    instance.restart().await;
    assert!(
        eventually(30, || async { instance_messages(&instance, &range).await >= 12_100 }).await,
        "the rows written while the follower was down are read after the restart"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(instance_messages(&instance, &range).await, 12_100, "every row counts exactly once");
}

/// A TCP proxy to the source database, and the source URL through it (to cut it).
async fn through_proxy(source_url: &str) -> (Proxy, String) {
    let (credentials, rest) = source_url.split_once('@').unwrap();
    let (host, database) = rest.split_once('/').unwrap();
    let proxy = Proxy::start(host).await;
    let proxied = format!("{credentials}@{}/{database}", proxy.addr);
    (proxy, proxied)
}

#[tokio::test]
async fn a_cut_source_database_is_named_in_health_and_caught_up_after() {
    let (source_url, pool) = n8n_table().await;
    write_turns(&pool, &conversations("c", 2)).await;
    let (proxy, proxied) = through_proxy(&source_url).await;
    let url = fresh_database(Backend::Sqlite).await;
    let app =
        spawn_app_with(Config { sql_source: Some(sql_source(&proxied, n8n_query(50), false)), ..test_config(&url) })
            .await;
    let range = day_range();
    assert!(eventually(20, || async { messages(&app.stats(&range).await) == 6 }).await);

    proxy.cut();
    write_turns(&pool, &conversations("during", 3)).await;
    let named = eventually(20, || async {
        let (_, health) = app.get_json("/healthz", None).await;
        health["status"] == "degraded" && health["sources"][0]["state"] == "down"
    })
    .await;
    assert!(named, "health names the source while it is cut: {:?}", source_state(&app, "sql"));
    proxy.restore();
    assert!(eventually(40, || async { messages(&app.stats(&range).await) == 15 }).await, "caught up after");
    let (_, health) = app.get_json("/healthz", None).await;
    assert_eq!(health["status"], "ok");
}

/// An npm `socket.io` server with a `/stats` namespace, driven line by line.
struct WidgetServer {
    port: u16,
    child: Child,
    stdin: ChildStdin,
    output: tokio::sync::mpsc::UnboundedReceiver<String>,
}

impl WidgetServer {
    async fn start(port: u16) -> WidgetServer {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/js/lib/widget-server.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .arg(port.to_string())
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs the widget server");
        let stdin = child.stdin.take().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let (tx, mut output) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                let _ = tx.send(line);
            }
        });
        // Generous: on a loaded 2-core CI machine a cold `node` importing socket.io once
        // took more than 10 s to listen. The wait costs nothing when it is quick.
        let listening = tokio::time::timeout(Duration::from_secs(60), output.recv())
            .await
            .expect("the widget server listens within 60 s")
            .expect("the widget server runs until it listens");
        let port = listening.strip_prefix("listening ").expect("the server listens").parse().unwrap();
        WidgetServer { port, child, stdin, output }
    }

    /// Waits until the server reports `line`.
    async fn reports(&mut self, line: &str) {
        let wait = async {
            while let Some(next) = self.output.recv().await {
                if next == line {
                    return;
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(20), wait).await.unwrap_or_else(|_| panic!("no {line:?}"));
    }

    async fn emit(&mut self, event: &str, payload: Value) {
        let line = json!({"emit": event, "payload": payload}).to_string() + "\n";
        self.stdin.write_all(line.as_bytes()).await.unwrap();
    }

    async fn stop(mut self) -> u16 {
        self.child.kill().await.unwrap();
        self.port
    }
}

fn widget(channel: Channel, port: u16) -> WidgetSourceConfig {
    WidgetSourceConfig { channel, server: format!("http://127.0.0.1:{port}"), namespace: "/stats".into() }
}

fn recent(seconds_ago: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::seconds(seconds_ago)).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[tokio::test]
async fn widget_server_announcements_become_events_once_across_reconnects() {
    let mut web = WidgetServer::start(0).await;
    let mut premium = WidgetServer::start(0).await;
    let url = fresh_database(Backend::Sqlite).await;
    let config = Config {
        widget_sources: vec![widget(Channel::Web, web.port), widget(Channel::Premium, premium.port)],
        ..test_config(&url)
    };
    let app = spawn_app_with(config).await;
    web.reports("connected 1").await;
    premium.reports("connected 1").await;

    let times: Vec<String> = [30, 29, 28, 27, 20].into_iter().map(recent).collect();
    let opened = json!({"userId": "v1", "timestamp": times[0]});
    web.emit("widget_opened", opened.clone()).await;
    web.emit("stats_update", json!({"type": "user_online", "userId": "v1", "timestamp": times[1]})).await;
    web.emit("stats_update", json!({"type": "new_message", "userId": "v1", "timestamp": times[2], "sender": "user"}))
        .await;
    web.emit("stats_update", json!({"type": "new_message", "userId": "v1", "timestamp": times[3], "sender": "bot"}))
        .await;
    web.emit("stats_update", json!({"type": "typing", "userId": "v1", "timestamp": times[3]})).await;
    premium.emit("widget_opened", json!({"userId": 7, "timestamp": times[4]})).await;
    let range = day_range();
    let settled = eventually(10, || async {
        let stats = app.stats(&range).await;
        stats["totals"]["widget_opens"] == 2 && messages(&stats) == 2 && stats["totals"]["online_users"] == 1
    })
    .await;
    assert!(settled, "{}", app.stats(&range).await["totals"]);
    let offline_at = recent(0);
    web.emit("stats_update", json!({"type": "user_offline", "userId": "v1", "timestamp": offline_at})).await;
    assert!(eventually(10, || async { app.stats(&range).await["totals"]["online_users"] == 0 }).await);
    let web_status = source_state(&app, "socketio:web").unwrap();
    assert_eq!((web_status.state, web_status.read, web_status.refused), (SourceState::Connected, 6, 1));
    assert!(web_status.refusals[0].reason.contains("\"typing\""), "{:?}", web_status.refusals);

    // The widget server restarts: health names the source while it is away; chatpulse
    // reconnects, and an announcement heard again counts once.
    let port = web.stop().await;
    assert!(
        eventually(10, || async {
            let (_, health) = app.get_json("/healthz", None).await;
            health["status"] == "degraded"
                && health["sources"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|s| s["name"] == "socketio:web" && s["state"] == "down")
        })
        .await
    );
    let mut web = WidgetServer::start(port).await;
    web.reports("connected 1").await;
    assert!(
        eventually(5, || async { source_state(&app, "socketio:web").unwrap().state == SourceState::Connected }).await
    );
    web.emit("widget_opened", opened).await;
    let second_open_at = recent(1);
    web.emit("widget_opened", json!({"userId": "v2", "timestamp": second_open_at})).await;
    assert!(eventually(10, || async { app.stats(&range).await["totals"]["widget_opens"] == 3 }).await);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(app.stats(&range).await["totals"]["widget_opens"], 3, "the repeated announcement counted once");
    let (_, health) = app.get_json("/healthz", None).await;
    assert_eq!(health["status"], "ok");

    // The same events sent to the ingest API give the same figures.
    let direct = spawn_app_with(test_config(&fresh_database(Backend::Sqlite).await)).await;
    let web_event =
        |kind: &str, user: &str, at: &str| json!({"type": kind, "channel": "web", "user_id": user, "at": at});
    let mut events = vec![web_event("widget_opened", "v1", &times[0]), web_event("user_online", "v1", &times[1])];
    for (sender, at) in [("user", &times[2]), ("bot", &times[3])] {
        let mut message = web_event("message", "v1", at);
        message["sender"] = json!(sender);
        events.push(message);
    }
    events.push(json!({"type": "widget_opened", "channel": "premium", "user_id": "7", "at": times[4]}));
    events.push(web_event("user_offline", "v1", &offline_at));
    events.push(web_event("widget_opened", "v2", &second_open_at));
    assert_eq!(direct.ingest(&Value::Array(events)).await.0, 202);
    assert_eq!(figures(&app, &range).await, figures(&direct, &range).await);
}

/// With a SQL source, `new_message` is a nudge: the row is read from the table as soon as
/// it is committed (here a second after the announcement, beyond the first chases), and
/// the announcement itself adds nothing.
#[tokio::test]
async fn a_new_message_announcement_nudges_the_sql_follower_and_counts_nothing_itself() {
    let (source_url, pool) = n8n_table().await;
    let mut web = WidgetServer::start(0).await;
    let url = fresh_database(Backend::Sqlite).await;
    let config = Config {
        sql_source: Some(sql_source(&source_url, n8n_query(100), false)),
        widget_sources: vec![widget(Channel::Web, web.port)],
        ..test_config(&url)
    };
    let app = spawn_app_with(config).await;
    web.reports("connected 1").await;
    for (i, kind) in ["human", "ai"].into_iter().enumerate() {
        web.emit(
            "stats_update",
            json!({"type": "new_message", "userId": "n-1", "timestamp": recent(0), "sender": "user", "messageId": i}),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        write_turns(&pool, &[Turn { session: "n-1".into(), kind, minutes_ago: 0 }]).await;
    }
    let range = day_range();
    assert!(eventually(10, || async { messages(&app.stats(&range).await) == 2 }).await);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(messages(&app.stats(&range).await), 2, "the announcements themselves are not messages");
    let stored: i64 = sqlx::query_scalar("select count(*) from n8n_chat_histories").fetch_one(&pool).await.unwrap();
    assert_eq!(stored, 2);
}

/// A follower that lost the lead may still commit a page it read before: the stored
/// cursor moves only from where that page began, so the page is refused whole rather
/// than counted twice.
#[tokio::test]
async fn a_page_read_from_a_cursor_that_has_moved_on_is_refused_whole() {
    use chatpulse::server::db::SourceAdvance;
    use chatpulse::server::domain::event::parse_event;
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = common::spawn_app(backend).await;
        let db = &app.state.db;
        let event = |at: &str| {
            let value = json!({"type": "message", "channel": "web", "user_id": "v", "sender": "user", "at": at});
            parse_event(0, &value, None, chatpulse::server::domain::time::now_ms()).unwrap()
        };
        let page = |from: &str, to: &str| SourceAdvance {
            source: "sql".into(),
            from: from.into(),
            cursor: to.into(),
            rows: 1,
            refused: Vec::new(),
        };
        db.insert_events(&[event("2026-03-01T10:00:00Z")], &[page("", "1")], 0, true).await.unwrap();
        db.insert_events(&[event("2026-03-01T10:01:00Z")], &[page("1", "2")], 0, true).await.unwrap();
        // Read after "1" by an instance that has not seen "2" committed.
        let stale = db.insert_events(&[event("2026-03-01T10:01:00Z")], &[page("1", "2")], 0, true).await;
        assert!(
            matches!(stale, Err(chatpulse::server::db::DbError::SourceMoved(ref name)) if name == "sql"),
            "{backend:?}: {stale:?}"
        );
        let position = db.source_position("sql").await.unwrap().unwrap();
        assert_eq!((position.cursor.as_str(), position.rows_read), ("2", 2), "{backend:?}");
        assert_eq!(db.all_events().await.unwrap().len(), 2, "{backend:?}: the stale page stored nothing");
    }
}

/// The packets a dashboard socket receives within `for_ms`, or until one holds `until`.
async fn packets(ws: &mut common::sio::Ws, for_ms: u64, until: Option<&str>) -> Vec<String> {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_millis(for_ms);
    while let Ok(text) = tokio::time::timeout_at(deadline, common::sio::next_text(ws)).await {
        let done = until.is_some_and(|until| text.contains(until));
        seen.push(text);
        if done {
            break;
        }
    }
    seen
}

/// A dashboard open while a year of history is backfilled hears the figures grow
/// (`stats_update`), not each old message and session; new rows are signalled one by one.
#[tokio::test]
async fn a_backfill_updates_the_figures_without_a_signal_per_old_event() {
    let (source_url, pool) = n8n_table().await;
    write_turns(&pool, &conversations("old", 30)).await;
    let (proxy, proxied) = through_proxy(&source_url).await;
    proxy.cut(); // the follower cannot start before the dashboard is listening
    let url = fresh_database(Backend::Sqlite).await;
    let app =
        spawn_app_with(Config { sql_source: Some(sql_source(&proxied, n8n_query(10), true)), ..test_config(&url) })
            .await;
    let auth = format!(r#"{{"token":"{}"}}"#, common::READ_KEY);
    let mut dashboard = common::sio::connect(&app.base, "/dashboard", &auth, &[]).await.unwrap();

    proxy.restore();
    let range = day_range();
    assert!(eventually(30, || async { messages(&app.stats(&range).await) == 90 }).await, "the backfill lands");
    let during = packets(&mut dashboard, 500, None).await;
    assert!(during.iter().any(|p| p.contains("\"stats_update\"")), "the figures' growth is told: {during:?}");
    let per_event = ["\"new_message\"", "\"session_started\"", "\"human_takeover\""];
    assert!(
        !during.iter().any(|p| per_event.iter().any(|name| p.contains(name))),
        "no signal per backfilled event: {during:?}"
    );

    assert!(
        eventually(10, || async { source_state(&app, "sql").is_some_and(|s| s.state == SourceState::Following) }).await
    );
    write_turns(&pool, &[Turn { session: "new".into(), kind: "human", minutes_ago: 0 }]).await;
    let after = packets(&mut dashboard, 10_000, Some("\"new_message\"")).await;
    assert!(after.iter().any(|p| p.contains("\"new_message\"")), "a followed row is signalled: {after:?}");
}

/// The writer applies its own commit without reading it back: what `insert_events` says
/// it stored (seqs in the order given, duplicates left out) must be what a read gives.
#[tokio::test]
async fn a_commit_reports_its_events_exactly_as_a_read_back_gives_them() {
    use chatpulse::server::domain::event::parse_event;
    let now = chatpulse::server::domain::time::now_ms();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let app = common::spawn_app(backend).await;
        let db = &app.state.db;
        // 1,200 events: three INSERT chunks, with ids, without, and repeated ones.
        let events: Vec<_> = (0..1200)
            .map(|i| {
                let mut value = json!({"type": "message", "channel": if i % 3 == 0 { "premium" } else { "web" },
                                       "user_id": format!("v{}", i % 97), "sender": "user",
                                       "at": chrono::DateTime::from_timestamp_millis(now - 1000 * (1200 - i)).unwrap().to_rfc3339()});
                if i % 4 != 0 {
                    value["id"] = json!(format!("readback-{}", i % 900));
                }
                parse_event(0, &value, None, now).unwrap()
            })
            .collect();
        let committed = db.insert_events(&events, &[], now, true).await.unwrap();
        assert_eq!(committed.duplicate.iter().filter(|d| **d).count(), 1200 - 300 - 675, "{backend:?}");
        let read = db.events_after(committed.after_seq, 10_000).await.unwrap();
        assert_eq!(committed.stored(&events), read, "{backend:?}");
    }
}
