//! The engine's record in a local file, so that a start (or a rebuild after a settings
//! change) reads the file and then only the events committed after it, instead of every
//! event ever stored.
//!
//! Each instance keeps its own file. It is a cache of the shared database, never a
//! source of truth: it is checked against the database on load (its deletions epoch,
//! and the event at its sequence) and ignored, with a log line, when it does not fit,
//! is damaged or is of another format; the figures are then built from the events as
//! before. Keeping it beside each instance rather than in the shared database spares
//! the database a write of the whole record every few minutes from every instance.

pub mod format;
pub mod restore;
pub mod take;
