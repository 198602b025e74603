//! The `Stats` document of `stats.md` and the small shared types around it: what the
//! server computes, the API serves and the pages render.

use serde::{Deserialize, Serialize};

pub use crate::conversation_figures::{OperatorsPage, OutcomeCounts, PagesList, Queue, ResponseTimes, Timing};

/// One of the two products a widget runs in: the one place their names are written.
/// Its number is how events store it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    Web = 0,
    Premium = 1,
}

impl Channel {
    pub const ALL: [Channel; 2] = [Channel::Web, Channel::Premium];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Premium => "premium",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Channel::ALL.into_iter().find(|channel| channel.as_str() == text)
    }

    pub fn from_code(code: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|c| *c as i64 == code)
    }
}

/// The channel filter of a request: both products or one of them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelFilter {
    #[default]
    All,
    Web,
    Premium,
}

impl From<Channel> for ChannelFilter {
    fn from(channel: Channel) -> Self {
        match channel {
            Channel::Web => ChannelFilter::Web,
            Channel::Premium => ChannelFilter::Premium,
        }
    }
}

impl ChannelFilter {
    /// The one channel it keeps, or `None` for both.
    pub fn channel(self) -> Option<Channel> {
        match self {
            ChannelFilter::All => None,
            ChannelFilter::Web => Some(Channel::Web),
            ChannelFilter::Premium => Some(Channel::Premium),
        }
    }

    pub fn as_str(self) -> &'static str {
        self.channel().map_or("all", Channel::as_str)
    }

    /// The dashboard page of the channel.
    pub fn path(self) -> &'static str {
        match self {
            ChannelFilter::All => "/",
            ChannelFilter::Web => "/web",
            ChannelFilter::Premium => "/premium",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "all" => Some(ChannelFilter::All),
            one => Channel::parse(one).map(ChannelFilter::from),
        }
    }
}

