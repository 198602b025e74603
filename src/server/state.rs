//! Everything a request handler, socket handler or server function may reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::dashboard_view::DashboardView;
use crate::model::DashboardPage;
use crate::server::auth::{AdminSessions, Keyring};
use crate::server::db::Db;
use crate::server::limits::Limits;
use crate::server::metrics::Metrics;
use crate::server::pipeline::figures::Figures;
use crate::server::pipeline::ingest::Ingestor;
use crate::server::pipeline::shared_cache::SharedCache;
use crate::server::pipeline::sources::Sources;
use crate::server::realtime::fanout::Fanout;
use crate::server::realtime::login_watch::LoginWatch;
use crate::server::realtime::signals::Live;
use crate::server::site_bundle::EmbeddedSite;

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

impl AppState {
    /// The watch that ends sockets whose login or key is over, on this state's services.
    pub fn login_watch(&self) -> LoginWatch {
        LoginWatch { fanout: self.fanout.clone(), keyring: self.keyring.clone(), logins: self.admin_sessions.clone() }
    }
}
