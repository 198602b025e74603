//! `CHATPULSE_DEMO=1`: a simulator that sends realistic widget traffic for both channels
//! through the real ingest path, so a fresh install shows a live dashboard at once. On an
//! empty database it first writes 60 days of history, busier in (Istanbul) business
//! hours and on weekdays, so the charts have something to show. With several instances
//! on one database, one of them runs it.

use std::sync::Arc;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::server::db::Db;
use crate::server::domain::event::{Channel, Event, Kind, Sender};
use crate::server::domain::time::now_ms;
use crate::server::leadership::Leadership;
use crate::server::pipeline::figures::Figures;
use crate::server::pipeline::ingest::{Ingestor, Source};

const TICK: Duration = Duration::from_millis(700);
/// The advisory lock whose holder runs the simulator.
const LEAD_LOCK: i64 = 0x6368_6174_0001;
const MAX_CONVERSATIONS: usize = 8;
const NAMES: [&str; 10] = ["Ayşe", "Mehmet", "Zeynep", "Emre", "Elif", "Can", "Anna", "John", "Lukas", "Sofia"];
const PLACES: [(&str, &str); 8] = [
    ("TR", "İstanbul"),
    ("TR", "Ankara"),
    ("TR", "İzmir"),
    ("DE", "Berlin"),
    ("GB", "London"),
    ("US", "New York"),
    ("NL", "Amsterdam"),
    ("FR", "Paris"),
];

const OPERATORS: [&str; 4] = ["ayse", "mehmet", "zeynep", "john"];
const PAGES: [&str; 6] = [
    "https://shop.example/",
    "https://shop.example/pricing",
    "https://shop.example/products/kettle",
    "https://shop.example/checkout",
    "https://shop.example/help/returns",
    "https://shop.example/blog/brewing-guide",
];

/// One visitor's conversation in progress.
struct Conversation {
    channel: Channel,
    user_id: String,
    name: Option<&'static str>,
    place: (&'static str, &'static str),
    messages_left: u32,
    human: bool,
    next_sender: Sender,
    page: &'static str,
    /// Who answers once a person takes over.
    operator: &'static str,
}

const HISTORY_DAYS: i64 = 60;
/// Mean time between simulated messages in the busiest hours of the history.
const BUSY_STEP_MS: f64 = 40_000.0;
const HISTORY_BATCH: usize = 1000;

/// Runs the simulator on one instance at a time (the lead passes on if that one dies).
pub fn spawn(db: Db, ingestor: Arc<Ingestor>, figures: Arc<Figures>) {
    tokio::spawn(async move {
        loop {
            let mut lead = Leadership::acquire(&db, LEAD_LOCK).await;
            tokio::select! {
                () = simulate(&ingestor, &figures) => {}
                () = lead.lost() => tracing::warn!("the demo simulator stops: another instance may take over"),
            }
        }
    });
}

async fn simulate(ingestor: &Ingestor, figures: &Figures) {
    let mut rng = StdRng::from_entropy();
    // History only for an empty database: never mixed into real figures.
    if figures.version() == 0 {
        write_history(ingestor, &mut rng).await;
    }
    let mut conversations: Vec<Conversation> = Vec::new();
    let mut tick = tokio::time::interval(TICK);
    tracing::info!("demo traffic simulator running");
    loop {
        tick.tick().await;
        let events = step(&mut rng, &mut conversations, now_ms());
        if let Err(error) = ingestor.ingest(Source::Demo, events).await {
            tracing::warn!(%error, "the demo simulator could not ingest; retrying on the next tick");
        }
    }
}

/// The simulation run over the last `HISTORY_DAYS` days on a simulated clock.
async fn write_history(ingestor: &Ingestor, rng: &mut StdRng) {
    let now = now_ms();
    let mut at = now - HISTORY_DAYS * 86_400_000;
    let mut conversations = Vec::new();
    let mut batch = Vec::with_capacity(HISTORY_BATCH + 8);
    let mut written = 0;
    while at < now - 60_000 {
        batch.extend(step(rng, &mut conversations, at));
        if batch.len() >= HISTORY_BATCH {
            written += batch.len();
            if let Err(error) = ingestor.ingest(Source::Demo, std::mem::take(&mut batch)).await {
                tracing::warn!(%error, "the demo history could not be written");
                return;
            }
        }
        at += (BUSY_STEP_MS / activity(at) * rng.gen_range(0.5..1.5)) as i64;
    }
    written += batch.len();
    if let Err(error) = ingestor.ingest(Source::Demo, batch).await {
        tracing::warn!(%error, "the demo history could not be written");
    }
    tracing::info!(events = written, days = HISTORY_DAYS, "demo history written");
}

