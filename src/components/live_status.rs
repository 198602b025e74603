//! The connection badge (`data-connection`), how fresh the figures are, and the
//! viewer's pause and sound switches.

use leptos::prelude::*;

use crate::app::live::use_live;
use crate::app::prefs::use_prefs;
use crate::app::toasts::use_toasts;
use crate::i18n::{fill, Text};

#[component]
pub fn LiveStatus() -> impl IntoView {
    let live = use_live();
    let prefs = use_prefs();
    let toasts = use_toasts();
    let freshness = move || {
        let locale = prefs.locale.get();
        let mut words = live
            .seconds_since_update()
            .map(|s| fill(Text::UpdatedAgo.get(locale), &[&locale.count(s)]))
            .unwrap_or_default();
        if live.stale.get() {
            words = format!("{words} · {}", Text::Stale.get(locale));
        }
        words
    };
    view! {
        <div class="live-status">
            <span class="updated" data-stale=move || live.stale.get().to_string()>{freshness}</span>
            <span class="badge" data-connection=move || live.badge().code() role="status">
                {move || live.badge().label(prefs.locale.get())}
            </span>
            <button
                type="button"
                class="toggle"
                aria-pressed=move || live.paused.get().to_string()
                on:click=move |_| live.paused.update(|p| *p = !*p)
            >
                {move || prefs.t(if live.paused.get() { Text::Resume } else { Text::Pause })}
            </button>
            <label class="sound">
                <input
                    type="checkbox"
                    prop:checked=move || toasts.sound.get()
                    on:change=move |ev| toasts.sound.set(event_target_checked(&ev))
                />
                {move || prefs.t(Text::Sound)}
            </label>
        </div>
    }
}
