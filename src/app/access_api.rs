//! Server functions of the settings page's admins and keys; each acts as the logged-in
//! admin and delegates to `server::auth::accounts`.

use leptos::prelude::*;
use leptos::server_fn::codec::Postcard;

use crate::app::server_error::ServerError;
use crate::i18n::Locale;
use crate::model::{Access, AccessLists};

#[server(endpoint = "access/get_access")]
pub async fn get_access() -> Result<Access, ServerError> {
    let admin = crate::app::api::acting_admin().await?;
    accounts::access(&admin.state, &admin.username).await.map_err(answer)
}

/// The admins and keys as the settings page lists them, written in `locale`.
#[server(output = Postcard, endpoint = "access/get_access_lists")]
pub async fn get_access_lists(locale: Locale) -> Result<AccessLists, ServerError> {
    let admin = crate::app::api::acting_admin().await?;
    let access = accounts::access(&admin.state, &admin.username).await.map_err(answer)?;
    Ok(crate::components::access_lists::render(&access, locale))
}

#[server(endpoint = "access/add_admin")]
pub async fn add_admin(username: String, password: String, role: Option<String>) -> Result<(), ServerError> {
    let admin = crate::app::api::acting_admin().await?;
    let role = role.unwrap_or_else(|| "admin".to_string());
    accounts::add_admin(&admin.state, username.trim(), &password, &role).await.map_err(answer)
}

#[server(endpoint = "access/remove_admin")]
pub async fn remove_admin(username: String) -> Result<(), ServerError> {
    let admin = crate::app::api::acting_admin().await?;
    accounts::remove_admin(&admin.state, &admin.username, &username).await.map_err(answer)
}

#[server(endpoint = "access/change_password")]
pub async fn change_password(current: String, new: String) -> Result<(), ServerError> {
    let admin = crate::app::api::acting_admin().await?;
    let acting =
        accounts::Acting { username: &admin.username, session_token: &admin.session_token, address: admin.address };
    accounts::change_password(&admin.state, acting, &current, &new).await.map_err(answer)
}

/// Returns the new key: the only time anyone sees it.
#[server(endpoint = "access/create_key")]
pub async fn create_key(label: String, scope: String) -> Result<String, ServerError> {
    let admin = crate::app::api::acting_admin().await?;
    accounts::create_key(&admin.state, &label, &scope).await.map_err(answer)
}

#[server(endpoint = "access/revoke_key")]
pub async fn revoke_key(id: i64) -> Result<(), ServerError> {
    let admin = crate::app::api::acting_admin().await?;
    accounts::revoke_key(&admin.state, id).await.map_err(answer)
}

/// Erases one visitor (KVKK / GDPR): every stored event of `user_id` in `channel`
/// (`web`, `premium`, or `all`); returns how many events were deleted.
#[server(endpoint = "access/erase_visitor")]
pub async fn erase_visitor(user_id: String, channel: String) -> Result<u64, ServerError> {
    use crate::server::pipeline::erasure::ErasureError;
    let admin = crate::app::api::acting_admin().await?;
    let actor = format!("admin:{}", admin.username);
    match crate::server::pipeline::erasure::erase_visitor(
        &admin.state.db,
        &admin.state.figures,
        &actor,
        Some(&channel),
        user_id.trim(),
    )
    .await
    {
        Ok(erased) => Ok(erased.events),
        Err(error @ ErasureError::Unavailable(_)) => Err(ServerError::unavailable(error.to_string())),
        Err(refused) => Err(ServerError::invalid(refused.to_string())),
    }
}

#[cfg(feature = "ssr")]
use crate::server::auth::accounts::{self, AccountError};

/// A refusal is the admin's to fix (400, 403, 404 or 409 with its reason); anything
/// else is the server's (503, nothing changed).
#[cfg(feature = "ssr")]
fn answer(error: AccountError) -> ServerError {
    use crate::app::server_error::ErrorCode;
    let code = match &error {
        AccountError::WrongPassword => ErrorCode::Forbidden,
        AccountError::TooSoon(wait) => {
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                let seconds = crate::server::domain::time::retry_after_seconds(*wait);
                response.insert_header(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(seconds));
            }
            ErrorCode::TooSoon
        }
        AccountError::NoSuchAdmin | AccountError::NoSuchKey => ErrorCode::NotFound,
        AccountError::Exists | AccountError::Yourself | AccountError::LastAdmin => ErrorCode::Conflict,
        AccountError::Unavailable(detail) => {
            tracing::error!(%detail, "an account change could not be stored");
            ErrorCode::Unavailable
        }
        _ => ErrorCode::Invalid,
    };
    ServerError::new(code, error.to_string())
}
