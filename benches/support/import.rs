//! `chatpulse import` of generated NDJSON into SQLite and PostgreSQL, beside the HTTP
//! ingest of the same kind of events in batches (the baseline, same run).

use std::io::Write;
use std::time::Instant;

use serde_json::Value;

use super::ingest::send_all;
use super::load::Traffic;
use super::server::{postgres_url, sqlite_url, Server};

pub async fn run(events: usize) {
    let path = std::env::temp_dir().join("chatpulse-bench-import.ndjson");
    let mut traffic = Traffic::new(23, chrono::Utc::now().timestamp_millis(), 365);
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        for event in traffic.batch(events) {
            serde_json::to_writer(&mut out, &event).unwrap();
            out.write_all(b"\n").unwrap();
        }
    }
    let megabytes = std::fs::metadata(&path).unwrap().len() as f64 / 1e6;
    println!("import: {events} generated events ({megabytes:.0} MB of NDJSON)");
    for (backend, url) in [("SQLite", sqlite_url("bench-import")), ("PostgreSQL", postgres_url("bench_import").await)] {
        let db = chatpulse::server::db::Db::connect(&url).await.unwrap();
        db.migrate().await.unwrap();
        let input = std::io::BufReader::new(std::fs::File::open(&path).unwrap());
        let started = Instant::now();
        let summary = chatpulse::server::pipeline::transfer::import(&db, input, |_| {}).await.unwrap();
        let seconds = started.elapsed().as_secs_f64();
        assert_eq!((summary.stored, summary.refused), (events as u64, 0), "{summary}");
        println!("  {backend:<10} import: {:.0} events/s ({seconds:.1} s)", events as f64 / seconds);
        db.close().await;
    }
    // Baseline: the same kind of events over HTTP, batches of 1,000 from 4 clients.
    let server = Server::start(&sqlite_url("bench-import-http")).await;
    let sample = events.min(200_000);
    let bodies: Vec<Value> = traffic.batch(sample).chunks(1000).map(|chunk| Value::Array(chunk.to_vec())).collect();
    let started = Instant::now();
    send_all(&server.base, bodies, 4).await;
    println!(
        "  baseline: HTTP ingest on SQLite, {sample} events: {:.0} events/s",
        sample as f64 / started.elapsed().as_secs_f64()
    );
    let _ = std::fs::remove_file(&path);
}
