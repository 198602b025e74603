//! The settings page's lists of admins and keys, rendered on the server in the viewer's
//! language. Each row's remove or revoke button is a plain form posting to its server
//! function: the page submits it in place, and it works without JavaScript too.

use leptos::prelude::*;

use crate::i18n::{Locale, Text};
use crate::model::{Access, AccessLists, AdminAccount, ApiKeyListing};
use crate::server::present::fragment::html_of;

pub fn render(access: &Access, locale: Locale) -> AccessLists {
    let admins = access.admins.iter().cloned().map(|admin| view! { <AdminRow admin locale /> }).collect_view();
    let keys = access.keys.iter().rev().cloned().map(|key| view! { <KeyRow key locale /> }).collect_view();
    let admins = view! { <ListTable headers=&[Text::Username, Text::Created] locale>{admins}</ListTable> };
    let keys = view! {
        <ListTable headers=&[Text::KeyLabel, Text::KeyScope, Text::Created, Text::LastUsed] locale>
            {keys}
        </ListTable>
    };
    AccessLists { admins_html: html_of(admins), keys_html: html_of(keys) }
}

/// A list's table: its column `headers` (and one for the row's button), then the rows.
#[component]
pub fn ListTable(headers: &'static [Text], locale: Locale, children: Children) -> impl IntoView {
    view! {
        <table class="compact">
            <thead>
                <tr>
                    {headers.iter().map(|h| view! { <th>{h.get(locale)}</th> }).collect_view()}
                    <th></th>
                </tr>
            </thead>
            <tbody>{children()}</tbody>
        </table>
    }
}

/// A row's one button, as a form posting `name=value` to the server function `action`.
#[component]
pub fn RowButton(action: &'static str, name: &'static str, value: String, label: &'static str) -> impl IntoView {
    view! {
        <form method="post" action=action>
            <input type="hidden" name=name value=value />
            <button type="submit" class="link-button">{label}</button>
        </form>
    }
}

#[component]
fn AdminRow(admin: AdminAccount, locale: Locale) -> impl IntoView {
    let you = admin.is_you;
    // Anyone but yourself can be removed.
    let remove = (!you).then(|| {
        let label = Text::Remove.get(locale);
        view! { <RowButton action="/api/access/remove_admin" name="username" value=admin.username.clone() label /> }
    });
    let row_name = admin.username.clone();
    view! {
        <tr data-admin=row_name>
            <td>
                {admin.username}
                {you.then(|| view! { <span class="muted">" (" {Text::You.get(locale)} ")"</span> })}
                {admin.viewer.then(|| view! { <span class="muted" data-role="viewer">" · " {Text::RoleViewer.get(locale)}</span> })}
            </td>
            <td>{locale.date_time(&admin.created)}</td>
            <td>{remove}</td>
        </tr>
    }
}

#[component]
fn KeyRow(key: ApiKeyListing, locale: Locale) -> impl IntoView {
    let status = if key.revoked.is_some() { "revoked" } else { "active" };
    let last_used =
        key.last_used.as_deref().map_or_else(|| Text::Never.get(locale).to_string(), |t| locale.date_time(t));
    view! {
        <tr data-key-id=key.id data-key-status=status>
            <td>{key.label}</td>
            <td><code>{key.scope}</code></td>
            <td>{locale.date_time(&key.created)}</td>
            <td>{last_used}</td>
            <td>
                {match key.revoked {
                    Some(at) => view! { <span class="muted">{Text::RevokedAt.get(locale)} " " {locale.date_time(&at)}</span> }.into_any(),
                    None => view! { <RowButton action="/api/access/revoke_key" name="id" value=key.id.to_string() label=Text::Revoke.get(locale) /> }.into_any(),
                }}
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_text_and_each_active_key_has_its_revoke_form() {
        let access = Access {
            admins: vec![AdminAccount {
                username: "ops".into(),
                created: "2026-11-24 09:05".into(),
                is_you: true,
                viewer: false,
            }],
            keys: vec![ApiKeyListing {
                id: 4,
                label: "<b>x</b>".into(),
                scope: "read".into(),
                source: "settings".into(),
                created: "2026-11-24 09:05".into(),
                last_used: None,
                revoked: None,
            }],
        };
        let lists = render(&access, Locale::En);
        assert!(lists.keys_html.contains("&lt;b&gt;x&lt;/b&gt;"), "{}", lists.keys_html);
        assert!(lists.keys_html.contains(r#"action="/api/access/revoke_key""#), "{}", lists.keys_html);
        assert!(lists.keys_html.contains(r#"name="id" value="4""#), "{}", lists.keys_html);
        assert!(lists.admins_html.contains("you"), "{}", lists.admins_html);
        assert!(!lists.admins_html.contains("remove_admin"), "you cannot remove yourself: {}", lists.admins_html);
    }
}
