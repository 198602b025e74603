//! chatpulse's integration tests, one module per area, in one test binary: the library
//! is linked once, and `common` (a real server on a fresh database, logins, event
//! builders) serves every module.

mod common;

mod accounts;
mod alerts;
mod api;
mod checkpoint;
mod cli;
mod cluster;
mod erasure;
mod hostile_http;
mod hostile_sockets;
mod ingest_properties;
mod layout;
mod live_rooms;
mod observability;
mod security;
mod sources;
mod tls;
mod transfer;
mod viewers;
