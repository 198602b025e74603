//! Navigation between the channels and the settings, and the viewer's preferences.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::app::prefs::use_prefs;
use crate::components::prefs_controls::PrefsControls;
use crate::i18n::Text;

#[component]
pub fn Sidebar() -> impl IntoView {
    let prefs = use_prefs();
    let t = move |text| move || prefs.t(text);
    view! {
        <nav class="sidebar" aria-label=t(Text::MainNavigation)>
            <div class="brand">"chatpulse"</div>
            <A href="/" exact=true>{t(Text::AllChannels)}</A>
            <A href="/web">{t(Text::Web)}</A>
            <A href="/premium">{t(Text::Premium)}</A>
            <A href="/settings">{t(Text::Settings)}</A>
            <div class="sidebar-footer">
                <PrefsControls />
                <form method="post" action="/logout" class="logout">
                    <button type="submit">{t(Text::LogOut)}</button>
                </form>
            </div>
        </nav>
    }
}
