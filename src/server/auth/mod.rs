//! Who may do what: API keys with scopes, admin passwords and login sessions.

pub mod accounts;
pub mod bootstrap;
pub mod hashing;
pub mod keyring;
pub mod logins;
pub mod throttle;

pub use keyring::{KeyError, Keyring, Scope};
pub use logins::AdminSessions;
