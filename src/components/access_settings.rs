//! The settings page's "who gets in": admins (add, remove, change your password) and
//! API keys (create, shown once; revoke; when each was last used). The lists come
//! written by the server; every form here is submitted in place (`app::submission`).

use leptos::prelude::*;

use crate::app::access_api::get_access_lists;
use crate::app::prefs::use_prefs;
use crate::app::submission::Submitted;
use crate::components::form_outcome::FormOutcome;
use crate::components::post_form::PostForm;
use crate::components::server_list::ServerList;
use crate::i18n::Text;

#[component]
pub fn AccessSettings() -> impl IntoView {
    let prefs = use_prefs();
    let t = move |text| move || prefs.t(text);
    let changes = RwSignal::new(0u32);
    let lists =
        Resource::new_serde_wb(move || (prefs.locale.get(), changes.get()), |(locale, _)| get_access_lists(locale));
    let [removed, added, password_changed, created, revoked]: [Submitted; 5] =
        std::array::from_fn(|_| RwSignal::new(None));
    view! {
        <section class="panel settings-section" id="admins">
            <h2>{t(Text::AdminsSection)}</h2>
            <ServerList lists pick=|l| l.admins_html.clone() failed=Text::AccessLoadFailed outcome=removed changes />
            <FormOutcome result=removed ok=Text::AdminRemoved />
            <h3>{t(Text::AddAdmin)}</h3>
            <PostForm class="stacked" id="add-admin" action="/api/access/add_admin" outcome=added changes>
                <label>{t(Text::Username)} <input type="text" name="username" required autocomplete="off" /></label>
                <label>{t(Text::NewPassword)} <input type="password" name="password" required minlength="12" autocomplete="new-password" /></label>
                <label>
                    {t(Text::Role)}
                    <select name="role">
                        <option value="admin">{t(Text::RoleAdmin)}</option>
                        <option value="viewer">{t(Text::RoleViewerOption)}</option>
                    </select>
                </label>
                <button type="submit">{t(Text::AddAdmin)}</button>
            </PostForm>
            <FormOutcome result=added ok=Text::AdminAdded />
            <h3>{t(Text::ChangePassword)}</h3>
            <PostForm class="stacked" id="change-password" action="/api/access/change_password" outcome=password_changed>
                <label>{t(Text::CurrentPassword)} <input type="password" name="current" required autocomplete="current-password" /></label>
                <label>{t(Text::NewPassword)} <input type="password" name="new" required minlength="12" autocomplete="new-password" /></label>
                <button type="submit">{t(Text::ChangePassword)}</button>
            </PostForm>
            <FormOutcome result=password_changed ok=Text::PasswordChanged />
        </section>
        <section class="panel settings-section" id="keys">
            <h2>{t(Text::KeysSection)}</h2>
            <ServerList lists pick=|l| l.keys_html.clone() failed=Text::AccessLoadFailed outcome=revoked changes />
            <FormOutcome result=revoked ok=Text::KeyRevoked />
            <h3>{t(Text::CreateKey)}</h3>
            <PostForm class="stacked" id="create-key" action="/api/access/create_key" outcome=created changes>
                <label>{t(Text::KeyLabel)} <input type="text" name="label" required maxlength="100" /></label>
                <label>
                    {t(Text::KeyScope)}
                    <select name="scope">
                        <option value="ingest">{t(Text::ScopeIngest)}</option>
                        <option value="read">{t(Text::ScopeRead)}</option>
                        <option value="admin">{t(Text::ScopeAdmin)}</option>
                    </select>
                </label>
                <button type="submit">{t(Text::CreateKey)}</button>
            </PostForm>
            {move || {
                created
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
                        Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                    })
            }}
        </section>
    }
}
