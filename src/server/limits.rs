//! Rate limits: token buckets keyed by who is asking (an API key, an address, a socket).
//! Each bucket refills at a steady rate up to a burst; a request that finds too few
//! tokens is refused with the time until enough are back, which becomes `Retry-After`.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use axum::http::{header, Extensions, HeaderMap};
use parking_lot::Mutex;

use crate::server::client_address::TrustedProxies;
use crate::server::config::LimitsConfig;

/// Every limit of one server, shared by its HTTP handlers and sockets.
pub struct Limits {
    pub per_key: RateLimiter<i64>,
    pub per_address: RateLimiter<IpAddr>,
    /// Stats reads per address: each may cost a full computation over its range.
    pub reads_per_address: RateLimiter<IpAddr>,
    pub per_socket: RateLimiter<String>,
    sockets_per_address: usize,
    /// Session rows one CSV export holds at most.
    pub export_max_rows: u64,
    open_sockets: Mutex<HashMap<IpAddr, usize>>,
    allowed_origins: Vec<String>,
    trusted_proxies: TrustedProxies,
}

impl Limits {
    pub fn new(config: &LimitsConfig) -> Self {
        Limits {
            per_key: RateLimiter::new(Rate::per_second(config.key_events_per_second)),
            per_address: RateLimiter::new(Rate::per_second(config.address_requests_per_second)),
            reads_per_address: RateLimiter::new(Rate::per_second(config.address_reads_per_second)),
            per_socket: RateLimiter::new(Rate::per_second(config.socket_events_per_second)),
            sockets_per_address: config.sockets_per_address,
            export_max_rows: config.export_max_rows,
            open_sockets: Mutex::new(HashMap::new()),
            allowed_origins: config.allowed_origins.clone(),
            trusted_proxies: config.trusted_proxies.clone(),
        }
    }

    /// The client a request or handshake comes from, seen through trusted proxies, as
    /// the limits count it: an IPv6 client by its /64, which one subscriber usually holds
    /// whole (counting each of its 2^64 addresses apart would count nothing).
    pub fn client_address(&self, extensions: &Extensions, headers: &HeaderMap) -> IpAddr {
        limit_group(self.trusted_proxies.client_address(extensions, headers))
    }

    /// Counts a socket of `address` in, unless the address has its share open already.
    pub fn socket_opened(&self, address: IpAddr) -> bool {
        let mut open = self.open_sockets.lock();
        let count = open.entry(address).or_default();
        if self.sockets_per_address > 0 && *count >= self.sockets_per_address {
            return false;
        }
        *count += 1;
        true
    }

    pub fn socket_closed(&self, address: IpAddr) {
        let mut open = self.open_sockets.lock();
        if let Some(count) = open.get_mut(&address) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&address);
            }
        }
    }

    /// Whether a browser page from the request's `Origin` may use the admin cookie on a
    /// WebSocket (CORS does not cover WebSockets): the server's own origin, or one
    /// configured. Requests without an `Origin` do not come from a page.
    pub fn origin_allowed(&self, headers: &HeaderMap) -> bool {
        let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
            return true;
        };
        let origin = origin.trim_end_matches('/');
        let own_host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
        let origin_host = origin.split_once("://").map(|(_, host)| host);
        (own_host.is_some() && origin_host == own_host) || self.allowed_origins.iter().any(|o| o == origin)
    }
}

/// The address a limit counts `address` under: itself for IPv4, its /64 for IPv6.
pub fn limit_group(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => IpAddr::V6((u128::from(v6) & (u128::MAX << 64)).into()),
        v4 => v4,
    }
}

/// A rate and the burst above it; `per_second == 0` means unlimited.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    pub per_second: f64,
    pub burst: f64,
}

impl Rate {
    pub const UNLIMITED: Rate = Rate { per_second: 0.0, burst: 0.0 };

    /// `per_second` with a burst of two seconds' worth.
    pub fn per_second(per_second: f64) -> Rate {
        Rate { per_second, burst: per_second * 2.0 }
    }

