//! Security headers on every answer. Pages get a Content-Security-Policy that allows only
//! chatpulse's own scripts and the inline hydration scripts carrying this response's
//! nonce (set while rendering, see `page_policy`); everything else gets a policy that
//! allows nothing, as no other answer is meant to run or embed anything. Only static
//! assets may be cached; over HTTPS, HSTS pins the site to HTTPS.

use axum::extract::Request;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::OnceLock;

/// The policy of a page rendered with `nonce`. WebAssembly needs `'wasm-unsafe-eval'`
/// to compile. Stylesheets must be our own, but `style` attributes are allowed: ECharts
/// positions its canvases and tooltip with them (styles cannot run code).
/// `live_reload` adds the socket of `cargo leptos watch`'s reload server.
pub fn page_policy(nonce: &str, live_reload: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         style-src-attr 'unsafe-inline'; img-src 'self' data:; connect-src 'self'{live_reload}; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Under `cargo leptos watch` (which sets `LEPTOS_WATCH` and the reload port), the page
/// opens Leptos' live-reload socket on the reload port of the host it was loaded from;
/// never otherwise.
fn live_reload_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let var = |name| std::env::var(name).ok();
        reload_source(var("LEPTOS_WATCH").is_some(), var("LEPTOS_RELOAD_EXTERNAL_PORT").or(var("LEPTOS_RELOAD_PORT")))
    })
}

fn reload_source(watching: bool, port: Option<String>) -> String {
    if !watching {
        return String::new();
    }
    // The port Leptos' own options default to.
    let port = port.and_then(|p| p.trim().parse::<u16>().ok()).unwrap_or(3001);
    format!(" ws://*:{port} wss://*:{port}")
}

const NOTHING_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// Browsers keep HTTPS for this site for a year once they have seen it over HTTPS.
const HSTS: &str = "max-age=31536000";

/// Files that are the same for everyone and may be cached; every other answer (pages,
/// figures, exports, server functions) is an admin's data and is never stored.
fn is_static_asset(path: &str) -> bool {
    path.starts_with("/pkg/") || path.starts_with("/vendor/") || path == "/favicon.ico"
}

/// Whether the browser talks HTTPS to us or to the proxy in front (`X-Forwarded-Proto`).
pub fn over_https(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

pub async fn security_headers(request: Request, next: Next) -> Response {
    let cacheable = is_static_asset(request.uri().path());
    // Browsers ignore HSTS on plain HTTP, so trusting the header here costs nothing.
    let over_https = over_https(request.headers());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !cacheable {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if over_https {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    // For browsers that predate `frame-ancestors`.
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.entry(CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(NOTHING_POLICY));
    response
}

/// During server rendering: puts the page policy with this response's nonce on it.
pub fn set_page_policy() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
    else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&page_policy(&nonce, live_reload_source())) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_live_reload_socket_is_allowed_only_under_cargo_leptos_watch() {
        assert_eq!(reload_source(false, Some("3001".into())), "");
        assert_eq!(reload_source(true, Some("4123".into())), " ws://*:4123 wss://*:4123");
        assert_eq!(reload_source(true, None), " ws://*:3001 wss://*:3001");
        assert!(page_policy("n", &reload_source(true, None)).contains("connect-src 'self' ws://*:3001 wss://*:3001;"));
        assert!(page_policy("n", "").contains("connect-src 'self';"));
    }
}
