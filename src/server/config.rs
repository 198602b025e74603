//! Configuration from the environment (and a `.env` file), with the contract's defaults.

use std::fmt;

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
    pub admin_password: Option<Secret>,
    pub ingest_key: Option<Secret>,
    pub read_key: Option<Secret>,
    pub demo: bool,
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
            admin_password: set("CHATPULSE_ADMIN_PASSWORD").map(Secret::new),
            ingest_key: set("CHATPULSE_INGEST_KEY").map(Secret::new),
            read_key: set("CHATPULSE_READ_KEY").map(Secret::new),
            demo: set("CHATPULSE_DEMO").is_some_and(|v| v == "1" || v.eq_ignore_ascii_case("true")),
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
    fn secrets_do_not_print() {
        let config = Config::from_lookup(|name| (name == "CHATPULSE_INGEST_KEY").then(|| "hunter2".to_string()));
        assert!(!format!("{config:?}").contains("hunter2"));
        assert_eq!(config.ingest_key.unwrap().expose(), "hunter2");
    }
}
