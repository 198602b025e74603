//! Many dashboards on one instance, then split across two instances on one PostgreSQL and
//! one Redis, while events are ingested: event → `stats_update` on every socket (p50 and
//! p99 over all sockets and rounds, and the last socket per round), stats computations
//! per event, and the servers' CPU time; the two-instance figures as ratios of the
//! one-instance ones measured in the same run.

use std::time::{Duration, Instant};

use serde_json::json;
use tokio::sync::mpsc;

use super::load::post_events;
use super::percentiles;
use super::server::{postgres_url, Server, READ_KEY};
use super::sio::watch_and_refetch;

struct Outcome {
    per_socket: (f64, f64, f64),
    last_socket: (f64, f64, f64),
    computations_per_event: f64,
    cpu_seconds_per_event: f64,
}

pub async fn run(sockets: usize, rounds: usize, refetchers: usize) {
    let one_db = postgres_url("bench_cluster_one").await;
    let one = vec![Server::start(&one_db).await];
    let single = measure(&one, sockets, rounds, refetchers).await;
    drop(one);

    let two_db = postgres_url("bench_cluster_two").await;
    let redis = vec![
        ("CHATPULSE_REDIS_URL", "redis://127.0.0.1:6379".to_string()),
        ("CHATPULSE_REDIS_PREFIX", format!("chatpulse-bench-{}", std::process::id())),
    ];
    let two = vec![Server::start_with(&two_db, &redis).await, Server::start_with(&two_db, &redis).await];
    let pair = measure(&two, sockets, rounds, refetchers).await;

    let report = |name: &str, o: &Outcome| {
        println!(
            "{name}: event -> stats_update per socket p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; last socket per event p50 {:.1} ms, p99 {:.1} ms; \
             {:.2} stats computations per event; server CPU {:.0} ms per event",
            o.per_socket.0, o.per_socket.1, o.per_socket.2, o.last_socket.0, o.last_socket.1,
            o.computations_per_event, o.cpu_seconds_per_event * 1000.0
        );
    };
    println!("{sockets} dashboards ({refetchers} of them refetch /api/stats on each update), {rounds} events");
    report("one instance (PostgreSQL, local adapter)", &single);
    report("two instances (PostgreSQL + Redis adapter)", &pair);
    println!(
        "two / one: p50 {:.2}, p99 {:.2}, CPU per event {:.2} (target: p99 <= 500 ms with two instances)",
        pair.per_socket.0 / single.per_socket.0,
        pair.per_socket.1 / single.per_socket.1,
        pair.cpu_seconds_per_event / single.cpu_seconds_per_event
    );
}

async fn computations(client: &reqwest::Client, servers: &[Server]) -> f64 {
    let mut total = 0.0;
    for server in servers {
        total += server.metric(client, "chatpulse_stats_computations_total").await;
    }
    total
}

async fn measure(servers: &[Server], sockets: usize, rounds: usize, refetchers: usize) -> Outcome {
    let client = reqwest::Client::new();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let ids: Vec<usize> = (0..sockets).collect();
    for chunk in ids.chunks(200) {
        let connects = chunk.iter().map(|i| {
            let server = &servers[i % servers.len()];
            let refetch = (*i < refetchers).then(|| client.clone());
            watch_and_refetch(server.port, READ_KEY, tx.clone(), refetch)
        });
        futures::future::join_all(connects).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let computed_before = computations(&client, servers).await;
    let cpu_before: f64 = servers.iter().map(Server::cpu_seconds).sum();

    let (mut per_socket, mut last_socket) = (Vec::with_capacity(sockets * rounds), Vec::with_capacity(rounds));
    for round in 0..rounds {
        let body =
            json!({"type": "message", "channel": "web", "user_id": format!("cluster-{round}"), "sender": "user"});
        let sent = Instant::now();
        // Alternate the instance that takes the event.
        assert_eq!(post_events(&client, &servers[round % servers.len()].base, &body).await, 202);
        let mut last = sent;
        for heard in 0..sockets {
            let arrived = tokio::time::timeout(Duration::from_secs(10), rx.recv())
                .await
                .unwrap_or_else(|_| {
                    let closed = super::sio::CLOSED.load(std::sync::atomic::Ordering::SeqCst);
                    panic!("round {round}: only {heard} of {sockets} sockets heard within 10 s ({closed} closed)")
                })
                .unwrap();
            per_socket.push((arrived - sent).as_secs_f64() * 1000.0);
            last = last.max(arrived);
        }
        last_socket.push((last - sent).as_secs_f64() * 1000.0);
        // Past the 100 ms coalescing window and the refetches, so rounds do not overlap.
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    let cpu = servers.iter().map(Server::cpu_seconds).sum::<f64>() - cpu_before;
    let computed = computations(&client, servers).await - computed_before;
    Outcome {
        per_socket: percentiles(per_socket),
        last_socket: percentiles(last_socket),
        computations_per_event: computed / rounds as f64,
        cpu_seconds_per_event: cpu / rounds as f64,
    }
}
