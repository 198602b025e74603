//! A minimal Socket.IO v5 / Engine.IO v4 client over WebSocket, enough to watch the
//! `/dashboard` namespace from a thousand sockets in one process.

use futures::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// Connects to `/dashboard` with a read key; every `stats_update` received is
/// reported on `updates` with the instant it arrived. Returns once connected.
pub async fn watch_dashboard(port: u16, token: &str, updates: mpsc::UnboundedSender<std::time::Instant>) {
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
        assert!(!text.starts_with("44"), "refused: {text}");
    }
    tokio::spawn(async move {
        while let Some(Ok(message)) = stream.next().await {
            let Ok(text) = message.to_text() else { continue };
            if text == "2" {
                if sink.send(Message::text("3")).await.is_err() {
                    break;
                }
            } else if text.starts_with("42/dashboard,[\"stats_update\"") {
                let _ = updates.send(std::time::Instant::now());
            }
        }
    });
}
