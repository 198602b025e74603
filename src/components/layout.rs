//! The frame of every signed-in page: sidebar, header with the connection badge, content.

use leptos::prelude::*;

use crate::app::live::use_live;
use crate::components::sidebar::Sidebar;

#[component]
pub fn Layout(title: &'static str, children: Children) -> impl IntoView {
    let live = use_live();
    view! {
        <div class="frame">
            <Sidebar />
            <main class="content">
                <header class="page-header">
                    <h1>{title}</h1>
                    <span class="badge" data-connection=move || live.connection.get().as_str()>
                        {move || live.connection.get().label()}
                    </span>
                </header>
                {children()}
            </main>
        </div>
    }
}
