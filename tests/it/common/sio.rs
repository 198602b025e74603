//! A raw Socket.IO v5 / Engine.IO v4 client over WebSocket for the Rust tests: the
//! handshake of one namespace (with its answer, accepted or refused) and acked emits.

use futures::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Ws = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a socket to `namespace` on `base` (`http://host:port`) with `auth` (a JSON
/// object) and extra headers. `Ok` holds the open socket, `Err` the refusal's packet.
pub async fn connect(base: &str, namespace: &str, auth: &str, headers: &[(&str, &str)]) -> Result<Ws, String> {
    let url = format!("{}/socket.io/?EIO=4&transport=websocket", base.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    for (name, value) in headers {
        let name = tokio_tungstenite::tungstenite::http::HeaderName::from_bytes(name.as_bytes()).unwrap();
        request.headers_mut().insert(name, value.parse().unwrap());
    }
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.map_err(|e| e.to_string())?;
    let open = next_text(&mut ws).await;
    assert!(open.starts_with('0'), "{open}");
    ws.send(Message::text(format!("40{namespace},{auth}"))).await.unwrap();
    loop {
        let text = next_text(&mut ws).await;
        if text.starts_with(&format!("40{namespace},")) {
            return Ok(ws);
        }
        if text.starts_with(&format!("44{namespace},")) {
            return Err(text);
        }
    }
}

/// Emits `event` with `data` and an ack id, and returns the ack's payload.
pub async fn emit_with_ack(ws: &mut Ws, namespace: &str, id: u32, event: &str, data: &str) -> String {
    ws.send(Message::text(format!("42{namespace},{id}[\"{event}\",{data}]"))).await.unwrap();
    let prefix = format!("43{namespace},{id}");
    loop {
        let text = next_text(ws).await;
        if let Some(rest) = text.strip_prefix(&prefix) {
            return rest.to_string();
        }
    }
}

/// Emits `event` with `data` (JSON text), asking no acknowledgement.
pub async fn emit(ws: &mut Ws, namespace: &str, event: &str, data: &str) {
    ws.send(Message::text(format!("42{namespace},[\"{event}\",{data}]"))).await.unwrap();
}

/// Every event (name, payload) `ws` receives on `namespace` within `within`.
pub async fn events_within(
    ws: &mut Ws,
    namespace: &str,
    within: std::time::Duration,
) -> Vec<(String, serde_json::Value)> {
    let mut events = Vec::new();
    let deadline = std::time::Instant::now() + within;
    let prefix = format!("42{namespace},");
    while let Ok(text) =
        tokio::time::timeout(deadline.saturating_duration_since(std::time::Instant::now()), next_text(ws)).await
    {
        if let Some(rest) = text.strip_prefix(&prefix) {
            let packet: serde_json::Value = serde_json::from_str(rest).unwrap();
            events.push((packet[0].as_str().unwrap_or_default().to_string(), packet[1].clone()));
        }
    }
    events
}

pub async fn next_text(ws: &mut Ws) -> String {
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(10), ws.next())
            .await
            .expect("an answer within 10 s")
            .expect("the socket is open")
            .expect("a frame");
        if let Message::Text(text) = message {
            let text = text.to_string();
            if text == "2" {
                ws.send(Message::text("3")).await.unwrap();
                continue;
            }
            return text;
        }
    }
}

/// The packets `ws` receives until the server ends `namespace` (its disconnect packet)
/// or the connection closes; panics after 10 s of neither.
pub async fn until_disconnected(ws: &mut Ws, namespace: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let end = format!("41{namespace}");
    loop {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(10), ws.next())
            .await
            .expect("the server ends the socket within 10 s");
        match frame {
            Some(Ok(Message::Text(text))) if text.as_str() == "2" => ws.send(Message::text("3")).await.unwrap(),
            Some(Ok(Message::Text(text))) => {
                let text = text.to_string();
                let ended = text.starts_with(&end);
                seen.push(text);
                if ended {
                    return seen;
                }
            }
            Some(Ok(_)) => {}
            Some(Err(_)) | None => return seen,
        }
    }
}
