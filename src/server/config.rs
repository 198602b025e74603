//! Configuration from the environment (and a `.env` file), with the contract's defaults.

use std::fmt;

use crate::server::client_address::TrustedProxies;
use crate::server::domain::event::Channel;

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
    /// The most PostgreSQL connections this instance's pool opens (leadership locks
    /// and `LISTEN` hold theirs outside it); SQLite keeps its own small pool.
    pub database_connections: u32,
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
    /// A PostgreSQL table followed for events (`CHATPULSE_SQL_SOURCE_*`).
    pub sql_source: Option<SqlSourceConfig>,
    /// Widget servers whose Socket.IO announcements become events
    /// (`CHATPULSE_SOCKETIO_SOURCES=web=http://host:3000/stats,...`).
    pub widget_sources: Vec<WidgetSourceConfig>,
    /// The wait before a failed webhook call's first retry; each next wait doubles.
    pub webhook_retry_ms: u64,
    /// Where this instance keeps its engine checkpoint, and how often it rewrites it;
    /// `None` (`CHATPULSE_CHECKPOINT=off`) keeps none.
    pub checkpoint: Option<CheckpointConfig>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckpointConfig {
    pub path: std::path::PathBuf,
    pub every_seconds: u64,
}

/// The checkpoint file a database gets unless `CHATPULSE_CHECKPOINT` names one: beside
/// a SQLite file, or `data/chatpulse-<digest of the URL>.checkpoint` for PostgreSQL (one
/// file per database, the same across restarts). An in-memory SQLite database has none.
pub fn default_checkpoint_path(database_url: &str) -> Option<std::path::PathBuf> {
    if let Some(rest) = database_url.strip_prefix("sqlite:") {
        let file = rest.trim_start_matches("//").split('?').next().unwrap_or_default();
        let in_memory = file.is_empty() || file == ":memory:" || database_url.contains("mode=memory");
        return (!in_memory).then(|| format!("{file}.checkpoint").into());
    }
    use sha2::Digest;
    let digest = hex::encode(sha2::Sha256::digest(mask_url_password(database_url).as_bytes()));
    Some(format!("data/chatpulse-{}.checkpoint", &digest[..16]).into())
}

/// The followed SQL table: where, the query that pages it, and the channel that wakes.
#[derive(Clone, Debug)]
pub struct SqlSourceConfig {
    pub url: Secret,
    /// A `SELECT` with one text parameter `$1` (the last cursor, or `''`).
    pub query: String,
    /// A `LISTEN` channel whose notifications mean a new row.
    pub notify: Option<String>,
}

/// One widget server's `/stats` namespace, and the channel its visitors belong to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WidgetSourceConfig {
    pub channel: Channel,
    /// `http://host:3000` (the server; the Socket.IO path is the default `/socket.io/`).
    pub server: String,
    /// `/stats`.
    pub namespace: String,
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

/// Reads variables, keeping every malformed one as a problem instead of falling back to
/// its default: a typo in a limit must stop the start, not quietly change the limit.
struct Reader<'a> {
    get: &'a dyn Fn(&str) -> Option<String>,
    problems: Vec<String>,
}