/// The settings that shape the figures (`stats.md`, "Settings that shape the figures").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub session_gap_minutes: u32,
    pub min_session_messages: u32,
    pub online_window_minutes: u32,
    pub timezone: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            session_gap_minutes: 30,
            min_session_messages: 2,
            online_window_minutes: 5,
            timezone: "UTC".to_string(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    pub users: u64,
    pub web_users: u64,
    pub premium_users: u64,
    pub sessions: u64,
    pub human_sessions: u64,
    pub messages: u64,
    pub user_messages: u64,
    pub bot_messages: u64,
    pub operator_messages: u64,
    pub widget_opens: u64,
    pub online_users: u64,
    pub avg_messages_per_session: f64,
    pub avg_session_seconds: f64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthCount {
    pub month: String,
    pub messages: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    pub date: String,
    pub messages: u64,
    pub sessions: u64,
    /// The outcomes of the sessions that started that day.
    #[serde(default)]
    pub outcomes: OutcomeCounts,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountryCount {
    /// An ISO 3166-1 alpha-2 code, or a group (`CountryBucket`): "other", "unknown".
    pub country: String,
    pub users: u64,
}

/// What an entry of the top countries, or a country filter, stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountryBucket<'a> {
    /// One country, by its ISO 3166-1 alpha-2 code.
    Country(&'a str),
    /// Every country past the top ones.
    Other,
    /// Visitors whose country is not known.
    Unknown,
}

impl<'a> CountryBucket<'a> {
    pub const OTHER: &'static str = "other";
    pub const UNKNOWN: &'static str = "unknown";

    /// The bucket an entry's text names.
    pub fn of(text: &'a str) -> CountryBucket<'a> {
        match text {
            CountryBucket::OTHER => CountryBucket::Other,
            CountryBucket::UNKNOWN => CountryBucket::Unknown,
            code => CountryBucket::Country(code),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DistributionBucket {
    pub bucket: String,
    pub sessions: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelCount {
    pub channel: String,
    pub sessions: u64,
    pub messages: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    pub session_id: String,
    pub user_id: String,
    pub channel: String,
    pub session_number: u64,
    pub total_sessions: u64,
    pub user_name: Option<String>,
    pub first_activity: String,
    pub last_activity: String,
    /// The same two instants in epoch milliseconds, for the server's own use (local
    /// times on the page); the JSON carries the RFC 3339 text only.
    #[serde(skip)]
    pub first_ms: i64,
    #[serde(skip)]
    pub last_ms: i64,
    pub message_count: u64,
    pub human_mode: bool,
    pub country: Option<String>,
    pub city: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionsPage {
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
    pub rows: Vec<SessionRow>,
}

/// The whole answer of `GET /api/stats` and of the dashboard's server functions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub channel: ChannelFilter,
    pub from: String,
    pub to: String,
    pub generated_at: String,
    pub version: u64,
    pub settings: Settings,
    pub totals: Totals,
    pub monthly: Vec<MonthCount>,
    pub daily: Vec<DayCount>,
    pub heatmap: Vec<Vec<u64>>,
    pub countries: Vec<CountryCount>,
    pub distribution: Vec<DistributionBucket>,
    pub channels: Vec<ChannelCount>,
    #[serde(default)]
    pub outcomes: OutcomeCounts,
    #[serde(default)]
    pub response_times: ResponseTimes,
    #[serde(default)]
    pub queue: Queue,
    pub sessions_page: SessionsPage,
}

/// The figures a dashboard view shows, computed on the server once per view and
/// version (`server::present::dashboard`): not sent as such, but written into a
/// `DashboardPage`. Three names, three things: `DashboardView` is what the URL asks for,
/// `DashboardFigures` what the engine answers, `DashboardPage` what the browser gets.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DashboardFigures {
    pub stats: Stats,
    /// The totals of the period just before, when the view compares.
    pub previous: Option<Totals>,
    /// First and last local day of the range, `YYYY-MM-DD`.
    pub first_day: String,
    pub last_day: String,
    /// Names, in the view's language, of the country codes on the page.
    pub country_names: Vec<(String, String)>,
    /// Each listed session's first and last activity as local `YYYY-MM-DD HH:MM`, in
    /// the configured time zone.
    pub row_times: Vec<(String, String)>,
    /// The busiest operators of the range (the first page, default order).
    pub operators: OperatorsPage,
    pub pages: PagesList,
}

/// A dashboard page as the browser receives it: the totals, the sessions table and each
/// chart's table already written as HTML in the viewer's language on the server, and
/// each chart's ECharts option. The browser sets these in place and never needs the
/// figures themselves, which keeps its code small.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardPage {
    pub version: u64,
    pub totals_html: String,
    pub sessions_html: String,
    /// The operators and pages tables.
    #[serde(default)]
    pub tables_html: String,
    /// In `ChartKind::ALL` order.
    pub charts: Vec<ChartPart>,
    /// First and last local day of the range, `YYYY-MM-DD`.
    pub first_day: String,
    pub last_day: String,
}

/// One chart of a `DashboardPage`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartPart {
    /// The ECharts option as JSON.
    pub option: String,
    /// Its numbers as an HTML table, for "view as table". Empty as `get_dashboard`
    /// answers: `get_chart_table` sends it when a table is opened.
    pub table_html: String,
    /// What a click on the element at each data index filters the sessions table to:
    /// the value of the chart's `ChartKind::filter_param` (empty: nothing).
    pub filter_values: Vec<String>,
}

/// An admin account as the settings page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminAccount {
    pub username: String,
    /// Local `YYYY-MM-DD HH:MM` in the configured time zone.
    pub created: String,
    /// Whether this is the admin looking at the page.
    pub is_you: bool,
    /// A viewer: sees the dashboards and exports CSV, changes nothing.
    #[serde(default)]
    pub viewer: bool,
}

/// An API key as the settings page lists it; the key itself is shown only once, when
/// it is created.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyListing {
    pub id: i64,
    pub label: String,
    pub scope: String,
    /// `settings`, `env:<scope>` or `generated`: where the key came from.
    pub source: String,
    /// Local times, `YYYY-MM-DD HH:MM`, in the configured time zone.
    pub created: String,
    pub last_used: Option<String>,
    pub revoked: Option<String>,
}

/// The settings page's lists of admins and keys, as HTML in the viewer's language, each
/// row with its own remove or revoke form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLists {
    pub admins_html: String,
    pub keys_html: String,
}

/// Who may get in: the settings page's admins and keys.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    pub admins: Vec<AdminAccount>,
    pub keys: Vec<ApiKeyListing>,
}

/// What a followed source (a SQL table, a widget server) is doing now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceState {
    /// Configured, not connected yet.
    #[default]
    Starting,
    /// Another instance follows it (one at a time, by leader election).
    Standby,
    /// Reading the history a page at a time.
    Backfilling,
    /// Caught up; reading new rows as they land.
    Following,
    /// Connected to a widget server and listening.
    Connected,
    /// Unreachable or refusing; `detail` says why. It is retried with backoff.
    Down,
}

/// One reason a source's rows or announcements were refused, with how often.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRefusalCount {
    pub reason: String,
    pub count: u64,
    /// Where the last such row is: its cursor (SQL) or its event name (Socket.IO).
    pub last: String,
}

/// A followed source as `/healthz`, `/metrics` and the settings page show it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceStatus {
    /// `sql`, or `socketio:<channel>`.
    pub name: String,
    pub state: SourceState,
    /// Why it is down, or what it is waiting for.
    pub detail: Option<String>,
    /// Rows (SQL) or announcements (Socket.IO) read since the source was first followed.
    pub read: u64,
    /// Of those, how many could not become events.
    pub refused: u64,
    /// The SQL source's stored cursor.
    pub cursor: Option<String>,
    /// When the state last changed (ms since the epoch).
    pub since_ms: i64,
    pub refusals: Vec<SourceRefusalCount>,
}
