//! Backoff after failed logins, per username: the first few failures cost nothing, then
//! each further attempt must wait twice as long as the one before (up to 15 minutes)
//! until a login succeeds. Guessing a password gets slow while a typo costs nothing.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

/// Failures allowed before any wait.
const FREE_FAILURES: u32 = 5;
const FIRST_WAIT: Duration = Duration::from_secs(1);
const LONGEST_WAIT: Duration = Duration::from_secs(15 * 60);
/// Usernames remembered at most; beyond it the oldest entries are forgotten, so made-up
/// names cannot grow the map without bound.
const REMEMBERED: usize = 10_000;

#[derive(Clone, Copy, Debug)]
struct Failures {
    count: u32,
    last: Instant,
}

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, Failures>>,
}

impl LoginThrottle {
    /// How long `username` must still wait before its next attempt is heard.
    pub fn wait(&self, username: &str, now: Instant) -> Option<Duration> {
        let failures = *self.failures.lock().get(username)?;
        let ready_at = failures.last + wait_after(failures.count);
        (ready_at > now).then(|| ready_at - now)
    }

    pub fn failed(&self, username: &str, now: Instant) {
        let mut failures = self.failures.lock();
        if failures.len() >= REMEMBERED && !failures.contains_key(username) {
            if let Some(oldest) = failures.iter().min_by_key(|(_, f)| f.last).map(|(name, _)| name.clone()) {
                failures.remove(&oldest);
            }
        }
        let entry = failures.entry(username.to_string()).or_insert(Failures { count: 0, last: now });
        entry.count += 1;
        entry.last = now;
    }

    pub fn succeeded(&self, username: &str) {
        self.failures.lock().remove(username);
    }
}

fn wait_after(failures: u32) -> Duration {
    match failures.checked_sub(FREE_FAILURES) {
        None => Duration::ZERO,
        Some(extra) => FIRST_WAIT.saturating_mul(1 << extra.min(20)).min(LONGEST_WAIT),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_after_the_free_failures_and_a_success_clears_them() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        for _ in 0..FREE_FAILURES - 1 {
            throttle.failed("admin", start);
        }
        assert_eq!(throttle.wait("admin", start), None);
        throttle.failed("admin", start);
        assert_eq!(throttle.wait("admin", start), Some(Duration::from_secs(1)));
        throttle.failed("admin", start);
        assert_eq!(throttle.wait("admin", start), Some(Duration::from_secs(2)));
        assert_eq!(throttle.wait("admin", start + Duration::from_secs(2)), None);
        assert_eq!(throttle.wait("someone-else", start), None);
        throttle.succeeded("admin");
        assert_eq!(throttle.wait("admin", start), None);
    }

    #[test]
    fn the_wait_is_capped() {
        assert_eq!(wait_after(FREE_FAILURES + 40), LONGEST_WAIT);
    }
}