impl Reader<'_> {
    /// The variable's value, if it is set to something other than blanks.
    fn text(&self, name: &str) -> Option<String> {
        (self.get)(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
    }

    fn problem(&mut self, name: &str, value: &str, expected: &str) {
        self.problems.push(format!("{name}={value:?}: {expected}"));
    }

    /// A rate: a number ≥ 0 (0 turns the limit off).
    fn rate(&mut self, name: &str, default: f64) -> f64 {
        let Some(text) = self.text(name) else { return default };
        match text.parse::<f64>() {
            Ok(rate) if rate.is_finite() && rate >= 0.0 => rate,
            _ => {
                self.problem(name, &text, "expected a number of 0 or more (0 turns the limit off)");
                default
            }
        }
    }

    /// A whole number ≥ `least`.
    fn count(&mut self, name: &str, default: u64, least: u64) -> u64 {
        let Some(text) = self.text(name) else { return default };
        match text.parse::<u64>() {
            Ok(n) if n >= least => n,
            _ => {
                self.problem(name, &text, &format!("expected a whole number of {least} or more"));
                default
            }
        }
    }

    fn flag(&mut self, name: &str) -> bool {
        let Some(text) = self.text(name) else { return false };
        match text.to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => true,
            "0" | "false" | "no" | "off" => false,
            _ => {
                self.problem(name, &text, "expected 1 or 0 (true or false)");
                false
            }
        }
    }

    /// `CHATPULSE_CHECKPOINT` (a path, or `off`) and `CHATPULSE_CHECKPOINT_SECONDS`.
    fn checkpoint(&mut self, database_url: &str) -> Option<CheckpointConfig> {
        let every_seconds = self.count("CHATPULSE_CHECKPOINT_SECONDS", 300, 1);
        let path = match self.text("CHATPULSE_CHECKPOINT") {
            Some(text) if text.eq_ignore_ascii_case("off") => None,
            Some(text) => Some(text.into()),
            None => default_checkpoint_path(database_url),
        };
        path.map(|path| CheckpointConfig { path, every_seconds })
    }

    fn origins(&mut self, name: &str) -> Vec<String> {
        let Some(text) = self.text(name) else { return Vec::new() };
        let mut origins = Vec::new();
        for origin in text.split(',').map(|o| o.trim().trim_end_matches('/')).filter(|o| !o.is_empty()) {
            let well_formed = origin.split_once("://").is_some_and(|(scheme, host)| {
                matches!(scheme, "http" | "https") && !host.is_empty() && !host.contains('/')
            });
            if well_formed {
                origins.push(origin.to_string());
            } else {
                self.problem(name, origin, "expected origins like https://admin.example.com, comma-separated");
            }
        }
        origins
    }

    fn sql_source(&mut self) -> Option<SqlSourceConfig> {
        const URL: &str = "CHATPULSE_SQL_SOURCE_URL";
        const QUERY: &str = "CHATPULSE_SQL_SOURCE_QUERY";
        const NOTIFY: &str = "CHATPULSE_SQL_SOURCE_NOTIFY";
        let (url, query, notify) = (self.text(URL), self.text(QUERY), self.text(NOTIFY));
        match (&url, &query) {
            (None, None) => {
                if let Some(notify) = notify {
                    self.problem(NOTIFY, &notify, "needs CHATPULSE_SQL_SOURCE_URL and CHATPULSE_SQL_SOURCE_QUERY");
                }
                return None;
            }
            (Some(_), None) => self.problem(QUERY, "", "needs a SELECT when CHATPULSE_SQL_SOURCE_URL is set"),
            (None, Some(_)) => self.problem(URL, "", "needs a postgres:// URL when CHATPULSE_SQL_SOURCE_QUERY is set"),
            (Some(_), Some(_)) => {}
        }
        let (url, query) = (url?, query?);
        if !url.starts_with("postgres://") && !url.starts_with("postgresql://") {
            self.problem(URL, &mask_url_password(&url), "expected a postgres:// URL");
        }
        let lowered = query.trim_start().to_ascii_lowercase();
        if !(lowered.starts_with("select") || lowered.starts_with("with")) || !query.contains("$1") {
            self.problem(QUERY, &query, "expected a SELECT (or WITH … SELECT) using $1, the last cursor as text");
        }
        if let Some(channel) = notify.as_deref().filter(|c| !is_identifier(c)) {
            let channel = channel.to_string();
            self.problem(NOTIFY, &channel, "expected a channel name of letters, digits and _");
        }
        Some(SqlSourceConfig { url: Secret::new(url), query, notify })
    }

    fn widget_sources(&mut self) -> Vec<WidgetSourceConfig> {
        const NAME: &str = "CHATPULSE_SOCKETIO_SOURCES";
        let Some(text) = self.text(NAME) else { return Vec::new() };
        let mut sources: Vec<WidgetSourceConfig> = Vec::new();
        for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            match parse_widget_source(entry) {
                Some(source) if sources.iter().any(|s| s.channel == source.channel) => {
                    self.problem(NAME, entry, "names a channel twice")
                }
                Some(source) => sources.push(source),
                None => self.problem(
                    NAME,
                    entry,
                    "expected channel=URL pairs like web=http://host:3000/stats,premium=http://host:3001/stats",
                ),
            }
        }
        sources
    }

    fn proxies(&mut self, name: &str) -> TrustedProxies {
        let Some(text) = self.text(name) else { return TrustedProxies::default() };
        for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if crate::server::client_address::AddressBlock::parse(entry).is_none() {
                self.problem(name, entry, "expected addresses or CIDR blocks like 10.0.0.0/8, comma-separated");
            }
        }
        TrustedProxies::parse(&text)
    }
}