/// How busy the widgets are at an instant, 0..1: Istanbul (UTC+3) office hours on
/// weekdays most, nights least.
fn activity(at_ms: i64) -> f64 {
    let local_hours = (at_ms / 3_600_000 + 3).rem_euclid(24 * 7);
    // 1970-01-01 was a Thursday: day 0 of this count is Thursday.
    let weekday = (local_hours / 24 + 3) % 7;
    let hour = local_hours % 24;
    let by_hour = match hour {
        0..=6 => 0.08,
        7..=8 | 19..=22 => 0.45,
        9..=18 => 1.0,
        _ => 0.2,
    };
    let by_day = if weekday >= 5 { 0.55 } else { 1.0 };
    by_hour * by_day
}

/// The events of one tick: maybe a new visitor, then one message of a conversation,
/// and the visitor leaving when their conversation is over.
fn step(rng: &mut StdRng, conversations: &mut Vec<Conversation>, at_ms: i64) -> Vec<Event> {
    let mut events = Vec::new();
    if conversations.len() < MAX_CONVERSATIONS && rng.gen_bool(0.35) {
        let c = Conversation {
            channel: if rng.gen_bool(0.65) { Channel::Web } else { Channel::Premium },
            user_id: format!("demo-{}", rng.gen_range(1..5000)),
            name: rng.gen_bool(0.6).then(|| NAMES[rng.gen_range(0..NAMES.len())]),
            place: PLACES[rng.gen_range(0..PLACES.len())],
            messages_left: rng.gen_range(1..14),
            human: false,
            next_sender: Sender::User,
            page: PAGES[rng.gen_range(0..PAGES.len())],
            operator: OPERATORS[rng.gen_range(0..OPERATORS.len())],
        };
        events.push(event(&c, Kind::WidgetOpened, None, at_ms));
        events.push(event(&c, Kind::UserOnline, None, at_ms));
        conversations.push(c);
    }
    if conversations.is_empty() {
        return events;
    }
    let index = rng.gen_range(0..conversations.len());
    let c = &mut conversations[index];
    // Now and then the bot hands over to a person: its own reply is the first in human
    // mode ("connecting you"), and the operator answers from the next turn on.
    let handing_over = !c.human && c.next_sender == Sender::Bot && rng.gen_bool(0.12);
    let sender = match (c.next_sender, c.human) {
        (Sender::User, _) => Sender::User,
        (_, true) => Sender::Operator,
        (_, false) => Sender::Bot,
    };
    c.human |= handing_over;
    events.push(event(c, Kind::Message, Some(sender), at_ms));
    c.next_sender = if sender == Sender::User { Sender::Bot } else { Sender::User };
    c.messages_left -= 1;
    if c.messages_left == 0 {
        let done = conversations.swap_remove(index);
        events.push(event(&done, Kind::UserOffline, None, at_ms));
    }
    events
}

fn event(c: &Conversation, kind: Kind, sender: Option<Sender>, at_ms: i64) -> Event {
    Event {
        id: None,
        kind,
        channel: c.channel,
        user_id: c.user_id.clone(),
        at_ms,
        sender,
        human_mode: c.human && kind == Kind::Message,
        user_name: c.name.map(str::to_string),
        country: Some(c.place.0.to_string()),
        city: Some(c.place.1.to_string()),
        operator_id: (sender == Some(Sender::Operator)).then(|| c.operator.to_string()),
        page_url: matches!(kind, Kind::Message | Kind::WidgetOpened).then(|| c.page.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_simulation_makes_valid_conversations_on_both_channels() {
        let mut rng = StdRng::seed_from_u64(3);
        let mut conversations = Vec::new();
        let events: Vec<Event> = (0..2000).flat_map(|i| step(&mut rng, &mut conversations, 1_000_000 + i)).collect();
        let count = |f: &dyn Fn(&Event) -> bool| events.iter().filter(|e| f(e)).count();
        assert!(count(&|e| e.kind == Kind::Message) > 1000);
        assert!(count(&|e| e.kind == Kind::WidgetOpened) > 50);
        assert!(count(&|e| e.sender == Some(Sender::Operator) && e.human_mode) > 10);
        assert!(count(&|e| e.channel == Channel::Premium) > 100);
        assert!(count(&|e| e.kind == Kind::UserOffline) > 50);
        // Every event would pass the ingest validation.
        for e in &events {
            let json = serde_json::json!({
                "type": e.kind.as_str(), "channel": e.channel.as_str(), "user_id": e.user_id,
                "sender": e.sender.map(|s| s.as_str()), "human_mode": e.human_mode,
                "user_name": e.user_name, "country": e.country, "city": e.city,
            });
            let parsed = crate::server::domain::event::parse_event(0, &json, None, 2_000_000).unwrap();
            assert_eq!(parsed.kind, e.kind);
        }
    }

    #[test]
    fn office_hours_are_busier_than_nights_and_weekends() {
        let monday_noon_istanbul = 1_773_046_800_000; // 2026-03-09T09:00:00Z
        let monday_3am = monday_noon_istanbul - 9 * 3_600_000;
        let saturday_noon = monday_noon_istanbul + 5 * 86_400_000;
        assert_eq!(activity(monday_noon_istanbul), 1.0);
        assert!(activity(monday_3am) < 0.1);
        assert!(activity(saturday_noon) < activity(monday_noon_istanbul));
    }
}
