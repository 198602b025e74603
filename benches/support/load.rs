//! Generated widget traffic and the HTTP calls that send it.

use serde_json::{json, Value};

use super::server::INGEST_KEY;

/// A deterministic stream of realistic conversations spread over `days` before `end_ms`.
pub struct Traffic {
    state: u64,
    end_ms: i64,
    span_ms: i64,
    next_id: u64,
}

impl Traffic {
    pub fn new(seed: u64, end_ms: i64, days: i64) -> Self {
        Traffic { state: seed | 1, end_ms, span_ms: days * 86_400_000, next_id: 0 }
    }

    fn below(&mut self, n: u64) -> u64 {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        self.state % n
    }

    /// One conversation: 1–12 messages a minute or two apart, sometimes a widget open.
    pub fn conversation(&mut self, out: &mut Vec<Value>) {
        const SENDERS: [&str; 3] = ["user", "bot", "operator"];
        const COUNTRIES: [&str; 6] = ["TR", "DE", "US", "GB", "FR", "NL"];
        let user = format!("visitor-{}", self.below(20_000));
        let channel = if self.below(3) == 0 { "premium" } else { "web" };
        let country = COUNTRIES[self.below(6) as usize];
        let mut at = self.end_ms - 1 - self.below(self.span_ms as u64) as i64;
        if self.below(4) == 0 {
            out.push(self.event(json!({"type": "widget_opened", "channel": channel, "user_id": user}), at));
        }
        for _ in 0..1 + self.below(12) {
            let sender = SENDERS[self.below(3) as usize];
            let mut e = json!({"type": "message", "channel": channel, "user_id": user, "sender": sender,
                           "human_mode": sender == "operator", "country": country, "user_name": "Visitor"});
            if sender == "operator" {
                e["operator_id"] = json!(format!("operator-{}", self.below(12)));
            }
            out.push(self.event(e, at.min(self.end_ms - 1)));
            at += 20_000 + self.below(120_000) as i64;
        }
    }

    fn event(&mut self, mut e: Value, at: i64) -> Value {
        self.next_id += 1;
        e["id"] = json!(format!("bench-{}", self.next_id));
        e["at"] = json!(chrono::DateTime::from_timestamp_millis(at).unwrap().to_rfc3339());
        e
    }

    pub fn batch(&mut self, size: usize) -> Vec<Value> {
        let mut out = Vec::with_capacity(size + 16);
        while out.len() < size {
            self.conversation(&mut out);
        }
        out.truncate(size);
        out
    }
}

pub async fn post_events(client: &reqwest::Client, base: &str, body: &Value) -> u16 {
    client
        .post(format!("{base}/api/ingest/events"))
        .bearer_auth(INGEST_KEY)
        .json(body)
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

/// Posts batches of this traffic until `messages` messages are stored; returns how many.
pub async fn load_messages(client: &reqwest::Client, base: &str, traffic: &mut Traffic, messages: usize) -> usize {
    const BATCH: usize = 1000;
    let mut stored = 0;
    while stored < messages {
        let batch = traffic.batch(BATCH);
        stored += batch.iter().filter(|e| e["type"] == "message").count();
        assert_eq!(post_events(client, base, &Value::Array(batch)).await, 202);
    }
    stored
}
