//! Navigation between the channels and the settings, and the viewer's preferences. On a
//! phone it folds into a menu button: a checkbox and its label, so that it opens without
//! JavaScript too; once hydrated, following a link closes it.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::app::prefs::use_prefs;
use crate::components::prefs_controls::PrefsControls;
use crate::i18n::Text;

#[component]
pub fn Sidebar() -> impl IntoView {
    let prefs = use_prefs();
    let t = move |text| move || prefs.t(text);
    let open = RwSignal::new(false);
    view! {
        <nav class="sidebar" aria-label=t(Text::MainNavigation)>
            <div class="brand">"chatpulse"</div>
            <input
                type="checkbox"
                id="nav-toggle"
                class="nav-toggle"
                prop:checked=open
                on:change=move |ev| open.set(event_target_checked(&ev))
            />
            <label for="nav-toggle" class="nav-toggle-button" title=t(Text::Menu)>
                <span aria-hidden="true">"☰"</span>
                <span class="visually-hidden">{t(Text::Menu)}</span>
            </label>
            <div class="nav-body">
                <div class="nav-links" on:click=move |_| open.set(false)>
                    <A href="/" exact=true>{t(Text::AllChannels)}</A>
                    <A href="/web">{t(Text::Web)}</A>
                    <A href="/premium">{t(Text::Premium)}</A>
                    <A href="/settings">{t(Text::Settings)}</A>
                </div>
                <div class="sidebar-footer">
                    <PrefsControls />
                    <form method="post" action="/logout" class="logout">
                        <button type="submit">{t(Text::LogOut)}</button>
                    </form>
                </div>
            </div>
        </nav>
    }
}
