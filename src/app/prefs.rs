//! The viewer's language and theme: read from cookies (or, for the language, the
//! browser's `Accept-Language`) when the server renders, carried to the browser on the
//! `<html>` element, and switchable at once without a reload.

use leptos::prelude::*;

use crate::i18n::{Locale, Text};

pub const LOCALE_COOKIE: &str = "chatpulse_lang";
pub const THEME_COOKIE: &str = "chatpulse_theme";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// Follows the operating system (`prefers-color-scheme`).
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    pub fn code(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn parse(code: &str) -> Option<Theme> {
        Theme::ALL.into_iter().find(|t| t.code() == code)
    }

    pub fn label(self) -> Text {
        match self {
            Theme::System => Text::ThemeSystem,
            Theme::Light => Text::ThemeLight,
            Theme::Dark => Text::ThemeDark,
        }
    }
}

#[derive(Clone, Copy)]
pub struct Prefs {
    pub locale: RwSignal<Locale>,
    pub theme: RwSignal<Theme>,
}

impl Prefs {
    /// A text in the current language, tracked.
    pub fn t(self, text: Text) -> &'static str {
        text.get(self.locale.get())
    }

    pub fn set_locale(self, locale: Locale) {
        self.locale.set(locale);
        #[cfg(feature = "hydrate")]
        browser::remember(LOCALE_COOKIE, locale.code(), "lang");
    }

    pub fn set_theme(self, theme: Theme) {
        self.theme.set(theme);
        #[cfg(feature = "hydrate")]
        browser::remember(THEME_COOKIE, theme.code(), "data-theme");
    }

    /// Whether charts should be drawn dark now: the chosen theme, or the system's.
    pub fn dark(self) -> bool {
        match self.theme.get() {
            Theme::Dark => true,
            Theme::Light => false,
            Theme::System => system_prefers_dark(),
        }
    }
}

pub fn use_prefs() -> Prefs {
    expect_context::<Prefs>()
}

pub fn provide_prefs() -> Prefs {
    let (locale, theme) = initial();
    let prefs = Prefs { locale: RwSignal::new(locale), theme: RwSignal::new(theme) };
    provide_context(prefs);
    prefs
}

/// The value of one cookie in a `Cookie` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| pair.trim().strip_prefix(name)?.strip_prefix('='))
}

/// On the server: the cookies, else the browser's languages; English and the system
/// theme otherwise.
#[cfg(feature = "ssr")]
pub fn initial() -> (Locale, Theme) {
    use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};
    let Some(parts) = use_context::<axum::http::request::Parts>() else {
        return Default::default();
    };
    let header = |name| parts.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
    let cookies = header(COOKIE);
    let locale = cookie_value(cookies, LOCALE_COOKIE)
        .and_then(Locale::parse)
        .or_else(|| Locale::from_accept_language(header(ACCEPT_LANGUAGE)))
        .unwrap_or_default();
    let theme = cookie_value(cookies, THEME_COOKIE).and_then(Theme::parse).unwrap_or_default();
    (locale, theme)
}

/// In the browser: what the server wrote on `<html>`, so hydration renders the same.
#[cfg(not(feature = "ssr"))]
pub fn initial() -> (Locale, Theme) {
    #[cfg(feature = "hydrate")]
    {
        let root = browser::root();
        let attribute = |name: &str| root.as_ref().and_then(|r| r.get_attribute(name)).unwrap_or_default();
        (
            Locale::parse(&attribute("lang")).unwrap_or_default(),
            Theme::parse(&attribute("data-theme")).unwrap_or_default(),
        )
    }
    #[cfg(not(feature = "hydrate"))]
    Default::default()
}

#[cfg(feature = "hydrate")]
fn system_prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|query| query.matches())
}

#[cfg(not(feature = "hydrate"))]
fn system_prefers_dark() -> bool {
    false
}

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::JsCast;

    pub fn root() -> Option<web_sys::Element> {
        web_sys::window()?.document()?.document_element()
    }

    /// Keeps a choice for a year and shows it on `<html>` at once.
    pub fn remember(cookie: &str, value: &str, attribute: &str) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        if let Ok(html) = document.clone().dyn_into::<web_sys::HtmlDocument>() {
            let _ = html.set_cookie(&format!("{cookie}={value}; Path=/; Max-Age=31536000; SameSite=Strict"));
        }
        if let Some(root) = document.document_element() {
            let _ = root.set_attribute(attribute, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_exact_name() {
        let header = "a=1; chatpulse_lang=tr; chatpulse_theme=dark";
        assert_eq!(cookie_value(header, LOCALE_COOKIE), Some("tr"));
        assert_eq!(cookie_value(header, THEME_COOKIE), Some("dark"));
        assert_eq!(cookie_value("xchatpulse_lang=en", LOCALE_COOKIE), None);
    }
}
