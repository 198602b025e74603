//! The tab's one live connection: a root context with the connection state and a
//! refetch counter that bumps on `stats_update`. Resources list the counter in their
//! source, so they refetch inside `<Transition>` without a flash. An update whose data
//! `version` the page already shows is skipped.
//!
//! Updates are debounced on the leading edge: the first `stats_update` after a quiet
//! spell refetches at once, and any more within 150 ms fold into one trailing refetch.
//! Reconnects back off exponentially with jitter; while offline the figures are polled
//! every 30 s; a paused dashboard or a hidden tab refetches nothing until it is resumed
//! or shown, and then catches up once.

use leptos::prelude::*;

use crate::i18n::{fill, Locale, Text};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connection {
    Connecting,
    Live,
    Offline,
}

/// What the badge says: the connection, unless the viewer paused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Badge {
    Connecting,
    Live,
    Offline { retry_in: u32 },
    Paused,
}

impl Badge {
    pub fn code(self) -> &'static str {
        match self {
            Badge::Connecting => "connecting",
            Badge::Live => "live",
            Badge::Offline { .. } => "offline",
            Badge::Paused => "paused",
        }
    }

    pub fn label(self, locale: Locale) -> String {
        match self {
            Badge::Connecting => Text::Connecting.get(locale).into(),
            Badge::Live => Text::Live.get(locale).into(),
            Badge::Offline { retry_in } => fill(Text::OfflineRetrying.get(locale), &[&retry_in.to_string()]),
            Badge::Paused => Text::Paused.get(locale).into(),
        }
    }
}

#[derive(Clone, Copy)]
pub struct LiveContext {
    /// Bumps whenever the figures on screen should be fetched again.
    pub refetches: RwSignal<u64>,
    /// The data version of the figures on screen (0 before any arrived).
    shown_version: StoredValue<u64>,
    pub connection: RwSignal<Connection>,
    /// Seconds until the next reconnect attempt, while offline.
    pub retry_in: RwSignal<u32>,
    /// The viewer's pause switch.
    pub paused: RwSignal<bool>,
    /// When the figures on screen were last fetched (ms since the epoch), once known.
    pub updated_at: RwSignal<Option<f64>>,
    /// The browser's clock, ticking each second, for "updated N s ago".
    pub clock: RwSignal<f64>,
    /// Whether the last fetch failed, so what is on screen may be stale.
    pub stale: RwSignal<bool>,
    /// The channel whose figures the page shows: the socket hears `stats_update` of
    /// that channel only (`All` on pages that show both, or none).
    pub watching: RwSignal<crate::model::ChannelFilter>,
    started: StoredValue<bool>,
}

pub fn provide_live_context() -> LiveContext {
    let context = LiveContext {
        refetches: RwSignal::new(0),
        shown_version: StoredValue::new(0),
        connection: RwSignal::new(Connection::Connecting),
        retry_in: RwSignal::new(0),
        paused: RwSignal::new(false),
        updated_at: RwSignal::new(None),
        clock: RwSignal::new(0.0),
        stale: RwSignal::new(false),
        watching: RwSignal::new(crate::model::ChannelFilter::All),
        started: StoredValue::new(false),
    };
    provide_context(context);
    context
}

pub fn use_live() -> LiveContext {
    expect_context::<LiveContext>()
}

impl LiveContext {
    /// Opens the socket once per tab; pages that show figures call this.
    pub fn start(self) {
        if self.started.get_value() {
            return;
        }
        self.started.set_value(true);
        #[cfg(feature = "hydrate")]
        Effect::new(move |_| socket::connect(self));
    }

    pub fn badge(self) -> Badge {
        if self.paused.get() {
            return Badge::Paused;
        }
        match self.connection.get() {
            Connection::Connecting => Badge::Connecting,
            Connection::Live => Badge::Live,
            Connection::Offline => Badge::Offline { retry_in: self.retry_in.get() },
        }
    }

    /// Whole seconds since the figures on screen were fetched.
    pub fn seconds_since_update(self) -> Option<u64> {
        let updated = self.updated_at.get()?;
        Some(((self.clock.get() - updated) / 1000.0).max(0.0).floor() as u64)
    }

    /// Records a fetch's outcome: fresh figures, or a failure that leaves the last ones.
    pub fn fetched(self, ok: bool) {
        self.stale.set(!ok);
        if ok {
            let now = now_ms();
            self.updated_at.set(Some(now));
            self.clock.set(now);
        }
    }

    pub fn refetch(self) {
        self.refetches.update(|v| *v += 1);
    }

