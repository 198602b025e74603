//! A chart in its panel: the caption (also the chart's accessible name) and a
//! "view as table" switch that shows the same numbers as a table (written by the server).

use leptos::prelude::*;

use crate::app::prefs::use_prefs;
use crate::chart_kind::ChartKind;
use crate::components::echart::EChart;
use crate::i18n::Text;

#[component]
pub fn ChartPanel(
    kind: ChartKind,
    #[prop(into)] option: Signal<String>,
    /// The chart's numbers as an HTML table.
    #[prop(into)]
    table_html: Signal<String>,
    #[prop(optional_no_strip)] on_click: Option<Callback<usize>>,
) -> impl IntoView {
    let prefs = use_prefs();
    let as_table = RwSignal::new(false);
    let caption_text = Signal::derive(move || prefs.t(kind.caption()).to_string());
    view! {
        <figure class="panel" data-chart=kind.name()>
            <figcaption>
                <span>{caption_text}</span>
                <button
                    type="button"
                    class="link-button"
                    aria-pressed=move || as_table.get().to_string()
                    on:click=move |_| as_table.update(|t| *t = !*t)
                >
                    {move || prefs.t(if as_table.get() { Text::ViewAsChart } else { Text::ViewAsTable })}
                </button>
            </figcaption>
            <EChart
                option
                label=caption_text
                dark=Signal::derive(move || prefs.dark())
                on_click=on_click
                hidden=as_table
            />
            <Show when=move || as_table.get()>
                <div class="chart-table" inner_html=table_html></div>
            </Show>
        </figure>
    }
}
