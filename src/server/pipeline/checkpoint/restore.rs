//! Putting a checkpoint on disk back into a bulk loader, once it is known to fit the
//! database as it stands.

use std::collections::HashSet;
use std::path::Path;

use super::format::{self, FormatError};
use crate::server::db::{Db, DbError};
use crate::server::pipeline::engine::BulkLoader;

/// Where the database's events resume after a restored checkpoint.
#[derive(Debug, Default)]
pub struct Resume {
    pub after_seq: i64,
    /// Sequences past `after_seq` the checkpoint holds already.
    pub extras: HashSet<i64>,
}

/// Why a checkpoint on disk was not used.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("it could not be read: {0}")]
    Unreadable(#[from] std::io::Error),
    #[error("{0}")]
    Damaged(#[from] FormatError),
    #[error("events were deleted since it was written (deletion epoch {written}, now {now})")]
    Deletions { written: i64, now: i64 },
    #[error(
        "it was written from another database, or one that has since lost events (no matching event at sequence {seq})"
    )]
    OtherDatabase { seq: i64 },
    #[error("the database could not be asked whether it fits: {0}")]
    Database(#[from] DbError),
}

/// Restores the checkpoint at `path` into `loader`, when there is one and it belongs to
/// the database as it stands (`data_epoch` being the database's). `Ok(None)`: there is
/// no file. On `Err`, `loader` may hold part of the checkpoint and must be dropped.
pub async fn restore(
    path: &Path,
    db: &Db,
    data_epoch: i64,
    loader: BulkLoader,
) -> (BulkLoader, Result<Option<Resume>, Refused>) {
    let bytes = match tokio::fs::read(path).await {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return (loader, Ok(None)),
        Err(error) => return (loader, Err(error.into())),
    };
    // Hashing and decoding a few million records is CPU work: off the async workers.
    let opened =
        tokio::task::spawn_blocking(move || format::open(&bytes).map(|(header, start)| (header, start, bytes)));
    let (header, start, bytes) = match opened.await.expect("checking a checkpoint does not panic") {
        Ok(opened) => opened,
        Err(error) => return (loader, Err(error.into())),
    };
    if header.data_epoch != data_epoch {
        return (loader, Err(Refused::Deletions { written: header.data_epoch, now: data_epoch }));
    }
    match db.event_anchor(header.applied_seq).await {
        Ok(anchor) if anchor == header.anchor => {}
        Ok(_) => return (loader, Err(Refused::OtherDatabase { seq: header.applied_seq })),
        Err(error) => return (loader, Err(error.into())),
    }
    tokio::task::spawn_blocking(move || {
        let mut loader = loader;
        let restored = format::restore(&header, &bytes[start..], &mut loader)
            .map(|footer| Some(Resume { after_seq: header.applied_seq, extras: footer.extras.into_iter().collect() }));
        (loader, restored.map_err(Refused::from))
    })
    .await
    .expect("restoring a checkpoint does not panic")
}
