//! Ingest throughput on SQLite: batches of 500 and single-event requests, over HTTP.

use std::time::Instant;

use serde_json::Value;

use super::load::{post_events, Traffic};
use super::server::{sqlite_url, Server};

const BATCH: usize = 500;
const BATCHES: usize = 200;
const BATCH_CLIENTS: usize = 4;
const SINGLES: usize = 20_000;
const SINGLE_CLIENTS: usize = 32;

pub async fn run() {
    let server = Server::start(&sqlite_url("bench-ingest")).await;
    let end = chrono::Utc::now().timestamp_millis();

    let mut traffic = Traffic::new(11, end, 30);
    let batches: Vec<Value> = (0..BATCHES).map(|_| Value::Array(traffic.batch(BATCH))).collect();
    let started = Instant::now();
    send_all(&server.base, batches, BATCH_CLIENTS).await;
    let seconds = started.elapsed().as_secs_f64();
    let batch_rate = (BATCH * BATCHES) as f64 / seconds;

    let singles: Vec<Value> = traffic.batch(SINGLES).into_iter().collect();
    let started = Instant::now();
    send_all(&server.base, singles, SINGLE_CLIENTS).await;
    let single_rate = SINGLES as f64 / started.elapsed().as_secs_f64();

    println!("ingest (SQLite, HTTP, {BATCH_CLIENTS} clients): {batch_rate:.0} events/s in batches of {BATCH} (target >= 20000)");
    println!(
        "ingest (SQLite, HTTP, {SINGLE_CLIENTS} clients): {single_rate:.0} single-event requests/s (target >= 3000)"
    );
}

/// Sends every body, `clients` at a time; panics on anything but 202.
pub async fn send_all(base: &str, bodies: Vec<Value>, clients: usize) {
    let queue = std::sync::Arc::new(parking_lot::Mutex::new(bodies));
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let queue = queue.clone();
            let base = base.to_string();
            tokio::spawn(async move {
                let client = reqwest::Client::new();
                loop {
                    let Some(body) = queue.lock().pop() else { break };
                    assert_eq!(post_events(&client, &base, &body).await, 202);
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}
