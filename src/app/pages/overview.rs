//! The dashboard of one channel (or all): its totals, kept live.

use leptos::prelude::*;

use crate::app::api::get_dashboard;
use crate::app::live::use_live;
use crate::components::echart::EChart;
use crate::components::layout::Layout;
use crate::components::sessions_table::SessionsTable;
use crate::components::totals::TotalsGrid;
use crate::model::{ChannelFilter, ChartOptions};

fn title(channel: ChannelFilter) -> &'static str {
    match channel {
        ChannelFilter::All => "All channels",
        ChannelFilter::Web => "Web",
        ChannelFilter::Premium => "Premium",
    }
}

/// Where a chart's option is in the dashboard's `ChartOptions`.
type PickOption = fn(&ChartOptions) -> &String;

/// Each chart: its caption, which is also its accessible name, and where its option is.
const CHARTS: [(&str, PickOption); 6] = [
    ("Messages and sessions per day", |c| &c.daily),
    ("Messages per month", |c| &c.monthly),
    ("Messages by weekday and hour", |c| &c.heatmap),
    ("Sessions per channel", |c| &c.channels),
    ("Sessions by length (messages)", |c| &c.distribution),
    ("Top countries (users)", |c| &c.countries),
];

#[component]
pub fn Overview(channel: ChannelFilter) -> impl IntoView {
    let live = use_live();
    live.start();
    let dashboard = Resource::new(move || live.version.get(), move |_| get_dashboard(channel.as_str().to_string()));
    // Charts sit outside the <Transition>: their elements are made once and only their
    // option changes, so ECharts updates them in place.
    let chart = move |pick: PickOption| {
        Signal::derive(move || {
            dashboard
                .with(|d| d.as_ref().and_then(|r| r.as_ref().ok()).map(|d| pick(&d.charts).clone()).unwrap_or_default())
        })
    };
    view! {
        <Layout title=title(channel)>
            <Transition fallback=|| view! { <div class="kpis placeholder" aria-busy="true">"Loading…"</div> }>
                {move || {
                    dashboard
                        .get()
                        .map(|result| match result {
                            Ok(d) => view! { <TotalsGrid stats=d.stats /> }.into_any(),
                            Err(_) => view! { <p class="error">"The figures could not be loaded."</p> }.into_any(),
                        })
                }}
            </Transition>
            <section class="charts">
                {CHARTS
                    .into_iter()
                    .map(|(caption, pick)| {
                        view! {
                            <figure class="panel">
                                <figcaption>{caption}</figcaption>
                                <EChart option=chart(pick) label=caption />
                            </figure>
                        }
                    })
                    .collect_view()}
            </section>
            <Transition fallback=|| view! { <div class="placeholder" aria-busy="true">"Loading…"</div> }>
                {move || {
                    dashboard
                        .get()
                        .and_then(Result::ok)
                        .map(|d| view! { <SessionsTable page=d.stats.sessions_page /> })
                }}
            </Transition>
        </Layout>
    }
}
