//! `CHATPULSE_DEMO=1`: a simulator that sends realistic widget traffic for both channels
//! through the real ingest path, so a fresh install shows a live dashboard at once.

use std::sync::Arc;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::server::domain::event::{Channel, Event, Kind, Sender};
use crate::server::domain::time::now_ms;
use crate::server::ingest::Ingestor;

const TICK: Duration = Duration::from_millis(700);
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

/// One visitor's conversation in progress.
struct Conversation {
    channel: Channel,
    user_id: String,
    name: Option<&'static str>,
    place: (&'static str, &'static str),
    messages_left: u32,
    human: bool,
    next_sender: Sender,
}

pub fn spawn(ingestor: Arc<Ingestor>) {
    tokio::spawn(async move {
        let mut rng = StdRng::from_entropy();
        let mut conversations: Vec<Conversation> = Vec::new();
        let mut tick = tokio::time::interval(TICK);
        tracing::info!("demo traffic simulator running");
        loop {
            tick.tick().await;
            let events = step(&mut rng, &mut conversations);
            if let Err(error) = ingestor.ingest(events).await {
                tracing::warn!(%error, "the demo simulator could not ingest; retrying on the next tick");
            }
        }
    });
}

/// The events of one tick: maybe a new visitor, then one message of a conversation,
/// and the visitor leaving when their conversation is over.
fn step(rng: &mut StdRng, conversations: &mut Vec<Conversation>) -> Vec<Event> {
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
        };
        events.push(event(&c, Kind::WidgetOpened, None));
        events.push(event(&c, Kind::UserOnline, None));
        conversations.push(c);
    }
    if conversations.is_empty() {
        return events;
    }
    let index = rng.gen_range(0..conversations.len());
    let c = &mut conversations[index];
    // Now and then a human operator takes over from the bot.
    if !c.human && c.next_sender == Sender::Bot && rng.gen_bool(0.12) {
        c.human = true;
    }
    let sender = match (c.next_sender, c.human) {
        (Sender::User, _) => Sender::User,
        (_, true) => Sender::Operator,
        (_, false) => Sender::Bot,
    };
    events.push(event(c, Kind::Message, Some(sender)));
    c.next_sender = if sender == Sender::User { Sender::Bot } else { Sender::User };
    c.messages_left -= 1;
    if c.messages_left == 0 {
        let done = conversations.swap_remove(index);
        events.push(event(&done, Kind::UserOffline, None));
    }
    events
}

fn event(c: &Conversation, kind: Kind, sender: Option<Sender>) -> Event {
    Event {
        id: None,
        kind,
        channel: c.channel,
        user_id: c.user_id.clone(),
        at_ms: now_ms(),
        sender,
        human_mode: c.human && kind == Kind::Message,
        user_name: c.name.map(str::to_string),
        country: Some(c.place.0.to_string()),
        city: Some(c.place.1.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_simulation_makes_valid_conversations_on_both_channels() {
        let mut rng = StdRng::seed_from_u64(3);
        let mut conversations = Vec::new();
        let events: Vec<Event> = (0..2000).flat_map(|_| step(&mut rng, &mut conversations)).collect();
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
            let parsed = crate::server::domain::event::parse_event(0, &json, None, e.at_ms).unwrap();
            assert_eq!(parsed.kind, e.kind);
        }
    }
}
