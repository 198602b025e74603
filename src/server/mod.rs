//! The server half: everything here is compiled only with the `ssr` feature.
//!
//! One event's way, by folder (ARCHITECTURE.md tells it with file names):
//! `http/` and `realtime/sockets` take it in → `pipeline/` stores it, applies it to the
//! engine and serves the figures → `realtime/` tells the open dashboards → `present/`
//! turns the figures into what a page shows. Beside them: `auth/` (admins, sessions,
//! keys), `db/` (both SQL dialects), `domain/` (events, sessions, time: no I/O),
//! `alerts/` (rules checked against the live figures, toasts and signed webhooks).

pub mod alerts;
pub mod auth;
pub mod cli;
pub mod client_address;
pub mod config;
pub mod db;
pub mod domain;
pub mod http;
pub mod leadership;
pub mod limits;
pub mod memory;
pub mod metrics;
pub mod pipeline;
pub mod present;
pub mod realtime;
pub mod serve;
pub mod site_bundle;
pub mod startup;
pub mod state;
