//! What the last submission of a form came to: its success words, or the server's
//! refusal.

use leptos::prelude::*;

use crate::app::prefs::use_prefs;
use crate::app::submission::Submitted;
use crate::i18n::Text;

#[component]
pub fn FormOutcome(result: Submitted, ok: Text) -> impl IntoView {
    let prefs = use_prefs();
    move || {
        result.get().map(|r| match r {
            Ok(_) => view! { <p class="notice" role="status">{prefs.t(ok)}</p> }.into_any(),
            Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
        })
    }
}
