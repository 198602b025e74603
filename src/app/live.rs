//! The tab's one live connection: a root context with the connection state and a
//! data version that bumps (debounced) on every `stats_update`. Resources list the
//! version in their source, so they refetch inside `<Transition>` without a flash.

use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connection {
    Connecting,
    Live,
    Offline,
}

impl Connection {
    pub fn as_str(self) -> &'static str {
        match self {
            Connection::Connecting => "connecting",
            Connection::Live => "live",
            Connection::Offline => "offline",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Connection::Connecting => "Connecting…",
            Connection::Live => "Live",
            Connection::Offline => "Offline — retrying",
        }
    }
}

#[derive(Clone, Copy)]
pub struct LiveContext {
    pub version: RwSignal<u64>,
    pub connection: RwSignal<Connection>,
    started: StoredValue<bool>,
}

pub fn provide_live_context() -> LiveContext {
    let context = LiveContext {
        version: RwSignal::new(0),
        connection: RwSignal::new(Connection::Connecting),
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
}

#[cfg(feature = "hydrate")]
mod socket {
    //! Bindings to the vendored npm `socket.io-client` (global `io`).

    use gloo_timers::callback::Timeout;
    use leptos::prelude::*;
    use wasm_bindgen::prelude::*;

    use super::{Connection, LiveContext};

    /// Debounce: a burst of updates becomes one refetch.
    const DEBOUNCE_MS: u32 = 150;

    #[wasm_bindgen]
    extern "C" {
        type Socket;
        #[wasm_bindgen(js_name = io)]
        fn io(url: &str, opts: &JsValue) -> Socket;
        #[wasm_bindgen(method)]
        fn on(this: &Socket, event: &str, callback: &js_sys::Function) -> Socket;
    }

    pub fn connect(live: LiveContext) {
        let opts = js_sys::Object::new();
        let transports = js_sys::Array::of1(&JsValue::from_str("websocket"));
        let _ = js_sys::Reflect::set(&opts, &"transports".into(), &transports);
        let socket = io("/dashboard", &opts);
        let pending = StoredValue::new_local(None::<Timeout>);
        let bump = move || {
            let timeout = Timeout::new(DEBOUNCE_MS, move || live.version.update(|v| *v += 1));
            pending.set_value(Some(timeout));
        };
        listen(&socket, "stats_update", bump);
        listen(&socket, "connect", move || {
            live.connection.set(Connection::Live);
            // Catch up at once on (re)connect: updates may have been missed meanwhile.
            live.version.update(|v| *v += 1);
        });
        listen(&socket, "disconnect", move || live.connection.set(Connection::Offline));
        listen(&socket, "connect_error", move || live.connection.set(Connection::Offline));
    }

    fn listen(socket: &Socket, event: &str, handler: impl Fn() + 'static) {
        let closure = Closure::<dyn Fn(JsValue)>::new(move |_: JsValue| handler());
        socket.on(event, closure.as_ref().unchecked_ref());
        // The socket lives as long as the tab, and so must its handlers.
        closure.forget();
    }
}
