//! Reusable view pieces, one component per file.
//!
//! The figures' views (totals, sessions table, chart tables) and the settings page's
//! lists are rendered on the server only: the browser receives their HTML and sets it in
//! place, so its WASM carries none of their code.

pub mod access_settings;
pub mod activity_feed;
pub mod alert_settings;
pub mod chart_panel;
pub mod echart;
pub mod erase_visitor;
pub mod form_outcome;
pub mod layout;
pub mod live_status;
pub mod post_form;
pub mod prefs_controls;
pub mod range_bar;
pub mod server_list;
pub mod sidebar;
pub mod source_status;
pub mod toast_stack;

#[cfg(feature = "ssr")]
pub mod access_lists;
#[cfg(feature = "ssr")]
pub mod alert_lists;
#[cfg(feature = "ssr")]
pub mod chart_table;
#[cfg(feature = "ssr")]
pub mod conversation_cards;
#[cfg(feature = "ssr")]
pub mod sessions_table;
#[cfg(feature = "ssr")]
pub mod stat_card;
#[cfg(feature = "ssr")]
pub mod totals;
