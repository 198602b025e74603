//! Why an ingest was refused, in the words both doors send: the HTTP answer's body
//! and status, and the `/ingest` socket's acknowledgement. Nothing of a refused request
//! is stored, and every word is safe to show (a database error's detail is logged,
//! never sent).

use std::time::Duration;

use serde_json::{json, Value};

use super::event::Problem;
use super::time::retry_after_seconds;

/// Seconds a client should wait before retrying after a database failure.
pub const UNAVAILABLE_RETRY_SECONDS: u64 = 5;

#[derive(Debug)]
pub enum IngestRefusal {
    /// Events that break the contract, each problem naming its event and field.
    Invalid(Vec<Problem>),
    /// Over a rate limit (`what` went over it: "requests", "events on this socket").
    TooMany { wait: Duration, what: &'static str },
    /// The database could not store it.
    Unavailable,
}

impl IngestRefusal {
    /// The HTTP status; the socket counts its refusals by the same numbers.
    pub fn status(&self) -> u16 {
        match self {
            IngestRefusal::Invalid(_) => 400,
            IngestRefusal::TooMany { .. } => 429,
            IngestRefusal::Unavailable => 503,
        }
    }

    /// Whole seconds to wait before trying again, when waiting helps.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            IngestRefusal::Invalid(_) => None,
            IngestRefusal::TooMany { wait, .. } => Some(retry_after_seconds(*wait)),
            IngestRefusal::Unavailable => Some(UNAVAILABLE_RETRY_SECONDS),
        }
    }

    pub fn message(&self) -> String {
        match self {
            IngestRefusal::Invalid(problems) => format!("{} problem(s) found; nothing was stored", problems.len()),
            IngestRefusal::TooMany { what, .. } => {
                format!("too many {what}; nothing was stored, retry in {} s", self.retry_after().unwrap_or(1))
            }
            IngestRefusal::Unavailable => "the database is unavailable; nothing was stored, retry later".into(),
        }
    }

    /// The HTTP body: `error` and `problems`.
    pub fn body(&self) -> Value {
        let problems: &[Problem] = match self {
            IngestRefusal::Invalid(problems) => problems,
            _ => &[],
        };
        json!({"error": self.message(), "problems": problems})
    }

    /// The socket's acknowledgement: the HTTP body with `ok: false`, and `retry_after`
    /// when waiting helps.
    pub fn ack(&self) -> Value {
        let mut ack = self.body();
        ack["ok"] = json!(false);
        if let Some(seconds) = self.retry_after() {
            ack["retry_after"] = json!(seconds);
        }
        ack
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_doors_say_the_same_words() {
        let too_many = IngestRefusal::TooMany { wait: Duration::from_millis(1500), what: "requests" };
        assert_eq!(too_many.status(), 429);
        assert_eq!(too_many.body()["error"], "too many requests; nothing was stored, retry in 2 s");
        assert_eq!(too_many.ack()["retry_after"], 2);
        assert_eq!(too_many.ack()["error"], too_many.body()["error"]);
        let unavailable = IngestRefusal::Unavailable.ack();
        assert_eq!((unavailable["ok"].clone(), unavailable["retry_after"].clone()), (json!(false), json!(5)));
        assert_eq!(IngestRefusal::Invalid(Vec::new()).ack().get("retry_after"), None);
    }
}
