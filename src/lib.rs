//! chatpulse: real-time analytics for website chat widgets. The library holds the
//! Leptos app (rendered on the server, hydrated in the browser) and, with `ssr`, the
//! server: storage, figures, ingest and live updates.

#![recursion_limit = "256"]

pub mod alert_kinds;
pub mod app;
pub mod chart_kind;
pub mod components;
pub mod conversation_figures;
pub mod conversation_words;
pub mod dashboard_view;
pub mod i18n;
pub mod model;
#[cfg(feature = "ssr")]
pub mod server;
pub mod setting_fields;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazy: a page opened at a lazily loaded route (`/settings`, `/login`) hydrates once its code
    // has arrived.
    leptos::mount::hydrate_lazy(app::App);
}
