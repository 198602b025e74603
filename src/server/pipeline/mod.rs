//! From an accepted event to the figures: the ingest writer commits it (`ingest`), the
//! engine applies it (`engine`, owned by `figures`, which also catches up with other
//! instances' commits, `catch_up`), and `figures` serves `Stats` snapshots. Events come
//! from the HTTP and socket doors, and from `sources` (a followed SQL table, widget
//! servers), `transfer` (import) and `demo`; `erasure` takes them out.

pub mod catch_up;
pub mod checkpoint;
pub mod demo;
pub mod engine;
pub mod erasure;
pub mod figures;
pub mod ingest;
pub mod shared_cache;
pub mod sources;
pub mod transfer;