impl LimitsConfig {
    fn read(reader: &mut Reader<'_>) -> LimitsConfig {
        let defaults = LimitsConfig::default();
        LimitsConfig {
            key_events_per_second: reader.rate("CHATPULSE_KEY_EVENTS_PER_SECOND", defaults.key_events_per_second),
            address_requests_per_second: reader
                .rate("CHATPULSE_ADDRESS_REQUESTS_PER_SECOND", defaults.address_requests_per_second),
            address_reads_per_second: reader
                .rate("CHATPULSE_ADDRESS_READS_PER_SECOND", defaults.address_reads_per_second),
            export_max_rows: reader.count("CHATPULSE_EXPORT_MAX_ROWS", defaults.export_max_rows, 1),
            socket_events_per_second: reader
                .rate("CHATPULSE_SOCKET_EVENTS_PER_SECOND", defaults.socket_events_per_second),
            sockets_per_address: reader.count("CHATPULSE_SOCKETS_PER_ADDRESS", defaults.sockets_per_address as u64, 0)
                as usize,
            allowed_origins: reader.origins("CHATPULSE_ALLOWED_ORIGINS"),
            trusted_proxies: reader.proxies("CHATPULSE_TRUSTED_PROXIES"),
        }
    }
}

/// Why the configuration cannot be used: every malformed variable, each with what was
/// expected.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("the configuration has {} problem(s):\n  {}", .0.len(), .0.join("\n  "))]
pub struct ConfigError(pub Vec<String>);

