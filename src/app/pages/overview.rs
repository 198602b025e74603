//! The dashboard of one channel (or all): the range bar, totals, charts and sessions of
//! the view in the URL, kept live. After the first paint nothing on screen is replaced
//! by a placeholder: refetches happen inside `<Transition>`, and a failed refetch keeps
//! the last figures (the header says they are stale).

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::app::api::get_dashboard;
use crate::app::chart_tables;
use crate::app::live::{session_ended, use_live};
use crate::app::prefs::use_prefs;
use crate::components::chart_panel::{ChartPanel, ChartTable};
use crate::components::layout::Layout;
use crate::components::range_bar::RangeBar;
use crate::components::sessions_table::SessionsTable;
use crate::components::totals::TotalsGrid;
use crate::dashboard_view::{DashboardView, RowFilter};
use crate::i18n::{Locale, Text};
use crate::model::{ChannelFilter, ChartOptions, Dashboard};

fn title(channel: ChannelFilter) -> Text {
    match channel {
        ChannelFilter::All => Text::AllChannels,
        ChannelFilter::Web => Text::Web,
        ChannelFilter::Premium => Text::Premium,
    }
}

/// Where a chart's option is in the dashboard's `ChartOptions`.
type PickOption = fn(&ChartOptions) -> &String;
/// A chart's numbers as a table.
type MakeTable = fn(&Dashboard, Locale) -> ChartTable;
/// The sessions-table filter a click on a chart's element (by data index) stands for.
type FilterOf = fn(&Dashboard, usize) -> Option<RowFilter>;

struct ChartSpec {
    name: &'static str,
    caption: Text,
    option: PickOption,
    table: MakeTable,
    filter: Option<FilterOf>,
}

const CHARTS: [ChartSpec; 7] = [
    ChartSpec {
        name: "daily",
        caption: Text::ChartDaily,
        option: |c| &c.daily,
        table: |d, l| chart_tables::daily(&d.stats, l),
        filter: Some(|d, i| d.stats.daily.get(i).map(|day| RowFilter::Day(day.date.clone()))),
    },
    ChartSpec {
        name: "monthly",
        caption: Text::ChartMonthly,
        option: |c| &c.monthly,
        table: |d, l| chart_tables::monthly(&d.stats, l),
        filter: None,
    },
    ChartSpec {
        name: "heatmap",
        caption: Text::ChartHeatmap,
        option: |c| &c.heatmap,
        table: |d, l| chart_tables::heatmap(&d.stats, l),
        // Cells are listed weekday by weekday, 24 hours each.
        filter: Some(|_, i| (i < 7 * 24).then_some(RowFilter::Hour { weekday: (i / 24) as u8, hour: (i % 24) as u8 })),
    },
    ChartSpec {
        name: "channels",
        caption: Text::ChartChannels,
        option: |c| &c.channels,
        table: |d, l| chart_tables::channels(&d.stats, l),
        filter: Some(|d, i| {
            let channel = ChannelFilter::parse(&d.stats.channels.get(i)?.channel)?;
            Some(RowFilter::Channel(channel))
        }),
    },
    ChartSpec {
        name: "senders",
        caption: Text::ChartSenders,
        option: |c| &c.senders,
        table: |d, l| chart_tables::senders(&d.stats, l),
        filter: None,
    },
    ChartSpec {
        name: "lengths",
        caption: Text::ChartLengths,
        option: |c| &c.distribution,
        table: |d, l| chart_tables::lengths(&d.stats, l),
        filter: None,
    },
    ChartSpec {
        name: "countries",
        caption: Text::ChartCountries,
        option: |c| &c.countries,
        table: |d, l| chart_tables::countries(&d.stats, l, &d.country_names),
        // "other" stands for many countries: it filters nothing.
        filter: Some(|d, i| {
            let country = &d.stats.countries.get(i)?.country;
            (country != "other").then(|| RowFilter::Country(country.clone()))
        }),
    },
];

