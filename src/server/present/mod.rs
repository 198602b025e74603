//! What a page shows, made from a figures snapshot: a dashboard view resolved into
//! queries (`view`), the dashboard document (`dashboard`), its chart options (`charts`),
//! and the server-rendered parts of the page (`dashboard_page`, `fragment`).

pub mod charts;
pub mod dashboard;
pub mod dashboard_page;
pub mod figure_tables;
pub mod fragment;
pub mod view;
