//! Live notifications: a toast for each new session and each switch to human mode.
//! Toasts of one kind that arrive while one is showing join it ("3 new sessions"), each
//! leaves after 10 s unless dismissed sooner, and an optional sound (off by default)
//! plays for each. Nothing of that is shown while the dashboard is paused.
//!
//! Alerts are toasts of their own: each incident's own, shown even while paused, and an
//! opened alert stays until it is dismissed.

use leptos::prelude::*;

use crate::alert_kinds::rule_words;
use crate::i18n::{fill, Locale, Text};

/// How long a toast stays, from its latest arrival.
pub const TOAST_MS: u32 = 10_000;
/// Names listed in a grouped toast before "…".
const NAMES_SHOWN: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    SessionStarted,
    HumanTakeover,
    AlertOpened,
    AlertClosed,
}

impl ToastKind {
    pub fn code(self) -> &'static str {
        match self {
            ToastKind::SessionStarted => "session",
            ToastKind::HumanTakeover => "human",
            ToastKind::AlertOpened => "alert-opened",
            ToastKind::AlertClosed => "alert-closed",
        }
    }

    /// Whether toasts of this kind join one that is showing.
    fn groups(self) -> bool {
        matches!(self, ToastKind::SessionStarted | ToastKind::HumanTakeover)
    }
}

/// What an alert toast says: its rule and the reading when the incident moved.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertDetail {
    /// The rule's kind code (`alert_kinds`).
    pub rule: String,
    pub threshold: f64,
    pub value: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    /// The visitors it is about, newest last.
    pub names: Vec<String>,
    /// Bumped on every arrival, so that only the newest timer removes the toast.
    pub generation: u64,
    /// An alert's rule and reading; none for the visitors' toasts.
    pub alert: Option<AlertDetail>,
}

impl Toast {
    pub fn text(&self, locale: Locale) -> String {
        if let Some(alert) = &self.alert {
            let text = if self.kind == ToastKind::AlertOpened { Text::AlertOpened } else { Text::AlertClosed };
            let rule = rule_words(&alert.rule, alert.threshold, locale);
            return fill(text.get(locale), &[&rule, &locale.decimal_trimmed(alert.value)]);
        }
        let count = self.names.len();
        if count == 1 {
            let name = if self.names[0].is_empty() { Text::Anonymous.get(locale) } else { &self.names[0] };
            let text = match self.kind {
                ToastKind::SessionStarted => Text::NewSession,
                _ => Text::HumanTakeover,
            };
            return fill(text.get(locale), &[name]);
        }
        let text = match self.kind {
            ToastKind::SessionStarted => Text::NewSessions,
            _ => Text::HumanTakeovers,
        };
        let mut names: Vec<&str> = self.names.iter().rev().take(NAMES_SHOWN).map(String::as_str).collect();
        if count > NAMES_SHOWN {
            names.push("…");
        }
        format!("{} ({})", fill(text.get(locale), &[&locale.count(count as u64)]), names.join(", "))
    }
}

#[derive(Clone, Copy)]
pub struct Toasts {
    pub items: RwSignal<Vec<Toast>>,
    pub sound: RwSignal<bool>,
    next_id: StoredValue<u64>,
}

pub fn provide_toasts() -> Toasts {
    let toasts = Toasts { items: RwSignal::new(Vec::new()), sound: RwSignal::new(false), next_id: StoredValue::new(0) };
    provide_context(toasts);
    toasts
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

impl Toasts {
    /// Shows a notification, joining a showing toast of the same kind.
    pub fn notify(self, kind: ToastKind, name: String) {
        self.show(kind, name, None);
    }

    /// Shows an alert incident's move, in a toast of its own.
    pub fn alert(self, kind: ToastKind, detail: AlertDetail) {
        self.show(kind, String::new(), Some(detail));
    }

    fn show(self, kind: ToastKind, name: String, alert: Option<AlertDetail>) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        let mut target = (id, id);
        self.items.update(|items| match items.iter_mut().find(|t| t.kind == kind && kind.groups()) {
            Some(toast) => {
                toast.names.push(name);
                toast.generation = id;
                target = (toast.id, id);
            }
            None => items.push(Toast { id, kind, names: vec![name], generation: id, alert }),
        });
        if self.sound.get_untracked() {
            #[cfg(feature = "hydrate")]
            chime::play();
        }
        // An opened alert stays until someone dismisses it.
        #[cfg(feature = "hydrate")]
        if kind != ToastKind::AlertOpened {
            let (toast, generation) = target;
            gloo_timers::callback::Timeout::new(TOAST_MS, move || self.expire(toast, generation)).forget();
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = target;
    }

    pub fn dismiss(self, id: u64) {
        self.items.update(|items| items.retain(|t| t.id != id));
    }

    /// Removes a toast unless something joined it after this timer was set.
    #[cfg(feature = "hydrate")]
    fn expire(self, id: u64, generation: u64) {
        self.items.update(|items| items.retain(|t| t.id != id || t.generation != generation));
    }
}

#[cfg(feature = "hydrate")]
mod chime {
    //! A short two-tone chime from Web Audio: no sound file to ship.

    pub fn play() {
        let Ok(context) = web_sys::AudioContext::new() else { return };
        let now = context.current_time();
        for (i, frequency) in [880.0f32, 1320.0].into_iter().enumerate() {
            let (Ok(oscillator), Ok(gain)) = (context.create_oscillator(), context.create_gain()) else { return };
            let start = now + i as f64 * 0.12;
            oscillator.frequency().set_value(frequency);
            gain.gain().set_value(0.0001);
            let _ = gain.gain().exponential_ramp_to_value_at_time(0.2, start + 0.02);
            let _ = gain.gain().exponential_ramp_to_value_at_time(0.0001, start + 0.3);
            let _ = oscillator.connect_with_audio_node(&gain);
            let _ = gain.connect_with_audio_node(&context.destination());
            let _ = oscillator.start_with_when(start);
            let _ = oscillator.stop_with_when(start + 0.32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grouped_toast_counts_and_names_the_newest_visitors() {
        let toast = Toast {
            id: 1,
            kind: ToastKind::SessionStarted,
            names: ["a", "b", "c", "d"].map(String::from).to_vec(),
            generation: 4,
            alert: None,
        };
        assert_eq!(toast.text(Locale::En), "4 new sessions (d, c, b, …)");
        let single = Toast { names: vec![String::new()], kind: ToastKind::HumanTakeover, ..toast };
        assert_eq!(single.text(Locale::Tr), "Temsilci devraldı: Anonim");
        let alert = AlertDetail { rule: "queue_wait_minutes".into(), threshold: 5.0, value: 7.25 };
        let opened = Toast { kind: ToastKind::AlertOpened, alert: Some(alert), ..single };
        assert_eq!(opened.text(Locale::En), "Alert: Longest wait for a person above 5 min (now 7.3)");
    }
}
