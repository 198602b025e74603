//! The dashboard of one channel (or all): its totals, kept live.

use leptos::prelude::*;

use crate::app::api::get_stats;
use crate::app::live::use_live;
use crate::components::layout::Layout;
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
    let stats = Resource::new(move || live.version.get(), move |_| get_stats(channel.as_str().to_string()));
    view! {
        <Layout title=title(channel)>
            <Transition fallback=|| view! { <div class="kpis placeholder" aria-busy="true">"Loading…"</div> }>
                {move || {
                    stats
                        .get()
                        .map(|result| match result {
                            Ok(stats) => view! { <TotalsGrid stats /> }.into_any(),
                            Err(_) => view! { <p class="error">"The figures could not be loaded."</p> }.into_any(),
                        })
                }}
            </Transition>
        </Layout>
    }
}
