//! Live updates: the signals sent when the figures move (`signals`), their delivery to
//! every instance's sockets (`fanout`), the Socket.IO doors (`sockets`), and the end of
//! sockets whose login or key is over (`login_watch`).

pub mod fanout;
pub mod login_watch;
pub mod signals;
pub mod sockets;

/// The namespace of live dashboards.
pub const DASHBOARD_NS: &str = "/dashboard";
/// The namespace widget servers send events on.
pub const INGEST_NS: &str = "/ingest";
