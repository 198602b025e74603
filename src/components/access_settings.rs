//! The settings page's "who gets in": admins (add, remove, change your password) and
//! API keys (create, shown once; revoke; when each was last used).

use leptos::prelude::*;

use crate::app::access_api::{get_access, AddAdmin, ChangePassword, CreateKey, RemoveAdmin, RevokeKey};
use crate::app::prefs::use_prefs;
use crate::i18n::Text;
use crate::model::{Access, AdminAccount, ApiKeyListing};

/// What the last submission of a form came to: its success words, or the server's refusal.
#[component]
fn Outcome(result: Signal<Option<Result<(), String>>>, ok: Text) -> impl IntoView {
    let prefs = use_prefs();
    move || {
        result.get().map(|r| match r {
            Ok(()) => view! { <p class="notice" role="status">{move || prefs.t(ok)}</p> }.into_any(),
            Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
        })
    }
}

/// A server function's refusal in the admin's terms, without the framework's prefix.
fn reason(error: ServerFnError) -> String {
    match error {
        ServerFnError::ServerError(message) => message,
        other => other.to_string(),
    }
}

fn outcome_of<T, S>(value: S) -> Signal<Option<Result<(), String>>>
where
    S: Get<Value = Option<Result<T, ServerFnError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().map(|r| r.map(|_| ()).map_err(reason)))
}

#[component]
fn AdminRow(admin: AdminAccount, remove: ServerAction<RemoveAdmin>) -> impl IntoView {
    let prefs = use_prefs();
    let you = admin.is_you;
    let (row_name, form_name) = (admin.username.clone(), admin.username.clone());
    view! {
        <tr data-admin=row_name>
            <td>{admin.username} {you.then(|| view! { <span class="muted">" (" {move || prefs.t(Text::You)} ")"</span> })}</td>
            <td>{move || prefs.locale.get().date_time(&admin.created)}</td>
            <td>
                {(!you)
                    .then(|| {
                        view! {
                            <ActionForm action=remove>
                                <input type="hidden" name="username" value=form_name.clone() />
                                <button type="submit" class="link-button">{move || prefs.t(Text::Remove)}</button>
                            </ActionForm>
                        }
                    })}
            </td>
        </tr>
    }
}

#[component]
fn KeyRow(key: ApiKeyListing, revoke: ServerAction<RevokeKey>) -> impl IntoView {
    let prefs = use_prefs();
    let locale = move || prefs.locale.get();
    let last_used = key.last_used.clone();
    let revoked = key.revoked.clone();
    let status = match &key.revoked {
        Some(_) => "revoked",
        None => "active",
    };
    view! {
        <tr data-key-id=key.id data-key-status=status>
            <td>{key.label.clone()}</td>
            <td><code>{key.scope.clone()}</code></td>
            <td>{move || locale().date_time(&key.created)}</td>
            <td>{move || last_used.as_deref().map_or_else(|| prefs.t(Text::Never).to_string(), |t| locale().date_time(t))}</td>
            <td>
                {match revoked {
                    Some(at) => view! { <span class="muted">{move || prefs.t(Text::RevokedAt)} " " {locale().date_time(&at)}</span> }.into_any(),
                    None => {
                        view! {
                            <ActionForm action=revoke>
                                <input type="hidden" name="id" value=key.id />
                                <button type="submit" class="link-button">{move || prefs.t(Text::Revoke)}</button>
                            </ActionForm>
                        }
                            .into_any()
                    }
                }}
            </td>
        </tr>
    }
}