    /// The figures of data version `version` are on screen.
    pub fn showing(self, version: u64) {
        self.shown_version.set_value(version);
    }

    /// Whether an update announcing data version `announced` is already on screen.
    pub fn already_shows(self, announced: Option<u64>) -> bool {
        already_shown(announced, self.shown_version.get_value())
    }
}

/// Whether figures of data version `shown` already hold what an update announcing
/// `announced` tells of. An update without a version is never skipped.
fn already_shown(announced: Option<u64>, shown: u64) -> bool {
    announced.is_some_and(|version| version <= shown)
}

#[cfg(feature = "hydrate")]
fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[cfg(not(feature = "hydrate"))]
fn now_ms() -> f64 {
    0.0
}

#[cfg(feature = "hydrate")]
mod socket {
    //! Bindings to the page's Socket.IO client (global `io`, scripts/vendor/live-socket.js,
    //! the part of npm `socket.io-client` the page uses), with reconnection done here so
    //! that the badge can count down to the next attempt.

    use gloo_timers::callback::{Interval, Timeout};
    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;

    use super::{Connection, LiveContext};
    use crate::app::activity::{use_activity, ActivityKind};
    use crate::app::early_socket;
    use crate::app::toasts::{use_toasts, AlertDetail, ToastKind};

    const DEBOUNCE_MS: u32 = 150;
    const POLL_EVERY_S: u32 = 30;
    const MAX_BACKOFF_S: f64 = 30.0;

    /// The data version a `stats_update` announces.
    fn announced_version(payload: &JsValue) -> Option<u64> {
        let version = js_sys::Reflect::get(payload, &JsValue::from_str("version")).ok()?.as_f64()?;
        (version >= 0.0).then_some(version as u64)
    }

    #[wasm_bindgen]
    extern "C" {
        type Socket;
        #[wasm_bindgen(js_name = io)]
        fn io(url: &str, opts: &JsValue) -> Socket;
        #[wasm_bindgen(method)]
        fn on(this: &Socket, event: &str, callback: &js_sys::Function) -> Socket;
        #[wasm_bindgen(method)]
        fn connect(this: &Socket) -> Socket;
        #[wasm_bindgen(method)]
        fn emit(this: &Socket, event: &str, data: &JsValue) -> Socket;
        #[wasm_bindgen(method, getter)]
        fn connected(this: &Socket) -> bool;
    }

    /// The socket the page's first script opened (`early_socket`), taken once, with the
    /// last connection event it had by then; or a new one.
    fn take_or_open_socket() -> (Socket, Option<(String, JsValue)>) {
        let global = JsValue::from_str(early_socket::GLOBAL);
        let early =
            web_sys::window().and_then(|window| js_sys::Reflect::get(&window, &global).ok()).filter(JsValue::is_object);
        if let Some(early) = early {
            if let Some(window) = web_sys::window() {
                let _ = js_sys::Reflect::delete_property(window.unchecked_ref::<js_sys::Object>(), &global);
            }
            let socket = js_sys::Reflect::get(&early, &"socket".into()).ok().filter(JsValue::is_object);
            if let Some(socket) = socket {
                let last =
                    js_sys::Reflect::get(&early, &"last".into()).ok().filter(js_sys::Array::is_array).map(|pair| {
                        let pair: js_sys::Array = pair.unchecked_into();
                        (pair.get(0).as_string().unwrap_or_default(), pair.get(1))
                    });
                return (socket.unchecked_into(), last);
            }
        }
        let options = js_sys::JSON::parse(early_socket::SOCKET_OPTIONS).expect("the socket options are JSON");
        (io("/dashboard", &options), None)
    }

    /// The leading-edge debounce and what was held back while paused or hidden.
    #[derive(Default)]
    struct Pace {
        last_bump: f64,
        trailing: Option<Timeout>,
        /// The newest data version the updates folded into the trailing refetch announced.
        trailing_version: Option<u64>,
        missed: bool,
        hidden: bool,
    }

    /// Reconnection: attempts so far and seconds since the last offline poll.
    #[derive(Default)]
    struct Retry {
        attempts: u32,
        since_poll: u32,
    }

