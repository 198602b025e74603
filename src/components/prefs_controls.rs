//! Language and theme switches: they apply at once, and are kept in cookies so the
//! server renders the next page the same way.

use leptos::prelude::*;

use crate::app::prefs::{use_prefs, Theme};
use crate::i18n::{Locale, Text};

#[component]
pub fn PrefsControls() -> impl IntoView {
    let prefs = use_prefs();
    view! {
        <div class="prefs">
            <label>
                {move || prefs.t(Text::Language)}
                <select
                    name="language"
                    on:change=move |ev| {
                        if let Some(locale) = Locale::parse(&event_target_value(&ev)) {
                            prefs.set_locale(locale);
                        }
                    }
                >
                    {Locale::ALL
                        .into_iter()
                        .map(|l| {
                            view! {
                                <option value=l.code() selected=move || prefs.locale.get() == l>
                                    {l.name()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <label>
                {move || prefs.t(Text::Theme)}
                <select
                    name="theme"
                    on:change=move |ev| {
                        if let Some(theme) = Theme::parse(&event_target_value(&ev)) {
                            prefs.set_theme(theme);
                        }
                    }
                >
                    {Theme::ALL
                        .into_iter()
                        .map(|th| {
                            view! {
                                <option value=th.code() selected=move || prefs.theme.get() == th>
                                    {move || prefs.t(th.label())}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
        </div>
    }
}
