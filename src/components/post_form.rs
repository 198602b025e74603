//! A form posting to a server function, submitted in place (`app::submission`): without
//! JavaScript the browser posts it and the server sends it back to the page.

use leptos::prelude::*;

use crate::app::submission::{submit_in_place, Submitted};

#[component]
pub fn PostForm(
    /// The server function's URL.
    action: &'static str,
    #[prop(optional)] id: &'static str,
    class: &'static str,
    /// Gets the answer of each submission.
    outcome: Submitted,
    /// Bumped after a success, so that what the form changed is fetched again.
    #[prop(optional)]
    changes: Option<RwSignal<u32>>,
    children: Children,
) -> impl IntoView {
    view! {
        <form
            class=class
            id=(!id.is_empty()).then_some(id)
            method="post"
            action=action
            on:submit=move |ev| submit_in_place(ev, outcome, changes)
        >
            {children()}
        </form>
    }
}
