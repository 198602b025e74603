//! The engine's read alone, in this process: `Engine::stats` over a million generated
//! messages, for a 30-day and a 330-day range with a new `from` on every read, by one
//! reader and by four at once. No HTTP and no JSON: what a figures read itself costs, so
//! that a profiler attached to this process sees nothing else.

use std::time::Instant;

use chatpulse::model::{ChannelFilter, Settings};
use chatpulse::server::domain::event::{parse_recorded_event, Kind};
use chatpulse::server::pipeline::engine::query::StatsQuery;
use chatpulse::server::pipeline::engine::{Engine, StoredEvent};

use super::load::Traffic;
use super::percentiles;

const DAY_MS: i64 = 86_400_000;
const READS: usize = 300;

/// The HTTP bench's traffic (`load::Traffic`), parsed as the ingest parses it, as
/// stored events: at least `messages` messages spread over 365 days before `end`.
fn generated(messages: usize, end: i64) -> Vec<StoredEvent> {
    let mut traffic = Traffic::new(5, end, 365);
    let mut events = Vec::with_capacity(messages + messages / 10);
    let mut stored = 0;
    while stored < messages {
        for value in traffic.batch(1000) {
            let event = parse_recorded_event(&value, end).expect("the bench's traffic is valid");
            stored += usize::from(event.kind == Kind::Message);
            events.push(StoredEvent { seq: events.len() as i64 + 1, event });
        }
    }
    events
}

/// Times `READS` reads of a `days`-long range ending at `end`, each starting a few
/// seconds later than the one before, split over `readers` threads.
fn time_reads(engine: &Engine, end: i64, days: i64, readers: usize) -> Vec<f64> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..readers)
            .map(|reader| {
                scope.spawn(move || {
                    (0..READS / readers)
                        .map(|i| {
                            let shift = ((i * readers + reader) as i64) * 7_919;
                            let query = StatsQuery {
                                channel: ChannelFilter::All,
                                from: end - days * DAY_MS + shift,
                                to: end,
                                page: 1,
                                per_page: 50,
                                rows: Default::default(),
                            };
                            let started = Instant::now();
                            std::hint::black_box(engine.stats(&query, end));
                            started.elapsed().as_secs_f64() * 1000.0
                        })
                        .collect::<Vec<f64>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    })
}

pub fn run(messages: usize) {
    let end = chrono::Utc::now().timestamp_millis();
    let events = generated(messages, end);
    let started = Instant::now();
    let engine = Engine::build(Settings::default(), 0, events);
    eprintln!("built the engine from {messages} messages in {:.1} s", started.elapsed().as_secs_f64());
    for days in [30, 330] {
        for readers in [1, 4] {
            let (p50, p99, max) = percentiles(time_reads(&engine, end, days, readers));
            println!(
                "Engine::stats at {messages} messages, {days}-day range, new from each read, {readers} reader(s): \
                 p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms"
            );
        }
    }
}
