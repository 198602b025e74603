//! Reusable view pieces, one component per file.

pub mod access_settings;
pub mod chart_panel;
pub mod echart;
pub mod layout;
pub mod live_status;
pub mod prefs_controls;
pub mod range_bar;
pub mod sessions_table;
pub mod sidebar;
pub mod stat_card;
pub mod totals;
