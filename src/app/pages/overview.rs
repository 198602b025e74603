//! The dashboard of one channel (or all): its totals, kept live.

use leptos::prelude::*;

use crate::app::api::get_dashboard;
use crate::app::live::use_live;
use crate::components::echart::EChart;
use crate::components::layout::Layout;
use crate::components::sessions_table::SessionsTable;
use crate::components::totals::TotalsGrid;
use crate::model::ChannelFilter;

fn title(channel: ChannelFilter) -> &'static str {
    match channel {
        ChannelFilter::All => "All channels",
        ChannelFilter::Web => "Web",
        ChannelFilter::Premium => "Premium",
    }
}

#[component]
pub fn Overview(channel: ChannelFilter) -> impl IntoView {
    let live = use_live();
    live.start();
    let dashboard = Resource::new(move || live.version.get(), move |_| get_dashboard(channel.as_str().to_string()));
    // Charts sit outside the <Transition>: their elements are made once and only their
    // option changes, so ECharts updates them in place.
    let chart = move |pick: fn(&crate::model::ChartOptions) -> &String| {
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
                <figure class="panel">
                    <figcaption>"Messages and sessions per day"</figcaption>
                    <EChart option=chart(|c| &c.daily) label="Messages and sessions per day" />
                </figure>
                <figure class="panel">
                    <figcaption>"Messages per month"</figcaption>
                    <EChart option=chart(|c| &c.monthly) label="Messages per month" />
                </figure>
                <figure class="panel">
                    <figcaption>"Messages by weekday and hour"</figcaption>
                    <EChart option=chart(|c| &c.heatmap) label="Messages by weekday and hour" />
                </figure>
                <figure class="panel">
                    <figcaption>"Sessions per channel"</figcaption>
                    <EChart option=chart(|c| &c.channels) label="Sessions per channel" />
                </figure>
                <figure class="panel">
                    <figcaption>"Sessions by length (messages)"</figcaption>
                    <EChart option=chart(|c| &c.distribution) label="Sessions by length" />
                </figure>
                <figure class="panel">
                    <figcaption>"Top countries (users)"</figcaption>
                    <EChart option=chart(|c| &c.countries) label="Top countries" />
                </figure>
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
