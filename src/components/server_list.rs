//! A list the server wrote (admins, keys, alert rules, deliveries): shown as it came,
//! with its rows' forms (remove, revoke) submitted in place.

use leptos::prelude::*;
use leptos::server::codee::string::JsonSerdeWasmCodec;
use serde::{de::DeserializeOwned, Serialize};

use crate::app::prefs::use_prefs;
use crate::app::server_error::ServerError;
use crate::app::submission::{submit_in_place, Submitted};
use crate::i18n::Text;

/// One list of `lists`, picked by `pick`. A row form's answer goes to `outcome`, and a
/// success bumps `changes` so that the lists are fetched again; `failed` says the
/// lists could not be read.
#[component]
pub fn ServerList<T>(
    lists: Resource<Result<T, ServerError>, JsonSerdeWasmCodec>,
    pick: fn(&T) -> String,
    failed: Text,
    outcome: Submitted,
    changes: RwSignal<u32>,
) -> impl IntoView
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
{
    let prefs = use_prefs();
    let loading = move || view! { <div class="placeholder" aria-busy="true">{move || prefs.t(Text::Loading)}</div> };
    view! {
        <Transition fallback=loading>
            {move || {
                lists
                    .get()
                    .map(|result| match result {
                        Ok(lists) => {
                            view! {
                                <div
                                    class="access-list"
                                    inner_html=pick(&lists)
                                    on:submit=move |ev| submit_in_place(ev, outcome, Some(changes))
                                ></div>
                            }
                                .into_any()
                        }
                        Err(_) => view! { <p class="error">{move || prefs.t(failed)}</p> }.into_any(),
                    })
            }}
        </Transition>
    }
}
