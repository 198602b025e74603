//! Live updates: the signals sent when the figures move (`signals`), their delivery to
//! every instance's sockets (`fanout`), the Socket.IO doors (`sockets`), and the end of
//! sockets whose login or key is over (`login_watch`).

pub mod fanout;
pub mod login_watch;
pub mod signals;
pub mod sockets;

/// The namespace of live dashboards.
pub const DASHBOARD_NS: &str = "/dashboard";
/// The room of `/dashboard` sockets that hear `stats_update` of both channels: every
/// socket starts there, and stays unless it asks to `watch` one channel.
pub const STATS_ALL_ROOM: &str = "stats:all";

/// The room of the sockets that watch one channel, by the channel's code.
pub const STATS_CHANNEL_ROOMS: [&str; 2] = ["stats:web", "stats:premium"];

/// The rooms that hear `stats_update` of `channel`: the whole-site one and its own.
pub fn stats_rooms(channel: crate::server::domain::event::Channel) -> [&'static str; 2] {
    [STATS_ALL_ROOM, STATS_CHANNEL_ROOMS[channel as usize]]
}

/// The namespace widget servers send events on.
pub const INGEST_NS: &str = "/ingest";