/// A table of the admins or the keys: its column `headers` (and one for the row's
/// button), `rows` once the list has loaded.
fn access_table(
    access: Resource<Result<Access, ServerFnError>>,
    headers: &'static [Text],
    rows: impl Fn(Access) -> AnyView + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let prefs = use_prefs();
    let loading = move || view! { <div class="placeholder" aria-busy="true">{move || prefs.t(Text::Loading)}</div> };
    view! {
        <Transition fallback=loading>
            {move || {
                access
                    .get()
                    .map(|result| match result {
                        Ok(access) => {
                            view! {
                                <table class="compact">
                                    <thead>
                                        <tr>
                                            {headers.iter().map(|h| view! { <th>{move || prefs.t(*h)}</th> }).collect_view()}
                                            <th></th>
                                        </tr>
                                    </thead>
                                    <tbody>{rows(access)}</tbody>
                                </table>
                            }
                                .into_any()
                        }
                        Err(_) => view! { <p class="error">{move || prefs.t(Text::AccessLoadFailed)}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
pub fn AccessSettings() -> impl IntoView {
    let prefs = use_prefs();
    let t = move |text| move || prefs.t(text);
    let add = ServerAction::<AddAdmin>::new();
    let remove = ServerAction::<RemoveAdmin>::new();
    let change = ServerAction::<ChangePassword>::new();
    let create = ServerAction::<CreateKey>::new();
    let revoke = ServerAction::<RevokeKey>::new();
    let access = Resource::new(
        move || (add.version().get(), remove.version().get(), create.version().get(), revoke.version().get()),
        |_| get_access(),
    );
    view! {
        <section class="panel settings-section" id="admins">
            <h2>{t(Text::AdminsSection)}</h2>
            {access_table(
                access,
                &[Text::Username, Text::Created],
                move |access| access.admins.into_iter().map(|admin| view! { <AdminRow admin remove /> }).collect_view().into_any(),
            )}
            <Outcome result=outcome_of(remove.value()) ok=Text::AdminRemoved />
            <h3>{t(Text::AddAdmin)}</h3>
            <ActionForm action=add attr:class="stacked" attr:id="add-admin">
                <label>{t(Text::Username)} <input type="text" name="username" required autocomplete="off" /></label>
                <label>{t(Text::NewPassword)} <input type="password" name="password" required minlength="12" autocomplete="new-password" /></label>
                <button type="submit">{t(Text::AddAdmin)}</button>
            </ActionForm>
            <Outcome result=outcome_of(add.value()) ok=Text::AdminAdded />
            <h3>{t(Text::ChangePassword)}</h3>
            <ActionForm action=change attr:class="stacked" attr:id="change-password">
                <label>{t(Text::CurrentPassword)} <input type="password" name="current" required autocomplete="current-password" /></label>
                <label>{t(Text::NewPassword)} <input type="password" name="new" required minlength="12" autocomplete="new-password" /></label>
                <button type="submit">{t(Text::ChangePassword)}</button>
            </ActionForm>
            <Outcome result=outcome_of(change.value()) ok=Text::PasswordChanged />
        </section>
        <section class="panel settings-section" id="keys">
            <h2>{t(Text::KeysSection)}</h2>
            {access_table(
                access,
                &[Text::KeyLabel, Text::KeyScope, Text::Created, Text::LastUsed],
                move |access| access.keys.into_iter().rev().map(|key| view! { <KeyRow key revoke /> }).collect_view().into_any(),
            )}
            <Outcome result=outcome_of(revoke.value()) ok=Text::KeyRevoked />
            <h3>{t(Text::CreateKey)}</h3>
            <ActionForm action=create attr:class="stacked" attr:id="create-key">
                <label>{t(Text::KeyLabel)} <input type="text" name="label" required maxlength="100" /></label>
                <label>
                    {t(Text::KeyScope)}
                    <select name="scope">
                        <option value="ingest">{t(Text::ScopeIngest)}</option>
                        <option value="read">{t(Text::ScopeRead)}</option>
                    </select>
                </label>
                <button type="submit">{t(Text::CreateKey)}</button>
            </ActionForm>
            {move || {
                create
                    .value()
                    .get()
                    .map(|result| match result {
                        Ok(key) => {
                            view! {
                                <p class="notice new-key" role="status">
                                    {t(Text::NewKeyOnce)} " " <code data-new-key="">{key}</code>
                                </p>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="error" role="alert">{reason(e)}</p> }.into_any(),
                    })
            }}
        </section>
    }
}
