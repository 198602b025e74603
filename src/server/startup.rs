//! Wiring: configuration, database, figures, sockets and routes, then serve.

use std::process::ExitCode;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;

use crate::app::{shell, App};
use crate::server::alerts::evaluator;
use crate::server::auth::bootstrap::{ensure_credentials, Generated};
use crate::server::auth::logins::Role;
use crate::server::auth::{AdminSessions, Keyring};
use crate::server::config::Config;
use crate::server::db::Db;
use crate::server::http::access::account_of;
use crate::server::http::api_routes;
use crate::server::http::cross_site::refuse_cross_site;
use crate::server::http::headers::security_headers;
use crate::server::http::login::urlencode;
use crate::server::http::site_files::embedded_file;
use crate::server::limits::Limits;
use crate::server::metrics::Metrics;
use crate::server::pipeline::figures::Figures;
use crate::server::pipeline::ingest::Ingestor;
use crate::server::pipeline::sources::sql_follower::{FollowerWake, SqlFollower};
use crate::server::pipeline::sources::widget_client::WidgetListener;
use crate::server::pipeline::sources::Sources;
use crate::server::pipeline::{catch_up, demo};
use crate::server::realtime::fanout::{Fanout, FanoutLayer};
use crate::server::realtime::signals::Live;
use crate::server::realtime::sockets;
use crate::server::site_bundle::EmbeddedSite;
use crate::server::state::AppState;