    pub fn is_unlimited(self) -> bool {
        self.per_second <= 0.0
    }
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Buckets left untouched this long are full again and are forgotten.
const IDLE: Duration = Duration::from_secs(600);

pub struct RateLimiter<K> {
    rate: Rate,
    buckets: Mutex<HashMap<K, Bucket>>,
}

impl<K: Eq + Hash + Clone> RateLimiter<K> {
    pub fn new(rate: Rate) -> Self {
        RateLimiter { rate, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes `cost` tokens for `key`, or says how long until they would be there. A
    /// cost above the burst is judged against a full bucket, so it can pass once.
    pub fn take(&self, key: &K, cost: f64, now: Instant) -> Result<(), Duration> {
        if self.rate.is_unlimited() {
            return Ok(());
        }
        let Rate { per_second, burst } = self.rate;
        let mut buckets = self.buckets.lock();
        if buckets.len() > 100_000 {
            buckets.retain(|_, b| now.duration_since(b.at) < IDLE);
        }
        let bucket = buckets.entry(key.clone()).or_insert(Bucket { tokens: burst, at: now });
        let refilled = (bucket.tokens + now.duration_since(bucket.at).as_secs_f64() * per_second).min(burst);
        let needed = cost.min(burst);
        if refilled >= needed {
            *bucket = Bucket { tokens: refilled - needed, at: now };
            return Ok(());
        }
        *bucket = Bucket { tokens: refilled, at: now };
        Err(Duration::from_secs_f64((needed - refilled) / per_second))
    }

    pub fn forget(&self, key: &K) {
        self.buckets.lock().remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_rate_holds() {
        let limiter = RateLimiter::new(Rate::per_second(10.0));
        let start = Instant::now();
        assert!(limiter.take(&"k", 20.0, start).is_ok());
        let wait = limiter.take(&"k", 5.0, start).unwrap_err();
        assert_eq!(wait, Duration::from_millis(500));
        assert!(limiter.take(&"k", 5.0, start + Duration::from_millis(500)).is_ok());
        assert!(limiter.take(&"other", 20.0, start).is_ok(), "keys have their own buckets");
    }

    #[test]
    fn a_request_larger_than_the_burst_waits_for_a_full_bucket() {
        let limiter = RateLimiter::new(Rate::per_second(10.0));
        let start = Instant::now();
        assert!(limiter.take(&1, 500.0, start).is_ok());
        assert_eq!(limiter.take(&1, 500.0, start), Err(Duration::from_secs(2)));
    }

    #[test]
    fn sockets_per_address_are_capped_and_freed() {
        let limits = Limits::new(&LimitsConfig { sockets_per_address: 2, ..LimitsConfig::default() });
        let (a, b) = (IpAddr::from([10, 0, 0, 1]), IpAddr::from([10, 0, 0, 2]));
        assert!(limits.socket_opened(a) && limits.socket_opened(a));
        assert!(!limits.socket_opened(a) && limits.socket_opened(b));
        limits.socket_closed(a);
        assert!(limits.socket_opened(a));
    }

    #[test]
    fn only_the_own_or_configured_origins_may_use_the_cookie() {
        let limits = Limits::new(&LimitsConfig {
            allowed_origins: vec!["https://admin.example".into()],
            ..LimitsConfig::default()
        });
        let headers = |origin: Option<&str>| {
            let mut h = HeaderMap::new();
            h.insert(header::HOST, "dash.example:3000".parse().unwrap());
            if let Some(origin) = origin {
                h.insert(header::ORIGIN, origin.parse().unwrap());
            }
            h
        };
        assert!(limits.origin_allowed(&headers(None)));
        assert!(limits.origin_allowed(&headers(Some("http://dash.example:3000"))));
        assert!(limits.origin_allowed(&headers(Some("https://admin.example"))));
        assert!(!limits.origin_allowed(&headers(Some("https://evil.example"))));
        assert!(!limits.origin_allowed(&headers(Some("http://dash.example:3000.evil.example"))));
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64_block() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(limit_group(a), limit_group(b));
        assert_ne!(limit_group(a), limit_group(other));
        assert_eq!(limit_group(IpAddr::from([192, 0, 2, 7])), IpAddr::from([192, 0, 2, 7]));
    }

    #[test]
    fn zero_means_unlimited() {
        let limiter = RateLimiter::new(Rate::UNLIMITED);
        assert!(limiter.take(&1, 1e9, Instant::now()).is_ok());
    }
}
