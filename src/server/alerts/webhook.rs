//! Sends the queued webhook calls: each signed with its rule's secret, retried with a
//! doubling wait while the receiver fails or cannot be reached, and logged row by row.
//! The outbox lives in the database, so a restart or a new leader of alerts picks up
//! where the last one stopped; a call whose answer was lost may be sent again, and its
//! `X-Chatpulse-Delivery` id lets the receiver drop the repeat.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::server::db::{AttemptResult, Db, DbError, DueDelivery};
use crate::server::domain::time::now_ms;

/// Calls sent at once, at most.
const BATCH: i64 = 16;
/// Tries per call, the first included; then it is marked failed.
pub const MAX_ATTEMPTS: i32 = 8;
/// The longest wait between two tries.
const LONGEST_WAIT_MS: i64 = 3_600_000;
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
pub const SIGNATURE_HEADER: &str = "x-chatpulse-signature";
pub const DELIVERY_HEADER: &str = "x-chatpulse-delivery";

/// `sha256=` and the hex HMAC-SHA256 of `body` keyed with `secret`.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// What one call's answer means for its delivery.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    Status(u16),
    /// No answer: refused, unreachable, timed out.
    Failed(String),
}

/// The delivery's state after its `attempts`-th try was answered by `answer`:
/// delivered on 2xx; failed at once on a refusal (other 3xx/4xx than 408 and 429), or
/// after the last try; otherwise due again after `retry_ms` doubled per try.
pub fn after_attempt(attempts: i32, answer: &Answer, now: i64, retry_ms: u64) -> AttemptResult {
    let (http_status, error) = match answer {
        Answer::Status(code) => (Some(i32::from(*code)), None),
        Answer::Failed(reason) => (None, Some(reason.clone())),
    };
    let status = match answer {
        Answer::Status(200..=299) => "delivered",
        Answer::Status(code) if *code < 500 && !matches!(code, 408 | 429) => "failed",
        _ if attempts >= MAX_ATTEMPTS => "failed",
        _ => "pending",
    };
    let wait = (retry_ms as i64).saturating_mul(1 << (attempts - 1).clamp(0, 20)).min(LONGEST_WAIT_MS);
    AttemptResult {
        status,
        attempts,
        next_attempt_ms: if status == "pending" { now + wait } else { now },
        http_status,
        error,
        finished_ms: (status != "pending").then_some(now),
    }
}

/// The webhook outbox, sent from the instance that leads alerts: each pass sends the
/// calls that are due, in the background, one pass at a time.
pub struct Outbox {
    db: Db,
    client: reqwest::Client,
    retry_ms: u64,
    sending: Arc<AtomicBool>,
}

impl Outbox {
    /// `None` (logged) when no HTTP client can be made.
    pub fn new(db: Db, retry_ms: u64) -> Option<Outbox> {
        let client = reqwest::Client::builder()
            .timeout(CALL_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("chatpulse-webhook/", env!("CARGO_PKG_VERSION")))
            .build()
            .inspect_err(|error| tracing::error!(%error, "webhooks cannot be sent: no HTTP client"))
            .ok()?;
        Some(Outbox { db, client, retry_ms, sending: Arc::default() })
    }

    /// Whether a pass is sending now.
    pub fn busy(&self) -> bool {
        self.sending.load(Ordering::SeqCst)
    }

    /// Starts a pass over the due calls unless one is still going (a slow receiver
    /// never holds up the rules' evaluation, and no call is sent twice at once).
    pub fn send_due(&self) {
        if self.sending.swap(true, Ordering::SeqCst) {
            return;
        }
        let (db, client, retry_ms, sending) =
            (self.db.clone(), self.client.clone(), self.retry_ms, self.sending.clone());
        tokio::spawn(async move {
            if let Err(error) = send_due(&db, &client, retry_ms).await {
                tracing::warn!(%error, "the webhook outbox could not be read; it is tried again");
            }
            sending.store(false, Ordering::SeqCst);
        });
    }
}

async fn send_due(db: &Db, client: &reqwest::Client, retry_ms: u64) -> Result<(), DbError> {
    let due = db.due_deliveries(now_ms(), BATCH).await?;
    let sends = due.into_iter().map(|delivery| async move {
        let answer = call(client, &delivery).await;
        let result = after_attempt(delivery.attempts + 1, &answer, now_ms(), retry_ms);
        if result.status == "failed" {
            tracing::warn!(delivery = delivery.id, ?answer, "a webhook call failed for good");
        }
        db.record_attempt(delivery.id, &result).await
    });
    for result in futures::future::join_all(sends).await {
        result?;
    }
    Ok(())
}

async fn call(client: &reqwest::Client, delivery: &DueDelivery) -> Answer {
    let body = delivery.payload.clone().into_bytes();
    let mut request = client
        .post(&delivery.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(DELIVERY_HEADER, delivery.id.to_string());
    if let Some(secret) = &delivery.secret {
        request = request.header(SIGNATURE_HEADER, signature(secret, &body));
    }
    match request.body(body).send().await {
        Ok(response) => Answer::Status(response.status().as_u16()),
        // The error's text names the host, never the secret or the body.
        Err(error) => Answer::Failed(error.without_url().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hmac_of_the_body() {
        // RFC 4231 test case 2.
        let expected = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert_eq!(signature("Jefe", b"what do ya want for nothing?"), expected);
    }

    #[test]
    fn failures_are_retried_with_a_doubling_wait_and_refusals_are_not() {
        let now = 1_000_000;
        let first = after_attempt(1, &Answer::Status(500), now, 1000);
        assert_eq!((first.status, first.next_attempt_ms, first.http_status), ("pending", now + 1000, Some(500)));
        assert_eq!(after_attempt(3, &Answer::Failed("refused".into()), now, 1000).next_attempt_ms, now + 4000);
        assert_eq!(after_attempt(2, &Answer::Status(429), now, 1000).status, "pending");
        let done = after_attempt(2, &Answer::Status(204), now, 1000);
        assert_eq!((done.status, done.finished_ms), ("delivered", Some(now)));
        assert_eq!(after_attempt(1, &Answer::Status(404), now, 1000).status, "failed");
        assert_eq!(after_attempt(1, &Answer::Status(302), now, 1000).status, "failed");
        assert_eq!(after_attempt(MAX_ATTEMPTS, &Answer::Status(503), now, 1000).status, "failed");
        assert_eq!(after_attempt(20, &Answer::Status(503), now, 1_000_000).next_attempt_ms, now, "finished");
        assert_eq!(after_attempt(7, &Answer::Status(503), now, 1_000_000).next_attempt_ms, now + LONGEST_WAIT_MS);
    }
}
