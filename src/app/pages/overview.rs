//! The dashboard of one channel (or all): the range bar, totals, charts and sessions of
//! the view in the URL, kept live. After the first paint nothing on screen is replaced
//! by a placeholder: refetches happen inside `<Transition>`, and a failed refetch keeps
//! the last figures (the header says they are stale). The figures arrive written as
//! HTML by the server (`model::DashboardPage`); this page places them and hosts the
//! charts.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::app::api::get_dashboard;
use crate::app::dashboard_payload::{DashboardPayload, SESSIONS_CLASS, TABLES_CLASS, TOTALS_CLASS};
use crate::app::live::{session_ended, use_live};
use crate::app::prefs::use_prefs;
use crate::app::server_error::{ErrorCode, ServerError};
use crate::chart_kind::ChartKind;
use crate::components::activity_feed::ActivityFeedPanel;
use crate::components::chart_panel::ChartPanel;
use crate::components::layout::Layout;
use crate::components::range_bar::RangeBar;
use crate::dashboard_view::{DashboardView, RowFilter};
use crate::i18n::Text;
use crate::model::{ChannelFilter, ChartPart, DashboardPage};

fn title(channel: ChannelFilter) -> Text {
    match channel {
        ChannelFilter::All => Text::AllChannels,
        ChannelFilter::Web => Text::Web,
        ChannelFilter::Premium => Text::Premium,
    }
}

/// What to show for the resource's state: its figures, or after a failed refetch the
/// last ones that arrived; an error only when there never were any.
fn latest(
    fetched: Option<Result<DashboardPayload, ServerError>>,
    shown: RwSignal<Option<DashboardPage>>,
) -> Result<Option<DashboardPage>, ()> {
    match fetched {
        Some(Ok(DashboardPayload(d))) => Ok(Some(d)),
        Some(Err(_)) => shown.get().map(Some).ok_or(()),
        None => Ok(None),
    }
}

#[component]
pub fn Overview(channel: ChannelFilter) -> impl IntoView {
    let live = use_live();
    live.watching.set(channel);
    let prefs = use_prefs();
    let query = use_query_map();
    let view_of = Memo::new(move |_| {
        let locale = prefs.locale.get();
        query.with(|q| DashboardView::from_query(channel, locale, |name| q.get(name)))
    });
    // The first document carries the figures once (app::dashboard_payload).
    let dashboard = Resource::new_serde_wb(
        move || (view_of.get(), live.refetches.get()),
        |(view, _)| async move { get_dashboard(view.channel, view.locale, view.query_string()).await.map(DashboardPayload) },
    );
    // The newest figures that arrived, kept by an effect (resources are read only in
    // effects and transitions): a failed refetch leaves them on screen. Charts and the
    // custom range's days follow it; the transitions read the resource itself so that the
    // server waits for it.
    let shown = RwSignal::new(None::<DashboardPage>);
    Effect::new(move |_| match dashboard.get() {
        Some(Ok(DashboardPayload(d))) => {
            live.showing(d.version);
            shown.set(Some(d));
            live.fetched(true);
        }
        Some(Err(error)) => {
            if error.code == ErrorCode::LoginRequired {
                session_ended();
            }
            live.fetched(false);
        }
        None => {}
    });
    let navigate = use_navigate();
    let go_to = move |view: DashboardView| {
        navigate(&view.href(), Default::default());
    };
    let version = Signal::derive(move || shown.with(|d| d.as_ref().map_or(0, |d| d.version)));
    // Charts sit outside the <Transition>: their elements are made once and only their
    // option changes, so ECharts updates them in place.
    let charts = ChartKind::ALL.into_iter().enumerate().map(move |(i, kind)| {
        // A memo: a chart whose option did not change with the figures is not drawn again.
        let part = move |read: fn(&ChartPart) -> String| {
            Memo::new(move |_| shown.with(|d| d.as_ref().and_then(|d| d.charts.get(i)).map(read).unwrap_or_default()))
        };
        let go_to = go_to.clone();
        let on_click = kind.filter_param().map(|param| {
            Callback::new(move |index: usize| {
                let filter = shown.with_untracked(|d| {
                    RowFilter::from_param(param, d.as_ref()?.charts.get(i)?.filter_values.get(index)?)
                });
                if filter.is_some() {
                    go_to(view_of.get_untracked().with_filter(filter));
                }
            })
        });
        view! {
            <ChartPanel kind option=part(|p| p.option.clone()) view=view_of version on_click />
        }
    });
    let days = Memo::new(move |_| {
        shown.with(|d| d.as_ref().map(|d| (d.first_day.clone(), d.last_day.clone())).unwrap_or_default())
    });
    view! {
        <Layout title=title(channel)>
            <RangeBar view=view_of.into() days />
            <Transition fallback=move || view! { <div class="kpis placeholder" aria-busy="true">{move || prefs.t(Text::Loading)}</div> }>
                {move || {
                    match latest(dashboard.get(), shown) {
                        Ok(Some(d)) => view! { <div class=TOTALS_CLASS inner_html=d.totals_html></div> }.into_any(),
                        Err(()) => view! { <p class="error">{prefs.t(Text::LoadFailed)}</p> }.into_any(),
                        Ok(None) => ().into_any(),
                    }
                }}
            </Transition>
            <p class="hint muted">{move || prefs.t(Text::ClickToFilter)}</p>
            <section class="charts">{charts.collect_view()}</section>
            <ActivityFeedPanel channel />
            <Transition fallback=move || view! { <div class="placeholder" aria-busy="true">{move || prefs.t(Text::Loading)}</div> }>
                {move || {
                    latest(dashboard.get(), shown)
                        .ok()
                        .flatten()
                        .map(|d| {
                            view! {
                                <div class=TABLES_CLASS inner_html=d.tables_html></div>
                                <div class=SESSIONS_CLASS inner_html=d.sessions_html></div>
                            }
                        })
                }}
            </Transition>
        </Layout>
    }
}
