//! Plain-Rust domain: the events the widgets send and the rules that turn them into
//! sessions. No I/O here, so every rule is testable on its own.

pub mod conversation;
pub mod country;
pub mod country_code;
pub mod country_names;
pub mod event;
pub mod number;
pub mod outcome;
pub mod page_url;
pub mod refusal;
pub mod sessions;
pub mod settings;
pub mod time;
