//! The server half: everything here is compiled only with the `ssr` feature.

pub mod auth;
pub mod catch_up;
pub mod charts;
pub mod client_address;
pub mod config;
pub mod dashboard;
pub mod dashboard_page;
pub mod db;
pub mod demo;
pub mod domain;
pub mod engine;
pub mod fanout;
pub mod figures;
pub mod fragment;
pub mod http;
pub mod ingest;
pub mod leadership;
pub mod limits;
pub mod live;
pub mod metrics;
pub mod serve;
pub mod session_watch;
pub mod shared_cache;
pub mod sockets;
pub mod startup;
pub mod state;
