//! The Leptos app: the HTML shell, the router and the pages.

pub mod access_api;
pub mod activity;
pub mod alerts_api;
pub mod api;
pub mod dashboard_payload;
pub mod early_socket;
pub mod live;
pub mod pages;
pub mod prefs;
pub mod server_error;
pub mod sources_api;
pub mod submission;
pub mod toasts;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

use crate::components::echart::ECHARTS_SCRIPT_ID;
use crate::i18n::Text;
use crate::model::ChannelFilter;
use pages::login::LoginRoute;
use pages::overview::Overview;
use pages::settings::SettingsRoute;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The viewer's language and theme ride on <html>, where the browser reads them back.
    let (locale, theme) = prefs::initial();
    #[cfg(feature = "ssr")]
    crate::server::http::headers::set_page_policy();
    let nonce = leptos::nonce::use_nonce();
    view! {
        <!DOCTYPE html>
        <html lang=locale.code() data-theme=theme.code() data-role=account_role()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="data:," />
                // Neither holds up the first paint. The Socket.IO client (chatpulse's own,
                // scripts/vendor/live-socket.js) is deferred: it runs before the app's module
                // script, which uses it. ECharts is an async module: the app hydrates and
                // goes live without waiting for it, and each chart draws once it has run
                // (components::echart). The module its two parts share is preloaded, so
                // that it does not wait for the first.
                <script src="/vendor/live-socket.js" defer nonce=nonce.clone()></script>
                // Signed-in pages go live: their socket opens before the app has loaded.
                {account_role()
                    .is_some()
                    .then(|| {
                        view! { <script type="module" nonce=nonce.clone() inner_html=early_socket::script()></script> }
                    })}
                <link rel="modulepreload" href="/vendor/echarts-shared.js" />
                <script id=ECHARTS_SCRIPT_ID type="module" src="/vendor/echarts.js" async nonce=nonce></script>
                // Static tags in the shell rather than leptos_meta's: no page changes its
                // title or styles, and the browser's WASM is smaller without it.
                <title>"chatpulse"</title>
                <link rel="stylesheet" id="leptos" href=format!("/pkg/{}.css", options.output_name) />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The signed-in account's role, as `require_login` left it on the request: the page's
/// styles hide what a viewer may not use (the server refuses it either way).
fn account_role() -> Option<&'static str> {
    #[cfg(feature = "ssr")]
    {
        let parts = use_context::<axum::http::request::Parts>()?;
        parts.extensions.get::<crate::server::auth::logins::Role>().map(|role| role.as_str())
    }
    #[cfg(not(feature = "ssr"))]
    None
}

#[component]
pub fn App() -> impl IntoView {
    let prefs = prefs::provide_prefs();
    live::provide_live_context();
    toasts::provide_toasts();
    activity::provide_activity();
    view! {
        <Router>
            <Routes fallback=move || view! { <p class="not-found">{move || prefs.t(Text::NotFound)}</p> }>
                <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} />
                // Async: the first HTML already holds the figures, so the pages are
                // complete without JavaScript and nothing is swapped in after load.
                <Route path=path!("/") view=|| view! { <Overview channel=ChannelFilter::All /> } ssr=SsrMode::Async />
                <Route path=path!("/web") view=|| view! { <Overview channel=ChannelFilter::Web /> } ssr=SsrMode::Async />
                <Route
                    path=path!("/premium")
                    view=|| view! { <Overview channel=ChannelFilter::Premium /> }
                    ssr=SsrMode::Async
                />
                // Its code loads only when it opens (pages::settings).
                <Route path=path!("/settings") view={Lazy::<SettingsRoute>::new()} ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}
