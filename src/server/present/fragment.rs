//! Views rendered on the server as HTML fragments, which the browser sets in place
//! (`innerHTML`) instead of carrying the code to build them.

use leptos::tachys::view::RenderHtml;

/// A view as the HTML the browser sets in place. Leptos marks text nodes with `<!>` for
/// hydration; a fragment set as `innerHTML` is never hydrated, so the marks are dropped
/// (text is escaped, so `<!>` cannot come from the data).
pub fn html_of(view: impl RenderHtml) -> String {
    view.to_html().replace("<!>", "")
}