/// What to show for the resource's state: its figures, or after a failed refetch the
/// last ones that arrived; an error only when there never were any.
fn latest(
    fetched: Option<Result<Dashboard, ServerFnError>>,
    shown: RwSignal<Option<Dashboard>>,
) -> Result<Option<Dashboard>, ()> {
    match fetched {
        Some(Ok(d)) => Ok(Some(d)),
        Some(Err(_)) => shown.get().map(Some).ok_or(()),
        None => Ok(None),
    }
}

#[component]
pub fn Overview(channel: ChannelFilter) -> impl IntoView {
    let live = use_live();
    let prefs = use_prefs();
    let query = use_query_map();
    let view_of = Memo::new(move |_| {
        let locale = prefs.locale.get();
        query.with(|q| DashboardView::from_query(channel, locale, |name| q.get(name)))
    });
    let dashboard = Resource::new(move || (view_of.get(), live.version.get()), |(view, _)| get_dashboard(view));
    // The newest figures that arrived, kept by an effect (resources are read only in
    // effects and transitions): a failed refetch leaves them on screen. Charts and the
    // custom range's days follow it; the transitions read the resource itself so that the
    // server waits for it.
    let shown = RwSignal::new(None::<Dashboard>);
    Effect::new(move |_| match dashboard.get() {
        Some(Ok(d)) => {
            shown.set(Some(d));
            live.fetched(true);
        }
        Some(Err(error)) => {
            if error.to_string().contains("log in first") {
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
    // Charts sit outside the <Transition>: their elements are made once and only their
    // option changes, so ECharts updates them in place.
    let charts = CHARTS.iter().map(move |spec| {
        let (pick, make_table) = (spec.option, spec.table);
        let option =
            Signal::derive(move || shown.with(|d| d.as_ref().map(|d| pick(&d.charts).clone()).unwrap_or_default()));
        let table = Signal::derive(move || {
            let locale = prefs.locale.get();
            shown.with(|d| d.as_ref().map(|d| make_table(d, locale)).unwrap_or_default())
        });
        let on_click = spec.filter.map(|filter_of| {
            let go_to = go_to.clone();
            Callback::new(move |index: usize| {
                let filter = shown.with_untracked(|d| d.as_ref().and_then(|d| filter_of(d, index)));
                if filter.is_some() {
                    go_to(view_of.get_untracked().with_filter(filter));
                }
            })
        });
        view! { <ChartPanel caption=spec.caption name=spec.name option table on_click /> }
    });
    let days = Memo::new(move |_| {
        shown.with(|d| d.as_ref().map(|d| (d.first_day.clone(), d.last_day.clone())).unwrap_or_default())
    });
    view! {
        <Layout title=title(channel)>
            <RangeBar view=view_of.into() days />
            <Transition fallback=move || view! { <div class="kpis placeholder" aria-busy="true">{move || prefs.t(Text::Loading)}</div> }>
                {move || {
                    let locale = prefs.locale.get();
                    match latest(dashboard.get(), shown) {
                        Ok(Some(d)) => view! { <TotalsGrid stats=d.stats previous=d.previous locale /> }.into_any(),
                        Err(()) => view! { <p class="error">{Text::LoadFailed.get(locale)}</p> }.into_any(),
                        Ok(None) => ().into_any(),
                    }
                }}
            </Transition>
            <p class="hint muted">{move || prefs.t(Text::ClickToFilter)}</p>
            <section class="charts">{charts.collect_view()}</section>
            <Transition fallback=move || view! { <div class="placeholder" aria-busy="true">{move || prefs.t(Text::Loading)}</div> }>
                {move || {
                    let locale = prefs.locale.get();
                    latest(dashboard.get(), shown)
                        .ok()
                        .flatten()
                        .map(|d| view! { <SessionsTable dashboard=d view=view_of.get() locale /> })
                }}
            </Transition>
        </Layout>
    }
}
