//! The login form: a plain form post, so it works before hydration and without JS. A
//! lazily loaded route, like the settings: a signed-in dashboard's first visit does not
//! carry the form's code.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use leptos_router::{lazy_route, LazyRoute};

use crate::app::prefs::use_prefs;
use crate::i18n::Text;

/// The route has no data to request ahead of its code.
pub struct LoginRoute;

#[lazy_route]
impl LazyRoute for LoginRoute {
    fn data() -> Self {
        LoginRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <LoginPage /> }.into_any()
    }
}

#[component]
fn LoginPage() -> impl IntoView {
    let prefs = use_prefs();
    let query = use_query_map();
    let next = move || query.with(|q| q.get("next").unwrap_or_else(|| "/".to_string()));
    let failed = move || query.with(|q| q.get("failed").is_some());
    view! {
        <main class="login">
            <h1>"chatpulse"</h1>
            <form method="post" action="/login">
                <input type="hidden" name="next" value=next />
                <label>
                    {move || prefs.t(Text::Username)}
                    <input name="username" autocomplete="username" value="admin" required />
                </label>
                <label>
                    {move || prefs.t(Text::Password)}
                    <input name="password" type="password" autocomplete="current-password" required />
                </label>
                <Show when=failed>
                    <p class="error" role="alert">{move || prefs.t(Text::WrongPassword)}</p>
                </Show>
                <button type="submit">{move || prefs.t(Text::LogIn)}</button>
            </form>
        </main>
    }
}