    pub fn connect(live: LiveContext) {
        let (socket, missed) = take_or_open_socket();
        let socket = StoredValue::new_local(socket);
        let pace = StoredValue::new_local(Pace::default());
        let retry = StoredValue::new_local(Retry::default());
        let toasts = use_toasts();
        let activity = use_activity();

        let holding_back = move || live.paused.get_untracked() || pace.with_value(|p| p.hidden);
        let bump = move || {
            pace.update_value(|p| p.last_bump = js_sys::Date::now());
            live.refetch();
        };
        let on_update = move |announced: Option<u64>| {
            if live.already_shows(announced) {
                return;
            }
            if holding_back() {
                pace.update_value(|p| p.missed = true);
                return;
            }
            let (since, armed) = pace.with_value(|p| (js_sys::Date::now() - p.last_bump, p.trailing.is_some()));
            if armed {
                // An update without a version forces the refetch.
                pace.update_value(|p| p.trailing_version = p.trailing_version.zip(announced).map(|(a, b)| a.max(b)));
                return;
            }
            if since >= DEBOUNCE_MS as f64 {
                bump();
                return;
            }
            let wait = (DEBOUNCE_MS as f64 - since).ceil() as u32;
            let trailing = Timeout::new(wait, move || {
                let announced = pace.with_value(|p| p.trailing_version);
                pace.update_value(|p| (p.trailing, p.trailing_version) = (None, None));
                // The refetch started meanwhile may already have brought that version.
                if !live.already_shows(announced) {
                    bump();
                }
            });
            pace.update_value(|p| (p.trailing, p.trailing_version) = (Some(trailing), announced));
        };
        let catch_up = move || {
            if !holding_back() && pace.with_value(|p| p.missed) {
                pace.update_value(|p| p.missed = false);
                bump();
            }
        };

        let (went_live, went_offline) = socket.with_value(|s| {
            listen(s, "stats_update", move |payload| on_update(announced_version(&payload)));
            let went_live = move |_: JsValue| {
                socket.with_value(|s| tell_watching(s, live));
                retry.update_value(|r| *r = Retry::default());
                live.connection.set(Connection::Live);
                // Updates may have been missed while disconnected: catch up at once.
                if holding_back() {
                    pace.update_value(|p| p.missed = true);
                } else {
                    bump();
                }
            };
            listen(s, "connect", went_live);
            let went_offline = move |payload: JsValue| {
                if refused_for_login(&payload) {
                    send_to_login();
                    return;
                }
                let attempts = retry.with_value(|r| r.attempts);
                // 1, 2, 4 … 30 s, each cut by up to half at random so that many
                // dashboards do not all come back in the same second.
                let ceiling = 2f64.powi(attempts.min(5) as i32).min(MAX_BACKOFF_S);
                let delay = (ceiling * (0.5 + js_sys::Math::random() / 2.0)).ceil().max(1.0);
                retry.update_value(|r| r.attempts += 1);
                live.retry_in.set(delay as u32);
                live.connection.set(Connection::Offline);
            };
            listen(s, "session_expired", |_| send_to_login());
            listen(s, "disconnect", went_offline);
            listen(s, "connect_error", went_offline);
            // A paused dashboard announces nothing; a hidden tab still collects toasts
            // (and chimes, if asked) so that the owner hears of visitors while elsewhere.
            let announce = move |kind: ToastKind, payload: &JsValue| {
                if !live.paused.get_untracked() {
                    toasts.notify(kind, user_label(payload));
                }
            };
            let note = move |kind: ActivityKind, payload: &JsValue| {
                if !live.paused.get_untracked() {
                    activity.record(kind, channel_of(payload), user_label(payload), time_of(payload));
                }
            };
            listen(s, "session_started", move |p| {
                announce(ToastKind::SessionStarted, &p);
                note(ActivityKind::SessionStarted, &p);
            });
            listen(s, "human_takeover", move |p| {
                announce(ToastKind::HumanTakeover, &p);
                note(ActivityKind::HumanTakeover, &p);
            });
            listen(s, "widget_opened", move |p| note(ActivityKind::WidgetOpened, &p));
            listen(s, "handover_unanswered", move |p| note(ActivityKind::HandoverUnanswered, &p));
            // Alerts are shown even while paused: they ask for someone to act.
            listen(s, "alert", move |p| {
                let opened = text_field(&p, "state").as_deref() == Some("opened");
                let kind = if opened { ToastKind::AlertOpened } else { ToastKind::AlertClosed };
                let number = |name: &str| js_sys::Reflect::get(&p, &name.into()).ok().and_then(|v| v.as_f64());
                let rule = text_field(&p, "rule").unwrap_or_default();
                let detail = AlertDetail {
                    rule,
                    threshold: number("threshold").unwrap_or(0.0),
                    value: number("value").unwrap_or(0.0),
                };
                toasts.alert(kind, detail);
            });
            (went_live, went_offline)
        });
        // What the early socket went through before these listeners were there.
        if socket.with_value(|s| s.connected()) {
            went_live(JsValue::UNDEFINED);
        } else if let Some((_, payload)) = missed.filter(|(event, _)| event != "connect") {
            went_offline(payload);
        }

        // A page of another channel: from now on the socket hears that channel's updates.
        Effect::new(move |_| {
            live.watching.track();
            if live.connection.get_untracked() == Connection::Live {
                socket.with_value(|s| tell_watching(s, live));
            }
        });

        // One clock for "updated N s ago", the reconnect countdown and offline polls.
        let tick = Interval::new(1000, move || {
            live.clock.set(js_sys::Date::now());
            if live.connection.get_untracked() != Connection::Offline {
                return;
            }
            let left = live.retry_in.get_untracked().saturating_sub(1);
            live.retry_in.set(left);
            if left == 0 {
                live.connection.set(Connection::Connecting);
                socket.with_value(|s| {
                    s.connect();
                });
            }
            let poll = retry.with_value(|r| r.since_poll + 1 >= POLL_EVERY_S);
            retry.update_value(|r| r.since_poll = if poll { 0 } else { r.since_poll + 1 });
            if poll && !holding_back() {
                // The socket is down but the server may answer plain requests.
                bump();
            }
        });
        // The tab keeps its socket for its whole life, and so its clock.
        std::mem::forget(tick);

        Effect::new(move |_| {
            if !live.paused.get() {
                catch_up();
            }
        });
        watch_visibility(move |hidden| {
            pace.update_value(|p| p.hidden = hidden);
            catch_up();
        });
    }

