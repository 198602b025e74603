//! The activity feed on a dashboard: the live moments of its channel (all of them on
//! `/`), newest first, each with its local time. Filled from the socket events the
//! server sends anyway; nothing is fetched for it.

use leptos::prelude::*;

use crate::app::activity::use_activity;
use crate::app::prefs::use_prefs;
use crate::i18n::Text;
use crate::model::ChannelFilter;

#[component]
pub fn ActivityFeedPanel(channel: ChannelFilter) -> impl IntoView {
    let feed = use_activity();
    let prefs = use_prefs();
    let shown = move || {
        feed.items.with(|items| {
            items
                .iter()
                .filter(|a| a.channel.is_none_or(|c| channel.channel().is_none_or(|kept| kept == c)))
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="panel activity" data-table="activity" aria-label=move || prefs.t(Text::ActivityHeading)>
            <h2>{move || prefs.t(Text::ActivityHeading)}</h2>
            <Show when=move || feed.items.with(|items| !items.is_empty()) fallback=move || view! { <p class="empty muted">{move || prefs.t(Text::ActivityEmpty)}</p> }>
                <ol class="activity-list" aria-live="polite">
                    <For
                        each=shown
                        key=|a| a.id
                        children=move |a| {
                            view! {
                                <li data-activity=a.kind.code()>
                                    <time>{clock(a.at_ms)}</time>
                                    <span class="activity-kind">{move || prefs.t(a.kind.label())}</span>
                                    <span class="activity-visitor">
                                        {if a.visitor.is_empty() { None } else { Some(a.visitor.clone()) }}
                                    </span>
                                    <span class="muted">{a.channel.map(|c| c.as_str())}</span>
                                </li>
                            }
                        }
                    />
                </ol>
            </Show>
        </section>
    }
}

/// The browser's local `HH:MM:SS` of an instant.
fn clock(at_ms: f64) -> String {
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at_ms));
        format!("{:02}:{:02}:{:02}", date.get_hours(), date.get_minutes(), date.get_seconds())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = at_ms;
        String::new()
    }
}
