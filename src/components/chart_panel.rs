//! A chart in its panel: the caption (also the chart's accessible name) and a
//! "view as table" switch that shows the same numbers as a table.

use leptos::prelude::*;

use crate::app::prefs::use_prefs;
use crate::components::echart::EChart;
use crate::i18n::Text;

/// A chart's numbers as a table: the header row and the body rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartTable {
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[component]
pub fn ChartPanel(
    caption: Text,
    /// Which chart, for tests and styles (`data-chart`).
    name: &'static str,
    #[prop(into)] option: Signal<String>,
    #[prop(into)] table: Signal<ChartTable>,
    #[prop(optional_no_strip)] on_click: Option<Callback<usize>>,
) -> impl IntoView {
    let prefs = use_prefs();
    let as_table = RwSignal::new(false);
    let caption_text = Signal::derive(move || prefs.t(caption).to_string());
    view! {
        <figure class="panel" data-chart=name>
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
                <div class="chart-table">
                    <table>
                        <caption class="visually-hidden">{caption_text}</caption>
                        <thead>
                            <tr>{move || table.get().head.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr>
                        </thead>
                        <tbody>
                            {move || {
                                table
                                    .get()
                                    .rows
                                    .into_iter()
                                    .map(|row| view! { <tr>{row.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr> })
                                    .collect_view()
                            }}
                        </tbody>
                    </table>
                </div>
            </Show>
        </figure>
    }
}