impl Config {
    /// Reads `.env` (when present) and then the process environment, which wins.
    pub fn from_env() -> Result<Config, ConfigError> {
        let _ = dotenvy::dotenv();
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let mut reader = Reader { get: &get, problems: Vec::new() };
        let database_url = reader.text("CHATPULSE_DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string());
        if !["sqlite:", "postgres:", "postgresql:"].iter().any(|scheme| database_url.starts_with(scheme)) {
            reader.problem("CHATPULSE_DATABASE_URL", &database_url, "expected a sqlite:// or postgres:// URL");
        }
        let redis_url = reader.text("CHATPULSE_REDIS_URL");
        if let Some(url) = redis_url.as_deref().filter(|u| !u.starts_with("redis://") && !u.starts_with("rediss://")) {
            let url = url.to_string();
            reader.problem("CHATPULSE_REDIS_URL", &url, "expected a redis:// or rediss:// URL");
        }
        let retention = reader.count("CHATPULSE_RETENTION_DAYS", 0, 0);
        if let Some(format) = reader.text("CHATPULSE_LOG_FORMAT").filter(|f| !matches!(f.as_str(), "text" | "json")) {
            reader.problem("CHATPULSE_LOG_FORMAT", &format, "expected text or json");
        }
        let database_connections =
            reader.count("CHATPULSE_DATABASE_CONNECTIONS", crate::server::db::DEFAULT_CONNECTIONS.into(), 2);
        let config = Config {
            database_url: database_url.clone(),
            database_connections: u32::try_from(database_connections).unwrap_or(u32::MAX),
            redis_url,
            redis_prefix: reader.text("CHATPULSE_REDIS_PREFIX").unwrap_or_else(|| "chatpulse".to_string()),
            admin_password: reader.text("CHATPULSE_ADMIN_PASSWORD").map(Secret::new),
            ingest_key: reader.text("CHATPULSE_INGEST_KEY").map(Secret::new),
            read_key: reader.text("CHATPULSE_READ_KEY").map(Secret::new),
            demo: reader.flag("CHATPULSE_DEMO"),
            retention_days: u32::try_from(retention).ok().filter(|days| *days > 0),
            limits: LimitsConfig::read(&mut reader),
            sql_source: reader.sql_source(),
            widget_sources: reader.widget_sources(),
            webhook_retry_ms: reader.count("CHATPULSE_WEBHOOK_RETRY_MS", 5000, 100),
            checkpoint: reader.checkpoint(&database_url),
        };
        if reader.problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError(reader.problems))
        }
    }

    /// The effective configuration, one `NAME = value` line each, secrets masked.
    pub fn describe(&self) -> String {
        let secret = |s: &Option<Secret>| if s.is_some() { "(set, hidden)" } else { "(unset)" }.to_string();
        let limits = &self.limits;
        let rows = [
            ("CHATPULSE_DATABASE_URL", mask_url_password(&self.database_url)),
            ("CHATPULSE_DATABASE_CONNECTIONS", self.database_connections.to_string()),
            ("CHATPULSE_REDIS_URL", self.redis_url.as_deref().map_or("(unset)".into(), mask_url_password)),
            ("CHATPULSE_REDIS_PREFIX", self.redis_prefix.clone()),
            ("CHATPULSE_ADMIN_PASSWORD", secret(&self.admin_password)),
            ("CHATPULSE_INGEST_KEY", secret(&self.ingest_key)),
            ("CHATPULSE_READ_KEY", secret(&self.read_key)),
            ("CHATPULSE_DEMO", if self.demo { "1" } else { "0" }.to_string()),
            ("CHATPULSE_RETENTION_DAYS", self.retention_days.map_or("(keep everything)".into(), |d| d.to_string())),
            ("CHATPULSE_WEBHOOK_RETRY_MS", self.webhook_retry_ms.to_string()),
            ("CHATPULSE_CHECKPOINT", self.checkpoint.as_ref().map_or("off".into(), |c| c.path.display().to_string())),
            (
                "CHATPULSE_CHECKPOINT_SECONDS",
                self.checkpoint.as_ref().map_or("(no checkpoint)".into(), |c| c.every_seconds.to_string()),
            ),
            ("CHATPULSE_KEY_EVENTS_PER_SECOND", limits.key_events_per_second.to_string()),
            ("CHATPULSE_ADDRESS_REQUESTS_PER_SECOND", limits.address_requests_per_second.to_string()),
            ("CHATPULSE_ADDRESS_READS_PER_SECOND", limits.address_reads_per_second.to_string()),
            ("CHATPULSE_EXPORT_MAX_ROWS", limits.export_max_rows.to_string()),
            ("CHATPULSE_SOCKET_EVENTS_PER_SECOND", limits.socket_events_per_second.to_string()),
            ("CHATPULSE_SOCKETS_PER_ADDRESS", limits.sockets_per_address.to_string()),
            ("CHATPULSE_ALLOWED_ORIGINS", limits.allowed_origins.join(",")),
            ("CHATPULSE_TRUSTED_PROXIES", limits.trusted_proxies.to_string()),
        ];
        let mut text: String = rows.iter().map(|(name, value)| format!("{name} = {value}\n")).collect();
        if let Some(sql) = &self.sql_source {
            text += &format!("CHATPULSE_SQL_SOURCE_URL = {}\n", mask_url_password(sql.url.expose()));
            text += &format!(
                "CHATPULSE_SQL_SOURCE_QUERY = {}\n",
                sql.query.split_whitespace().collect::<Vec<_>>().join(" ")
            );
            text += &format!(
                "CHATPULSE_SQL_SOURCE_NOTIFY = {}\n",
                sql.notify.as_deref().unwrap_or("(unset: polled every second)")
            );
        }
        let widgets: Vec<String> = self
            .widget_sources
            .iter()
            .map(|s| format!("{}={}{}", s.channel.as_str(), mask_url_password(&s.server), s.namespace))
            .collect();
        text += &format!(
            "CHATPULSE_SOCKETIO_SOURCES = {}\n",
            if widgets.is_empty() { "(unset)".into() } else { widgets.join(",") }
        );
        text
    }
}