/// Serves with `config` until stopped.
pub async fn run(config: Config) -> ExitCode {
    init_tracing();
    return_large_blocks_to_the_system();
    let options = match leptos_options() {
        Ok(options) => options,
        Err(error) => {
            tracing::error!(%error, "the Leptos configuration could not be read");
            return ExitCode::FAILURE;
        }
    };
    let addr = options.site_addr;
    let (options, site) = choose_site(options);
    let (mut state, layer) = match build_state(&config, options).await {
        Ok(built) => built,
        Err(error) => {
            tracing::error!("chatpulse cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    state.site = site;
    let listener = match TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(%error, %addr, "cannot listen");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(
        "chatpulse listening on http://{}",
        listener.local_addr().map(|a| a.to_string()).unwrap_or_default()
    );
    let db = state.db.clone();
    crate::server::serve::serve(listener, app(state, layer), shutdown_signal()).await;
    db.close().await;
    ExitCode::SUCCESS
}

/// Makes glibc hand blocks of 4 MiB and more straight back to the system when freed.
/// By default it raises that threshold after each large free, and then keeps freed
/// blocks of that size: every argon2 check (about 19 MiB) left its block behind, up to
/// ~390 MB after a login flood (`cargo bench -- logins`), never given back.
fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any thread of ours
    // allocates large blocks, and any value is valid for M_MMAP_THRESHOLD below 32 MiB.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 4 << 20);
    }
}

/// Human-readable lines by default; one JSON object per line with
/// `CHATPULSE_LOG_FORMAT=json`, for log collectors.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,socketioxide=warn,engineioxide=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = if std::env::var("CHATPULSE_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}

/// `Leptos.toml` when it is in the working folder, with `LEPTOS_*` variables on top;
/// otherwise what cargo-leptos baked in and the variables.
fn leptos_options() -> Result<LeptosOptions, String> {
    let file = std::path::Path::new("Leptos.toml").exists().then_some("Leptos.toml");
    leptos::config::get_configuration(file).map(|c| c.leptos_options).map_err(|e| e.to_string())
}

/// The site on disk (`site_root`, as cargo-leptos builds it and `cargo leptos watch`
/// rebuilds it) when it is there; otherwise the one packed into this binary, whose app
/// files go by hashed names (`site_bundle`).
fn choose_site(mut options: LeptosOptions) -> (LeptosOptions, Option<Arc<EmbeddedSite>>) {
    let on_disk = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    if on_disk.is_dir() {
        tracing::info!(site = %on_disk.display(), "serving the site from disk");
        return (options, None);
    }
    match EmbeddedSite::of_current_exe() {
        Some(site) => {
            tracing::info!(files = site.len(), name = %site.output_name, "serving the site packed into the binary");
            options.output_name = site.output_name.clone().into();
            (options, Some(Arc::new(site)))
        }
        None => {
            tracing::warn!(
                site = %on_disk.display(),
                "no site on disk and none packed into this binary: pages will load without their scripts \
                 (build with `cargo leptos build`, or pack one with `chatpulse bundle-site`)"
            );
            (options, None)
        }
    }
}

/// Opens the database, migrates it, loads the figures and registers the sockets.
pub async fn build_state(config: &Config, leptos_options: LeptosOptions) -> Result<(AppState, FanoutLayer), String> {
    let db = Db::connect_pooled(&config.database_url, config.database_connections).await.map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    // The credentials' password check (argon2, a fraction of a second) runs beside the
    // figures' load instead of before it: a restart serves sooner.
    let credentials = {
        let (db, config) = (db.clone(), config.clone());
        tokio::spawn(async move { ensure_credentials(&db, &config).await })
    };
    let started = std::time::Instant::now();
    let checkpoint_path = config.checkpoint.as_ref().map(|c| c.path.clone());
    let figures = Arc::new(Figures::load(db.clone(), checkpoint_path).await.map_err(|e| e.to_string())?);
    tracing::info!(version = figures.version(), elapsed_ms = started.elapsed().as_millis() as u64, "figures loaded");
    // Building them left the pages of every event read behind, free.
    crate::server::memory::give_back_freed_memory();
    let generated = credentials.await.map_err(|e| e.to_string())?.map_err(|e| e.to_string())?;
    announce(&generated, config);
    let keyring = Keyring::load(db.clone()).await.map_err(|e| e.to_string())?;
    let (fanout, layer) = Fanout::connect(config.redis_url.as_deref(), &config.redis_prefix).await?;
    let live = Live::new(fanout.clone());
    live.follow(figures.take_moves().ok_or("the figures' moves were taken twice")?);
    let metrics = Arc::new(Metrics::default());
    let ingestor = Arc::new(Ingestor::start(db.clone(), figures.clone(), live.clone(), metrics.clone()));
    let state = AppState {
        leptos_options,
        admin_sessions: AdminSessions::new(db.clone()),
        db,
        figures,
        ingestor,
        live,
        keyring,
        fanout: fanout.clone(),
        limits: Arc::new(Limits::new(&config.limits)),
        metrics,
        dashboards: Arc::default(),
        sources: Sources::default(),
        site: None,
    };
    match &fanout {
        Fanout::Local(io) => {
            sockets::register(io, state.clone());
        }
        Fanout::Redis { io, .. } => {
            for subscribed in sockets::register(io, state.clone()) {
                subscribed.await.map_err(|e| format!("the Socket.IO namespaces could not subscribe in Redis: {e}"))?;
            }
        }
    }
    fanout.spawn_watch();
    catch_up::spawn(state.figures.clone());
    if let Some(checkpoint) = &config.checkpoint {
        crate::server::pipeline::checkpoint::take::spawn_writer(
            state.figures.clone(),
            state.db.clone(),
            checkpoint.clone(),
        );
    }
    state.login_watch().spawn();
    if let Some(days) = config.retention_days {
        crate::server::pipeline::erasure::spawn_retention(state.db.clone(), state.figures.clone(), days);
    }
    follow_sources(config, &state);
    evaluator::spawn_alerts(state.db.clone(), state.figures.clone(), state.live.clone(), config.webhook_retry_ms);
    evaluator::spawn_unanswered_notices(state.figures.clone(), state.live.clone());
    if config.demo {
        demo::spawn(state.db.clone(), state.ingestor.clone(), state.figures.clone());
    }
    Ok((state, layer))
}

/// Starts following the configured SQL table and widget servers.
fn follow_sources(config: &Config, state: &AppState) {
    let sql_follower = config.sql_source.as_ref().map(|sql| {
        let wake = FollowerWake::default();
        SqlFollower {
            config: sql.clone(),
            db: state.db.clone(),
            ingestor: state.ingestor.clone(),
            sources: state.sources.clone(),
            wake: wake.clone(),
        }
        .spawn();
        wake
    });
    for widget in &config.widget_sources {
        WidgetListener {
            config: widget.clone(),
            ingestor: state.ingestor.clone(),
            sources: state.sources.clone(),
            sql_follower: sql_follower.clone(),
        }
        .spawn();
    }
}

/// Shows generated credentials once. On a terminal they are printed; otherwise stderr
/// is a log (journald, a container's log) that others read and keep, so they go to a
/// file only the server's user can read, and the log names the file, not the secret.
#[allow(clippy::print_stderr)]
fn announce(generated: &Generated, config: &Config) {
    let mut lines = Vec::new();
    if let Some(password) = &generated.admin_password {
        lines.push(format!("the password of user `admin`: {password}  (set CHATPULSE_ADMIN_PASSWORD to choose one)"));
    }
    if let Some(key) = &generated.ingest_key {
        lines.push(format!("an ingest API key: {key}  (set CHATPULSE_INGEST_KEY to choose one)"));
    }
    if lines.is_empty() {
        return;
    }
    use std::io::IsTerminal;
    if std::io::stderr().is_terminal() {
        eprintln!("\n  chatpulse generated, shown once (stored only as hashes):\n  - {}\n", lines.join("\n  - "));
        return;
    }
    let path = credentials_file(&config.database_url);
    match write_private(&path, &format!("chatpulse generated on first start:\n{}\n", lines.join("\n"))) {
        Ok(()) => tracing::warn!(
            path = %path.display(),
            "generated credentials were written to this file (readable by this user only): read it, then delete it"
        ),
        Err(error) => tracing::error!(%error, path = %path.display(), "generated credentials could not be written"),
    }
}

/// Beside the SQLite database, or in the working folder for PostgreSQL.
fn credentials_file(database_url: &str) -> std::path::PathBuf {
    const NAME: &str = "chatpulse-first-start.txt";
    let sqlite_path = database_url.strip_prefix("sqlite://").or_else(|| database_url.strip_prefix("sqlite:"));
    let folder = sqlite_path
        .map(|path| path.split('?').next().unwrap_or(path))
        .and_then(|path| std::path::Path::new(path).parent().map(std::path::Path::to_path_buf))
        .filter(|folder| !folder.as_os_str().is_empty());
    folder.unwrap_or_default().join(NAME)
}

fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::fs::PermissionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    // `mode` applies only to a new file; one left from an earlier start is narrowed too.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.write_all(text.as_bytes())
}

