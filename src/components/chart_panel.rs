//! A chart in its panel: the caption (also the chart's accessible name) and a
//! "view as table" switch that shows the same numbers as a table. The server writes the
//! table; it is asked for when the table opens, and again while it is open whenever the
//! figures shown change, so that pages nobody turns into tables do not carry them.

use leptos::prelude::*;

use crate::app::api::get_chart_table;
use crate::app::prefs::use_prefs;
use crate::chart_kind::ChartKind;
use crate::components::echart::EChart;
use crate::dashboard_view::DashboardView;
use crate::i18n::Text;

/// While `open`, keeps `html` set to the chart's table for the view and version shown;
/// a slower answer to an older request never replaces a newer one.
fn follow_table(
    kind: ChartKind,
    open: RwSignal<bool>,
    view: Signal<DashboardView>,
    version: Signal<u64>,
    html: RwSignal<String>,
) {
    let latest = StoredValue::new(0u64);
    Effect::new(move |_| {
        if !open.get() {
            html.set(String::new());
            return;
        }
        let (view, _) = (view.get(), version.get());
        latest.update_value(|n| *n += 1);
        let asked = latest.get_value();
        leptos::task::spawn_local(async move {
            let answer = get_chart_table(view.channel, view.locale, view.query_string(), kind.name().to_string()).await;
            if let Ok(table) = answer {
                if latest.try_get_value() == Some(asked) {
                    html.set(table);
                }
            }
        });
    });
}

#[component]
pub fn ChartPanel(
    kind: ChartKind,
    #[prop(into)] option: Signal<String>,
    /// The view the page shows, and the version of the figures it shows: the table
    /// follows both.
    #[prop(into)]
    view: Signal<DashboardView>,
    #[prop(into)] version: Signal<u64>,
    #[prop(optional_no_strip)] on_click: Option<Callback<usize>>,
) -> impl IntoView {
    let prefs = use_prefs();
    let as_table = RwSignal::new(false);
    let table_html = RwSignal::new(String::new());
    follow_table(kind, as_table, view, version, table_html);
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
                <div class="chart-table" aria-busy=move || table_html.with(String::is_empty).to_string() inner_html=table_html></div>
            </Show>
        </figure>
    }
}
