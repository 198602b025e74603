//! Navigation between the channels and the settings.

use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Sidebar() -> impl IntoView {
    view! {
        <nav class="sidebar" aria-label="Main">
            <div class="brand">"chatpulse"</div>
            <A href="/" exact=true>"All channels"</A>
            <A href="/web">"Web"</A>
            <A href="/premium">"Premium"</A>
            <A href="/settings">"Settings"</A>
            <form method="post" action="/logout" class="logout">
                <button type="submit">"Log out"</button>
            </form>
        </nav>
    }
}
