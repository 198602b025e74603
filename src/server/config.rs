//! Configuration from the environment (and a `.env` file), with the contract's defaults.

use std::fmt;

use crate::server::client_address::TrustedProxies;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/chatpulse.db";

/// A value that must never reach a log line.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub redis_url: Option<String>,
    /// The Redis channel prefix: instances that share it serve dashboards together.
    pub redis_prefix: String,
    pub admin_password: Option<Secret>,
    pub ingest_key: Option<Secret>,
    pub read_key: Option<Secret>,
    pub demo: bool,
    /// Events older than this many days are deleted (hourly); `None` keeps them all.
    pub retention_days: Option<u32>,
    pub limits: LimitsConfig,
}

/// How much one client may ask for; a rate of 0 turns that limit off.
#[derive(Clone, Debug)]
pub struct LimitsConfig {
    /// Events per second per ingest key, over HTTP (a burst of two seconds' worth).
    pub key_events_per_second: f64,
    /// Ingest requests per second per client address.
    pub address_requests_per_second: f64,
    /// Stats reads per second per client address (`/api/stats`; a CSV export costs 25).
    pub address_reads_per_second: f64,
    /// Session rows one CSV export holds at most; a wider range is refused (400).
    pub export_max_rows: u64,
    /// Events per second per ingest key and client address over Socket.IO.
    pub socket_events_per_second: f64,
    /// Open sockets per client address, both namespaces together.
    pub sockets_per_address: usize,
    /// Origins besides the server's own whose pages may open a `/dashboard` socket with
    /// the admin cookie (`https://admin.example.com`).
    pub allowed_origins: Vec<String>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`127.0.0.1,10.0.0.0/8`).
    pub trusted_proxies: TrustedProxies,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            key_events_per_second: 10_000.0,
            address_requests_per_second: 200.0,
            address_reads_per_second: 50.0,
            export_max_rows: 100_000,
            socket_events_per_second: 100.0,
            sockets_per_address: 100,
            allowed_origins: Vec::new(),
            trusted_proxies: TrustedProxies::default(),
        }
    }
}

impl LimitsConfig {
    fn from_lookup(set: impl Fn(&str) -> Option<String>) -> LimitsConfig {
        let defaults = LimitsConfig::default();
        let number = |name: &str, default: f64| set(name).and_then(|v| v.trim().parse::<f64>().ok()).unwrap_or(default);
        LimitsConfig {
            key_events_per_second: number("CHATPULSE_KEY_EVENTS_PER_SECOND", defaults.key_events_per_second),
            address_requests_per_second: number(
                "CHATPULSE_ADDRESS_REQUESTS_PER_SECOND",
                defaults.address_requests_per_second,
            ),
            address_reads_per_second: number("CHATPULSE_ADDRESS_READS_PER_SECOND", defaults.address_reads_per_second),
            export_max_rows: number("CHATPULSE_EXPORT_MAX_ROWS", defaults.export_max_rows as f64).max(1.0) as u64,
            socket_events_per_second: number("CHATPULSE_SOCKET_EVENTS_PER_SECOND", defaults.socket_events_per_second),
            sockets_per_address: number("CHATPULSE_SOCKETS_PER_ADDRESS", defaults.sockets_per_address as f64) as usize,
            allowed_origins: set("CHATPULSE_ALLOWED_ORIGINS")
                .map(|v| {
                    v.split(',').map(|o| o.trim().trim_end_matches('/').to_string()).filter(|o| !o.is_empty()).collect()
                })
                .unwrap_or_default(),
            trusted_proxies: set("CHATPULSE_TRUSTED_PROXIES").map(|v| TrustedProxies::parse(&v)).unwrap_or_default(),
        }
    }
}

impl Config {
    /// Reads `.env` (when present) and then the process environment, which wins.
    pub fn from_env() -> Config {
        let _ = dotenvy::dotenv();
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Config {
        let set = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        Config {
            database_url: set("CHATPULSE_DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string()),
            redis_url: set("CHATPULSE_REDIS_URL"),
            redis_prefix: set("CHATPULSE_REDIS_PREFIX").unwrap_or_else(|| "chatpulse".to_string()),
            admin_password: set("CHATPULSE_ADMIN_PASSWORD").map(Secret::new),
            ingest_key: set("CHATPULSE_INGEST_KEY").map(Secret::new),
            read_key: set("CHATPULSE_READ_KEY").map(Secret::new),
            demo: set("CHATPULSE_DEMO").is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true")),
            retention_days: set("CHATPULSE_RETENTION_DAYS").and_then(|v| match v.trim().parse::<u32>() {
                Ok(0) => None,
                Ok(days) => Some(days),
                Err(_) => {
                    tracing::error!(value = %v, "CHATPULSE_RETENTION_DAYS is not a whole number of days: nothing is deleted");
                    None
                }
            }),
            limits: LimitsConfig::from_lookup(set),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_work_on_a_fresh_machine() {
        let config = Config::from_lookup(|_| None);
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
        assert!(config.redis_url.is_none() && config.admin_password.is_none() && !config.demo);
    }

    #[test]
    fn limits_are_read_and_zero_turns_one_off() {
        let config = Config::from_lookup(|name| match name {
            "CHATPULSE_KEY_EVENTS_PER_SECOND" => Some("0".into()),
            "CHATPULSE_ALLOWED_ORIGINS" => Some("https://a.example/, https://b.example".into()),
            _ => None,
        });
        assert_eq!(config.limits.key_events_per_second, 0.0);
        assert_eq!(config.limits.allowed_origins, ["https://a.example", "https://b.example"]);
        assert_eq!(config.limits.sockets_per_address, LimitsConfig::default().sockets_per_address);
    }

    #[test]
    fn retention_is_whole_days_and_zero_keeps_everything() {
        let days =
            |v: &str| Config::from_lookup(|n| (n == "CHATPULSE_RETENTION_DAYS").then(|| v.to_string())).retention_days;
        assert_eq!(days("30"), Some(30));
        assert_eq!(days("0"), None);
        assert_eq!(days("a month"), None);
    }

    #[test]
    fn secrets_do_not_print() {
        let config = Config::from_lookup(|name| (name == "CHATPULSE_INGEST_KEY").then(|| "hunter2".to_string()));
        assert!(!format!("{config:?}").contains("hunter2"));
        assert_eq!(config.ingest_key.unwrap().expose(), "hunter2");
    }
}
