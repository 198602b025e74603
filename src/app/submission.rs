//! Submitting a page's forms in place. A form posts its fields URL-encoded to its server
//! function, exactly as the browser would without JavaScript (which also works: the
//! server then sends it back to the page), and the answer comes back as the function's
//! JSON or its refusal. One plain function serves every form, rather than a typed
//! action per form, which keeps the browser's code small.

use leptos::prelude::*;

/// What a form's last submission came to: the server's answer (a JSON string answer
/// unwrapped), or its refusal in words.
pub type Submitted = RwSignal<Option<Result<String, String>>>;

/// Submits the form that `event` comes from (directly or bubbling up to a container)
/// in place: `outcome` gets the answer and, after a success, `changes` (if any) is bumped
/// so that what the form changed is fetched again.
pub fn submit_in_place(event: leptos::ev::SubmitEvent, outcome: Submitted, changes: Option<RwSignal<u32>>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let Some(form) = event.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) else { return };
        event.prevent_default();
        leptos::task::spawn_local(async move {
            let answer = browser::post(&form).await;
            let ok = answer.is_ok();
            outcome.set(Some(answer));
            if let Some(changes) = changes.filter(|_| ok) {
                changes.update(|n| *n += 1);
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (event, outcome, changes);
}

/// For a `GET` form (a search, a range): stops the browser's own submission and gives
/// the URL it would have gone to, `action?fields`, for the router to navigate in place.
pub fn url_of_get_form(event: &leptos::ev::SubmitEvent) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let form = event.target()?.dyn_into::<web_sys::HtmlFormElement>().ok()?;
        let fields = browser::fields(&form).ok()?;
        event.prevent_default();
        let path = web_sys::Url::new(&form.action()).ok()?.pathname();
        Some(format!("{path}?{}", String::from(fields.to_string())))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = event;
        None
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    /// The form's fields, URL-encoded as the browser would send them.
    pub fn fields(form: &web_sys::HtmlFormElement) -> Result<web_sys::UrlSearchParams, JsValue> {
        web_sys::UrlSearchParams::new_with_str_sequence_sequence(&web_sys::FormData::new_with_form(form)?.into())
    }

    pub async fn post(form: &web_sys::HtmlFormElement) -> Result<String, String> {
        let unreachable = |_: JsValue| "the server could not be reached; try again".to_string();
        let body = fields(form).map_err(unreachable)?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(&body);
        let window = web_sys::window().ok_or("no window")?;
        let sent = JsFuture::from(window.fetch_with_str_and_init(&form.action(), &init)).await.map_err(unreachable)?;
        let response: web_sys::Response = sent.unchecked_into();
        let text = JsFuture::from(response.text().map_err(unreachable)?).await.map_err(unreachable)?;
        let text = text.as_string().unwrap_or_default();
        if response.ok() {
            Ok(js_sys::JSON::parse(&text).ok().and_then(|v| v.as_string()).unwrap_or(text))
        } else {
            // A server function's refusal is a `ServerError` as JSON: its words are
            // `message`. Anything else (a proxy's page) is shown as it came.
            let message = js_sys::JSON::parse(&text)
                .ok()
                .and_then(|v| js_sys::Reflect::get(&v, &JsValue::from_str("message")).ok())
                .and_then(|m| m.as_string());
            Err(message.unwrap_or(text))
        }
    }
}
