//! The server function behind the settings page's "Sources" panel.

use leptos::prelude::*;
use leptos::server_fn::codec::Postcard;

use crate::app::server_error::ServerError;
use crate::model::SourceStatus;

/// Each followed source's state on this instance. On an instance that stands by, the
/// SQL source shows `standby` with the counts stored when the instance started.
#[server(output = Postcard, endpoint = "sources/get_sources")]
pub async fn get_sources() -> Result<Vec<SourceStatus>, ServerError> {
    let admin = crate::app::api::acting_admin().await?;
    Ok(admin.state.sources.snapshot())
}