/// The whole router: pages, server functions, API, static files, sockets.
pub fn app(state: AppState, socket_layer: FanoutLayer) -> Router {
    let routes = generate_route_list(App);
    let context_state = state.clone();
    let shell_options = state.leptos_options.clone();
    let router = Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(shell_options.clone()),
        )
        .fallback(static_file_or_not_found)
        .layer(compression())
        // Pages, server functions and files need a login; the API's doors, merged after
        // the gate, each check their own key or session.
        .layer(middleware::from_fn_with_state(state.clone(), require_login))
        .merge(api_routes(&state))
        .layer(middleware::from_fn_with_state(state.clone(), refuse_cross_site));
    socket_layer
        .apply(router)
        .layer(middleware::from_fn_with_state(state.clone(), sockets::limit_handshakes))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

/// Pages and server functions' answers go compressed (brotli or gzip, as the browser
/// accepts): a dashboard's document is mostly HTML tables and chart options, a few KB once
/// compressed instead of tens. Files that carry their own precompressed copy are sent as
/// they are (a response that has a `Content-Encoding` is left alone). The level is a fast
/// one: each refetch of each open dashboard is compressed anew.
fn compression() -> tower_http::compression::CompressionLayer {
    tower_http::compression::CompressionLayer::new().quality(tower_http::CompressionLevel::Precise(4))
}

/// A file of the packed site, else a file of the site on disk or the not-found page.
async fn static_file_or_not_found(state: State<AppState>, request: Request) -> Response {
    if let Some(site) = &state.site {
        if let Some(response) = embedded_file(site, request.uri().path(), request.headers()) {
            return response;
        }
    }
    let uri = request.uri().clone();
    leptos_axum::file_and_error_handler::<AppState, _>(shell)(uri, state, request).await
}

/// Behind the login gate, what anyone may request: the login page and the site's
/// files. (The API's doors are not behind the gate at all.)
fn is_public(path: &str) -> bool {
    path == "/login" || path == "/favicon.ico" || path.starts_with("/pkg/") || path.starts_with("/vendor/")
}

/// Pages only an admin opens; a viewer is sent to the dashboard.
const ADMIN_PAGES: [&str; 1] = ["/settings"];

/// Everything else (pages, server functions) needs a logged-in account: pages redirect
/// to the login page and come back to the asked URL afterwards. Server functions that
/// change something check for the admin role themselves (`app::api::acting_admin`).
async fn require_login(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if is_public(request.uri().path()) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    match account_of(&parts, &state).await {
        Ok(Some(account)) if account.role == Role::Viewer && ADMIN_PAGES.contains(&parts.uri.path()) => {
            Redirect::to("/").into_response()
        }
        Ok(Some(account)) => {
            let mut request = Request::from_parts(parts, body);
            // For the page shell, which marks a viewer's page (`app::shell`).
            request.extensions_mut().insert(account.role);
            next.run(request).await
        }
        Ok(None) => {
            let wants_page = parts
                .headers
                .get(header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"));
            if wants_page {
                let asked = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
                Redirect::to(&format!("/login?next={}", urlencode(asked))).into_response()
            } else {
                (StatusCode::UNAUTHORIZED, "log in first").into_response()
            }
        }
        Err(error) => error.into_response(),
    }
}

/// Ctrl-C or SIGTERM (what service managers send) ends the server gracefully.
async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
    tracing::info!("stopping");
}
