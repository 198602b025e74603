//! Language and theme switches: they apply at once, and are kept in cookies so the
//! server renders the next page the same way.

use leptos::prelude::*;

use crate::app::prefs::{use_prefs, Theme};
use crate::i18n::{Locale, Text};

/// A labelled `<select>` over `options` (code, words), showing `current` and calling
/// `choose` with the code picked.
#[component]
fn Choice(
    label: Text,
    name: &'static str,
    options: Vec<(&'static str, Signal<String>)>,
    #[prop(into)] current: Signal<&'static str>,
    choose: Callback<String>,
) -> impl IntoView {
    let prefs = use_prefs();
    view! {
        <label>
            {move || prefs.t(label)}
            <select name=name on:change=move |ev| choose.run(event_target_value(&ev))>
                {options
                    .into_iter()
                    .map(|(code, words)| view! { <option value=code selected=move || current.get() == code>{words}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}

#[component]
pub fn PrefsControls() -> impl IntoView {
    let prefs = use_prefs();
    let languages = Locale::ALL.into_iter().map(|l| (l.code(), Signal::stored(l.name().to_string()))).collect();
    let themes =
        Theme::ALL.into_iter().map(|th| (th.code(), Signal::derive(move || prefs.t(th.label()).to_string()))).collect();
    view! {
        <div class="prefs">
            <Choice
                label=Text::Language
                name="language"
                options=languages
                current=Signal::derive(move || prefs.locale.get().code())
                choose=Callback::new(move |code: String| {
                    if let Some(locale) = Locale::parse(&code) {
                        prefs.set_locale(locale);
                    }
                })
            />
            <Choice
                label=Text::Theme
                name="theme"
                options=themes
                current=Signal::derive(move || prefs.theme.get().code())
                choose=Callback::new(move |code: String| {
                    if let Some(theme) = Theme::parse(&code) {
                        prefs.set_theme(theme);
                    }
                })
            />
        </div>
    }
}
