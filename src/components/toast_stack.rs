//! The toasts on screen: one per kind, grouped, with a close button. They go away
//! while the dashboard is paused (`app::toasts` holds them; `app::live` adds them).

use leptos::prelude::*;

use crate::app::live::use_live;
use crate::app::prefs::use_prefs;
use crate::app::toasts::{use_toasts, Toast};
use crate::i18n::Text;

#[component]
pub fn ToastStack() -> impl IntoView {
    let toasts = use_toasts();
    let prefs = use_prefs();
    let live = use_live();
    // While paused nothing new is announced; what is showing goes away.
    Effect::new(move |_| {
        if live.paused.get() {
            toasts.items.set(Vec::new());
        }
    });
    view! {
        <div class="toasts" role="status" aria-live="polite" aria-label=move || prefs.t(Text::Notifications)>
            <For
                each=move || toasts.items.get()
                key=|t| (t.id, t.generation)
                children=move |toast: Toast| {
                    let (id, kind) = (toast.id, toast.kind);
                    view! {
                        <div class="toast" data-toast=kind.code()>
                            <span>{move || toast.text(prefs.locale.get())}</span>
                            <button
                                type="button"
                                class="toast-close"
                                aria-label=move || prefs.t(Text::Dismiss)
                                on:click=move |_| toasts.dismiss(id)
                            >
                                "×"
                            </button>
                        </div>
                    }
                }
            />
        </div>
    }
}