/// `web=http://host:3000/stats`: the channel, the server and the namespace (`/` when the
/// URL has no path).
fn parse_widget_source(entry: &str) -> Option<WidgetSourceConfig> {
    let (channel, url) = entry.split_once('=')?;
    let channel = Channel::parse(channel.trim())?;
    let (scheme, rest) = url.trim().split_once("://")?;
    if !matches!(scheme, "http" | "https") {
        return None;
    }
    let (host, path) = rest.split_once('/').map_or((rest, ""), |(host, path)| (host, path));
    if host.is_empty() || path.contains(['?', '#']) {
        return None;
    }
    Some(WidgetSourceConfig {
        channel,
        server: format!("{scheme}://{host}"),
        namespace: format!("/{}", path.trim_end_matches('/')),
    })
}

fn is_identifier(text: &str) -> bool {
    !text.is_empty() && text.len() <= 63 && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A URL with its password, if any, replaced by `***`.
fn mask_url_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let Some((credentials, host)) = rest.split_once('@') else { return url.to_string() };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_work_on_a_fresh_machine() {
        let config = Config::from_lookup(|_| None).unwrap();
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
        assert!(config.redis_url.is_none() && config.admin_password.is_none() && !config.demo);
    }

    #[test]
    fn the_checkpoint_sits_beside_a_sqlite_file_and_one_per_postgres_database() {
        let path = |url: &str, named: Option<&str>| {
            let config = Config::from_lookup(|name| match name {
                "CHATPULSE_DATABASE_URL" => Some(url.to_string()),
                "CHATPULSE_CHECKPOINT" => named.map(str::to_string),
                _ => None,
            });
            config.unwrap().checkpoint.map(|c| c.path.display().to_string())
        };
        assert_eq!(path("sqlite://data/chatpulse.db", None).as_deref(), Some("data/chatpulse.db.checkpoint"));
        assert_eq!(path("sqlite:///var/lib/cp.db?mode=rwc", None).as_deref(), Some("/var/lib/cp.db.checkpoint"));
        assert_eq!(path("sqlite::memory:", None), None);
        let first = path("postgres://app:one@db.example/first", None).unwrap();
        assert!(first.starts_with("data/chatpulse-") && first.ends_with(".checkpoint"), "{first}");
        assert_eq!(
            path("postgres://app:rotated@db.example/first", None).unwrap(),
            first,
            "a new password, the same file"
        );
        assert_ne!(path("postgres://app:one@db.example/second", None).unwrap(), first);
        assert_eq!(path("sqlite://data/chatpulse.db", Some("OFF")), None);
        assert_eq!(path("sqlite://data/chatpulse.db", Some("/srv/cp.ckpt")).as_deref(), Some("/srv/cp.ckpt"));
        let seconds = Config::from_lookup(|n| (n == "CHATPULSE_CHECKPOINT_SECONDS").then(|| "0".to_string()));
        assert!(seconds.is_err(), "a checkpoint every 0 seconds is refused");
    }

    #[test]
    fn limits_are_read_and_zero_turns_one_off() {
        let config = Config::from_lookup(|name| match name {
            "CHATPULSE_KEY_EVENTS_PER_SECOND" => Some("0".into()),
            "CHATPULSE_ALLOWED_ORIGINS" => Some("https://a.example/, https://b.example".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(config.limits.key_events_per_second, 0.0);
        assert_eq!(config.limits.allowed_origins, ["https://a.example", "https://b.example"]);
        assert_eq!(config.limits.sockets_per_address, LimitsConfig::default().sockets_per_address);
    }

    #[test]
    fn retention_is_whole_days_and_zero_keeps_everything() {
        let days = |v: &str| Config::from_lookup(|n| (n == "CHATPULSE_RETENTION_DAYS").then(|| v.to_string()));
        assert_eq!(days("30").unwrap().retention_days, Some(30));
        assert_eq!(days("0").unwrap().retention_days, None);
        assert!(days("a month").is_err());
    }

    #[test]
    fn every_malformed_value_is_named_instead_of_quietly_becoming_the_default() {
        let error = Config::from_lookup(|name| match name {
            "CHATPULSE_KEY_EVENTS_PER_SECOND" => Some("10k".into()),
            "CHATPULSE_SOCKETS_PER_ADDRESS" => Some("-1".into()),
            "CHATPULSE_DEMO" => Some("maybe".into()),
            "CHATPULSE_TRUSTED_PROXIES" => Some("10.0.0.0/8, proxy.local".into()),
            "CHATPULSE_ALLOWED_ORIGINS" => Some("admin.example".into()),
            "CHATPULSE_DATABASE_URL" => Some("mysql://x".into()),
            "CHATPULSE_LOG_FORMAT" => Some("xml".into()),
            _ => None,
        })
        .unwrap_err();
        let names: Vec<&str> = error.0.iter().map(|p| p.split('=').next().unwrap()).collect();
        assert_eq!(
            names,
            [
                "CHATPULSE_DATABASE_URL",
                "CHATPULSE_LOG_FORMAT",
                "CHATPULSE_DEMO",
                "CHATPULSE_KEY_EVENTS_PER_SECOND",
                "CHATPULSE_SOCKETS_PER_ADDRESS",
                "CHATPULSE_ALLOWED_ORIGINS",
                "CHATPULSE_TRUSTED_PROXIES"
            ]
        );
        assert!(error.to_string().contains("\"10k\": expected a number"), "{error}");
    }

    #[test]
    fn the_description_masks_every_secret() {
        let config = Config::from_lookup(|name| match name {
            "CHATPULSE_DATABASE_URL" => Some("postgres://app:pa55word@db.example/chat?sslmode=require".into()),
            "CHATPULSE_ADMIN_PASSWORD" => Some("hunter2hunter2".into()),
            _ => None,
        })
        .unwrap();
        let text = config.describe();
        assert!(!text.contains("pa55word") && !text.contains("hunter2"), "{text}");
        assert!(text.contains("postgres://app:***@db.example/chat?sslmode=require"), "{text}");
        assert!(text.contains("CHATPULSE_ADMIN_PASSWORD = (set, hidden)"), "{text}");
    }

    #[test]
    fn sources_are_read_and_checked() {
        let config = Config::from_lookup(|name| match name {
            "CHATPULSE_SQL_SOURCE_URL" => Some("postgres://reader:s3cret@db/chat?sslmode=require".into()),
            "CHATPULSE_SQL_SOURCE_QUERY" => Some("select id as cursor from t where id > $1::bigint".into()),
            "CHATPULSE_SQL_SOURCE_NOTIFY" => Some("chat_rows".into()),
            "CHATPULSE_SOCKETIO_SOURCES" => Some("web=http://w:3000/stats, premium=https://p.example/stats/".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(config.sql_source.as_ref().unwrap().notify.as_deref(), Some("chat_rows"));
        assert_eq!(
            config.widget_sources[1],
            WidgetSourceConfig {
                channel: Channel::Premium,
                server: "https://p.example".into(),
                namespace: "/stats".into()
            }
        );
        let text = config.describe();
        assert!(
            !text.contains("s3cret") && text.contains("CHATPULSE_SOCKETIO_SOURCES = web=http://w:3000/stats,"),
            "{text}"
        );

        let error = Config::from_lookup(|name| match name {
            "CHATPULSE_SQL_SOURCE_URL" => Some("mysql://db".into()),
            "CHATPULSE_SQL_SOURCE_QUERY" => Some("delete from t".into()),
            "CHATPULSE_SQL_SOURCE_NOTIFY" => Some("x; drop".into()),
            "CHATPULSE_SOCKETIO_SOURCES" => {
                Some("web=ftp://w/stats,shop=http://s/stats,web=http://a/x,web=http://b/y".into())
            }
            _ => None,
        })
        .unwrap_err();
        assert_eq!(error.0.len(), 6, "{error}");
    }

    #[test]
    fn secrets_do_not_print() {
        let config =
            Config::from_lookup(|name| (name == "CHATPULSE_INGEST_KEY").then(|| "hunter2".to_string())).unwrap();
        assert!(!format!("{config:?}").contains("hunter2"));
        assert_eq!(config.ingest_key.unwrap().expose(), "hunter2");
    }
}
