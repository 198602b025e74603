//! Reusable view pieces, one component per file.

pub mod echart;
pub mod layout;
pub mod sessions_table;
pub mod sidebar;
pub mod stat_card;
pub mod totals;