    /// A refused handshake whose message asks to log in: the session has ended.
    fn refused_for_login(payload: &JsValue) -> bool {
        js_sys::Reflect::get(payload, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .is_some_and(|m| m.starts_with("log in"))
    }

    /// To the login page, which brings the viewer back here afterwards.
    pub fn send_to_login() {
        let Some(window) = web_sys::window() else { return };
        let location = window.location();
        let here = format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
        let next = js_sys::encode_uri_component(&here);
        let _ = location.assign(&format!("/login?next={next}"));
    }

    fn user_label(payload: &JsValue) -> String {
        text_field(payload, "user_name").or_else(|| text_field(payload, "user_id")).unwrap_or_default()
    }

    fn text_field(payload: &JsValue, name: &str) -> Option<String> {
        js_sys::Reflect::get(payload, &name.into()).ok().and_then(|v| v.as_string())
    }

    fn channel_of(payload: &JsValue) -> Option<crate::model::Channel> {
        text_field(payload, "channel").and_then(|c| crate::model::Channel::parse(&c))
    }

    /// The event's own time, or now when it names none.
    fn time_of(payload: &JsValue) -> f64 {
        text_field(payload, "at")
            .map(|at| js_sys::Date::parse(&at))
            .filter(|ms| ms.is_finite())
            .unwrap_or_else(js_sys::Date::now)
    }

    /// Tells the server which channel's `stats_update` this page needs.
    fn tell_watching(socket: &Socket, live: LiveContext) {
        socket.emit("watch", &JsValue::from_str(live.watching.get_untracked().as_str()));
    }

    fn listen(socket: &Socket, event: &str, handler: impl Fn(JsValue) + 'static) {
        let closure = Closure::<dyn Fn(JsValue)>::new(handler);
        socket.on(event, closure.as_ref().unchecked_ref());
        // The socket lives as long as the tab, and so must its handlers.
        closure.forget();
    }

    fn watch_visibility(on_change: impl Fn(bool) + 'static) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        let watched = document.clone();
        let closure = Closure::<dyn Fn()>::new(move || on_change(watched.hidden()));
        let _ = document.add_event_listener_with_callback("visibilitychange", closure.as_ref().unchecked_ref());
        closure.forget();
    }
}

/// Sends the viewer to the login page (keeping the page to come back to), when a
/// request finds the session over.
pub fn session_ended() {
    #[cfg(feature = "hydrate")]
    socket::send_to_login();
}

#[cfg(test)]
mod tests {
    use super::already_shown;

    #[test]
    fn an_update_is_skipped_only_when_its_version_is_on_screen() {
        assert!(already_shown(Some(7), 7));
        assert!(already_shown(Some(6), 7));
        assert!(!already_shown(Some(8), 7));
        assert!(!already_shown(None, 7), "no version: refetch");
        assert!(!already_shown(Some(1), 0), "nothing shown yet");
    }
}
