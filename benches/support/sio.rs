//! A minimal Socket.IO v5 / Engine.IO v4 client over WebSocket, enough to watch the
//! `/dashboard` namespace from a thousand sockets in one process.

use std::sync::atomic::{AtomicUsize, Ordering};

use futures::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// Watch sockets whose connection ended, and why the last one did.
pub static CLOSED: AtomicUsize = AtomicUsize::new(0);

/// Connects to `/dashboard` with a read key; every `stats_update` received is
/// reported on `updates` with the instant it arrived. Returns once connected.
pub async fn watch_dashboard(port: u16, token: &str, updates: mpsc::UnboundedSender<std::time::Instant>) {
    watch_and_refetch(port, token, updates, None).await
}

/// Like `watch_dashboard`; with `refetch`, each `stats_update` is followed by a
/// `GET /api/stats` on the same instance, as an open dashboard page does.
pub async fn watch_and_refetch(
    port: u16,
    token: &str,
    updates: mpsc::UnboundedSender<std::time::Instant>,
    refetch: Option<reqwest::Client>,
) {
    let url = format!("ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket");
    let (ws, _) = tokio_tungstenite::connect_async(url).await.expect("websocket");
    let (mut sink, mut stream) = ws.split();
    // Engine.IO open packet, then the namespace handshake.
    let open = stream.next().await.unwrap().unwrap();
    assert!(open.to_text().unwrap().starts_with('0'));
    sink.send(Message::text(format!("40/dashboard,{{\"token\":\"{token}\"}}"))).await.unwrap();
    loop {
        let text = stream.next().await.unwrap().unwrap().into_text().unwrap();
        if text.starts_with("40/dashboard") {
            break;
        }
        // The server may ping before the handshake is answered; unanswered, it closes
        // the connection a ping timeout later.
        if text.as_str() == "2" {
            sink.send(Message::text("3")).await.unwrap();
        }
        assert!(!text.starts_with("44"), "refused: {text}");
    }
    let token = token.to_string();
    tokio::spawn(async move {
        loop {
            let message = match stream.next().await {
                Some(Ok(message)) => message,
                other => {
                    if CLOSED.fetch_add(1, Ordering::SeqCst) == 0 {
                        eprintln!("a watch socket ended: {other:?}");
                    }
                    break;
                }
            };
            let Ok(text) = message.to_text() else { continue };
            if text == "2" {
                if sink.send(Message::text("3")).await.is_err() {
                    break;
                }
            } else if text.starts_with("42/dashboard,[\"stats_update\"") {
                let _ = updates.send(std::time::Instant::now());
                if let Some(client) = &refetch {
                    let (client, token) = (client.clone(), token.clone());
                    tokio::spawn(async move {
                        let url = format!("http://127.0.0.1:{port}/api/stats");
                        let _ = client.get(url).bearer_auth(token).send().await.map(|r| r.bytes());
                    });
                }
            }
        }
    });
}
