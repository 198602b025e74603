//! The dashboard socket, opened by the page's first script rather than by the app: the
//! WebSocket handshake and Socket.IO's connect then run while the app's WASM is still
//! downloading and compiling, instead of after it has hydrated. The app takes the socket
//! over (`live::socket`) and replays the last connection event it missed.
//!
//! Events that arrive before the app listens are not replayed; none is lost that matters:
//! on `connect` the app refetches the figures, which covers every `stats_update` before it.

/// Where the early script leaves `{ socket, last }` for the app: `last` is
/// `[event, payload]` of the newest `connect`, `connect_error` or `disconnect`.
pub const GLOBAL: &str = "__chatpulseEarlySocket";

/// The options of every dashboard socket, the early one and the app's own. A WebSocket
/// first (no sticky sessions needed behind a load balancer); where a proxy refuses it,
/// long-polling, which keeps the page live within a round trip. Reconnection is the app's
/// (`live::socket`), so that the badge can count down to the next attempt.
pub const SOCKET_OPTIONS: &str =
    r#"{"transports":["websocket","polling"],"tryAllTransports":true,"reconnection":false}"#;

/// The page's inline module script: it runs after the deferred Socket.IO client and before
/// the app's module script, in document order.
pub fn script() -> String {
    format!(
        r#"if(typeof io==="function"){{const early={{socket:io("/dashboard",{SOCKET_OPTIONS}),last:null}};for(const e of["connect","connect_error","disconnect"])early.socket.on(e,p=>{{early.last=[e,p]}});window.{GLOBAL}=early}}"#
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_options_are_json_and_the_script_uses_them() {
        let options: serde_json::Value = serde_json::from_str(super::SOCKET_OPTIONS).unwrap();
        assert_eq!(options["transports"], serde_json::json!(["websocket", "polling"]));
        let script = super::script();
        assert!(script.contains(super::SOCKET_OPTIONS) && script.contains(super::GLOBAL));
        assert_eq!(script.matches('{').count(), script.matches('}').count());
    }
}
