//! Backoff after failed logins, per account and per client address: the first few
//! failures cost nothing, then each further attempt must wait twice as long as the one
//! before (up to 15 minutes) until a login succeeds.
//!
//! Three properties matter more than the numbers:
//! - An attempt is counted *before* its password is checked, under one lock, so requests
//!   sent at once cannot all slip through while the first ones are still hashing.
//! - Only accounts that exist get an entry, and addresses are kept in a bounded map, so
//!   made-up usernames neither grow memory nor evict the real account's entry.
//! - An account's backoff does not bind a browser that has logged in to that account
//!   before (a *known device*, see `sessions`): whoever keeps guessing at `admin`, from
//!   as many addresses as they like, cannot keep the rightful admin out, and gets no more
//!   than five judged guesses per backoff step for it.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

/// Failures allowed before any wait.
const FREE_FAILURES: u32 = 5;
const FIRST_WAIT: Duration = Duration::from_secs(1);
const LONGEST_WAIT: Duration = Duration::from_secs(15 * 60);
/// An entry this long past its last failure is forgotten: its wait is over.
const MEMORY: Duration = Duration::from_secs(30 * 60);
/// Addresses remembered at most (about 50 bytes each); beyond it the stalest go first.
const REMEMBERED_ADDRESSES: usize = 100_000;

#[derive(Clone, Copy, Debug)]
struct Failures {
    count: u32,
    last: Instant,
}

impl Failures {
    fn wait(&self, now: Instant) -> Option<Duration> {
        let ready_at = self.last + wait_after(self.count);
        (ready_at > now).then(|| ready_at - now)
    }

    fn is_recent(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.last) < MEMORY
    }

    fn count_one(&mut self, now: Instant) {
        self.count += 1;
        self.last = now;
    }
}

/// An attempt that may go ahead; it counts as a failure until `succeeded` or `withdraw`.
#[derive(Debug)]
pub struct Attempt {
    account: Option<String>,
    address: IpAddr,
}

#[derive(Default)]
struct Ledger {
    /// Only existing accounts: their number is the number of admins.
    accounts: HashMap<String, Failures>,
    addresses: HashMap<IpAddr, Failures>,
}

#[derive(Default)]
pub struct LoginThrottle {
    ledger: Mutex<Ledger>,
}

impl LoginThrottle {
    /// Admits an attempt at `account` (`None` when no such account exists) from
    /// `address`, counting it at once, or says how long to wait. `known_device`: the
    /// browser has logged in to this account before, so the account's wait does not bind
    /// it (its address's does).
    pub fn admit(
        &self,
        account: Option<&str>,
        address: IpAddr,
        known_device: bool,
        now: Instant,
    ) -> Result<Attempt, Duration> {
        let mut ledger = self.ledger.lock();
        let from_address = ledger.addresses.get(&address).copied().filter(|f| f.is_recent(now));
        if let Some(wait) = from_address.and_then(|f| f.wait(now)) {
            return Err(wait);
        }
        if let Some(account) = account {
            let account_wait = ledger.accounts.get(account).and_then(|f| f.wait(now));
            if let (Some(wait), false) = (account_wait, known_device) {
                return Err(wait);
            }
            ledger.accounts.entry(account.to_string()).or_insert(Failures { count: 0, last: now }).count_one(now);
        }
        ledger.make_room_for(address, now);
        ledger.addresses.entry(address).or_insert(Failures { count: 0, last: now }).count_one(now);
        Ok(Attempt { account: account.map(str::to_string), address })
    }

    /// The password was right: the account and the address start afresh.
    pub fn succeeded(&self, attempt: Attempt) {
        let mut ledger = self.ledger.lock();
        if let Some(account) = &attempt.account {
            ledger.accounts.remove(account);
        }
        ledger.addresses.remove(&attempt.address);
    }

    /// The password was wrong: the wait runs from now, when the failure is answered,
    /// not from when the attempt was admitted (a slow check must not eat the wait).
    pub fn failed(&self, attempt: Attempt, now: Instant) {
        let mut ledger = self.ledger.lock();
        let restamp = |failures: &mut Failures| failures.last = failures.last.max(now);
        if let Some(account) = &attempt.account {
            ledger.accounts.get_mut(account).map(restamp);
        }
        ledger.addresses.get_mut(&attempt.address).map(restamp);
    }

    /// The attempt was never judged (the server was too busy): it does not count.
    pub fn withdraw(&self, attempt: Attempt) {
        let mut ledger = self.ledger.lock();
        let uncount = |failures: &mut Failures| failures.count = failures.count.saturating_sub(1);
        if let Some(account) = &attempt.account {
            ledger.accounts.get_mut(account).map(uncount);
        }
        ledger.addresses.get_mut(&attempt.address).map(uncount);
    }

    /// Entries held, for tests and `/metrics`-style checks of the memory bound.
    pub fn remembered(&self) -> (usize, usize) {
        let ledger = self.ledger.lock();
        (ledger.accounts.len(), ledger.addresses.len())
    }
}

