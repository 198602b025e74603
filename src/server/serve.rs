//! Accepts connections and serves the router over HTTP/1 and HTTP/2, as `axum::serve`
//! does, plus what it lacks: a deadline for a request's headers. Without one, a client
//! that trickles its headers a byte at a time (slowloris) holds a connection, a task and
//! a buffer for as long as it likes, and a few thousand such clients hold the server.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::pin;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

/// Time a client has to send a request's whole header block, on a new connection and
/// between the requests of a kept-alive one. Honest clients need milliseconds.
pub const HEADER_DEADLINE: Duration = Duration::from_secs(10);

/// Serves `router` on `listener` until `shutdown` completes, then lets the requests in
/// flight finish. Each request carries its peer's `ConnectInfo<SocketAddr>`.
pub async fn serve(listener: TcpListener, router: Router, shutdown: impl Future<Output = ()>) {
    let (stopping, stop_heard) = watch::channel(());
    let (running, connections_done) = watch::channel(());
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, most likely: wait instead of spinning.
                    tracing::warn!(%error, "a connection could not be accepted");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = router.clone().map_request(move |mut request: axum::http::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            request
        });
        let mut stop_heard = stop_heard.clone();
        let connection_done = connections_done.clone();
        tokio::spawn(async move {
            let mut builder = Builder::new(TokioExecutor::new());
            builder.http1().timer(TokioTimer::new()).header_read_timeout(HEADER_DEADLINE);
            builder.http2().enable_connect_protocol();
            let hyper_service = TowerToHyperService::new(service);
            let mut connection = pin!(builder.serve_connection_with_upgrades(TokioIo::new(stream), hyper_service));
            loop {
                tokio::select! {
                    served = connection.as_mut() => {
                        if let Err(error) = served {
                            tracing::trace!(%error, %peer, "a connection ended with an error");
                        }
                        break;
                    }
                    _ = stop_heard.changed() => connection.as_mut().graceful_shutdown(),
                }
            }
            drop(connection_done);
        });
    }
    drop(listener);
    let _ = stopping.send(());
    drop(connections_done);
    running.closed().await;
}
