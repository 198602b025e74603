//! The frame of every signed-in page: sidebar, header with the live status, content,
//! and the notifications.

use leptos::prelude::*;

use crate::app::live::use_live;
use crate::app::prefs::use_prefs;
use crate::components::live_status::LiveStatus;
use crate::components::sidebar::Sidebar;
use crate::components::toast_stack::ToastStack;
use crate::i18n::Text;

#[component]
pub fn Layout(title: Text, children: Children) -> impl IntoView {
    let prefs = use_prefs();
    use_live().start();
    view! {
        <div class="frame">
            <Sidebar />
            <main class="content">
                <header class="page-header">
                    <h1>{move || prefs.t(title)}</h1>
                    <LiveStatus />
                </header>
                {children()}
            </main>
            <ToastStack />
        </div>
    }
}