impl Ledger {
    fn make_room_for(&mut self, address: IpAddr, now: Instant) {
        if self.addresses.len() < REMEMBERED_ADDRESSES || self.addresses.contains_key(&address) {
            return;
        }
        self.addresses.retain(|_, f| f.is_recent(now));
        if self.addresses.len() >= REMEMBERED_ADDRESSES {
            // Still full of recent failures: the stalest tenth go, in one pass.
            let mut lasts: Vec<Instant> = self.addresses.values().map(|f| f.last).collect();
            let cut = REMEMBERED_ADDRESSES / 10;
            let (_, threshold, _) = lasts.select_nth_unstable(cut);
            let threshold = *threshold;
            self.addresses.retain(|_, f| f.last > threshold);
        }
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

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([203, 0, 113, last])
    }

    #[test]
    fn waits_double_after_the_free_failures_and_a_success_clears_them() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        for _ in 0..FREE_FAILURES {
            throttle.admit(Some("admin"), ip(1), false, start).unwrap();
        }
        assert_eq!(throttle.admit(Some("admin"), ip(1), false, start).unwrap_err(), Duration::from_secs(1));
        throttle.admit(Some("admin"), ip(1), false, start + Duration::from_secs(1)).unwrap();
        assert_eq!(
            throttle.admit(Some("admin"), ip(1), false, start + Duration::from_secs(1)).unwrap_err(),
            Duration::from_secs(2)
        );
        let third = start + Duration::from_secs(3);
        let attempt = throttle.admit(Some("admin"), ip(1), false, third).unwrap();
        throttle.succeeded(attempt);
        assert!(throttle.admit(Some("admin"), ip(1), false, third).is_ok());
    }

    #[test]
    fn the_wait_runs_from_the_answer_of_a_slow_failed_check() {
        let throttle = LoginThrottle::default();
        let start = Instant::now();
        let mut attempts: Vec<Attempt> =
            (0..FREE_FAILURES).map(|_| throttle.admit(Some("admin"), ip(1), false, start).unwrap()).collect();
        // The last check took two seconds (a loaded machine): the first wait is still whole.
        let answered = start + Duration::from_secs(2);
        throttle.failed(attempts.pop().unwrap(), answered);
        let soon = answered + Duration::from_millis(400);
        assert_eq!(throttle.admit(Some("admin"), ip(2), false, soon).unwrap_err(), Duration::from_millis(600));
        assert_eq!(throttle.admit(None, ip(1), false, soon).unwrap_err(), Duration::from_millis(600));
        // An earlier answer arriving late moves nothing back.
        throttle.failed(attempts.pop().unwrap(), start);
        assert!(throttle.admit(Some("admin"), ip(2), false, soon).is_err());
        assert!(throttle.admit(Some("admin"), ip(2), false, answered + Duration::from_secs(1)).is_ok());
    }

    #[test]
    fn attempts_in_flight_count_before_their_outcome_is_known() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        let admitted = (0..60).filter(|_| throttle.admit(Some("admin"), ip(1), false, now).is_ok()).count();
        assert_eq!(admitted, FREE_FAILURES as usize);
    }

    #[test]
    fn a_known_device_gets_in_while_the_account_backs_off_and_other_addresses_do_not() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..FREE_FAILURES {
            throttle.admit(Some("admin"), ip(1), false, now).unwrap();
        }
        assert!(throttle.admit(Some("admin"), ip(1), false, now).is_err(), "the guesser waits");
        assert!(throttle.admit(Some("admin"), ip(2), false, now).is_err(), "so does any other address");
        let rightful = throttle.admit(Some("admin"), ip(3), true, now).expect("a known device is heard");
        throttle.succeeded(rightful);
        assert!(throttle.admit(Some("admin"), ip(2), false, now).is_ok(), "the account starts afresh");
    }

    #[test]
    fn guesses_from_many_addresses_are_judged_five_times_per_step() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        let admitted = (0..1000u32)
            .filter(|i| throttle.admit(Some("admin"), IpAddr::from(i.to_be_bytes()), false, now).is_ok())
            .count();
        assert_eq!(admitted, FREE_FAILURES as usize);
    }

    #[test]
    fn unknown_names_take_no_memory_and_do_not_touch_the_account() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..10_000 {
            let _ = throttle.admit(None, IpAddr::from([10, 0, (i / 256) as u8, (i % 256) as u8]), false, now);
        }
        assert_eq!(throttle.remembered(), (0, 10_000));
        for _ in 0..FREE_FAILURES {
            throttle.admit(Some("admin"), ip(1), false, now).unwrap();
        }
        assert!(throttle.admit(Some("admin"), ip(1), false, now).is_err());
    }

    #[test]
    fn the_address_map_stays_bounded() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..(REMEMBERED_ADDRESSES as u32 + 5_000) {
            let _ = throttle.admit(None, IpAddr::from(i.to_be_bytes()), false, now + Duration::from_micros(i.into()));
        }
        assert!(throttle.remembered().1 <= REMEMBERED_ADDRESSES);
    }

    #[test]
    fn a_withdrawn_attempt_does_not_count() {
        let throttle = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..50 {
            let attempt = throttle.admit(Some("admin"), ip(1), false, now).unwrap();
            throttle.withdraw(attempt);
        }
        assert!(throttle.admit(Some("admin"), ip(1), false, now).is_ok());
    }

    #[test]
    fn the_wait_is_capped() {
        assert_eq!(wait_after(FREE_FAILURES + 40), LONGEST_WAIT);
    }
}
