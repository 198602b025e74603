//! Everything a request handler, socket handler or server function may reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::dashboard_view::DashboardView;
use crate::model::DashboardPage;
use crate::server::auth::{AdminSessions, Keyring};
use crate::server::db::Db;
use crate::server::fanout::Fanout;
use crate::server::figures::Figures;
use crate::server::ingest::Ingestor;
use crate::server::limits::Limits;
use crate::server::live::Live;
use crate::server::metrics::Metrics;
use crate::server::shared_cache::SharedCache;
use crate::server::site_bundle::EmbeddedSite;
use crate::server::sources::Sources;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub figures: Arc<Figures>,
    pub ingestor: Arc<Ingestor>,
    pub live: Arc<Live>,
    pub keyring: Arc<Keyring>,
    pub admin_sessions: AdminSessions,
    pub fanout: Fanout,
    pub limits: Arc<Limits>,
    pub metrics: Arc<Metrics>,
    /// Dashboard answers shared by every page showing the same view.
    pub dashboards: Arc<SharedCache<DashboardView, DashboardPage>>,
    /// The followed sources' states (SQL table, widget servers).
    pub sources: Sources,
    /// The site packed into the binary, when it serves that one (`site_bundle`).
    pub site: Option<Arc<EmbeddedSite>>,
}
