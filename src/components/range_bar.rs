//! The date-range picker and the comparison switch. Each choice is a link to the same
//! page with another query, so views can be bookmarked and work without JavaScript.

use leptos::prelude::*;
use leptos_router::components::{Form, A};

use crate::app::prefs::use_prefs;
use crate::dashboard_view::{DashboardView, RangePreset};
use crate::i18n::Text;

#[component]
pub fn RangeBar(
    view: Signal<DashboardView>,
    /// The first and last day shown, `YYYY-MM-DD`, for the custom inputs.
    days: Signal<(String, String)>,
) -> impl IntoView {
    let prefs = use_prefs();
    let link = move |v: DashboardView| format!("{}{}", v.channel.path(), v.query_string());
    let presets = RangePreset::ALL.into_iter().filter(|p| *p != RangePreset::Custom).map(move |preset| {
        view! {
            <A
                href=move || link(view.get().with_range(preset))
                attr:class="range"
                attr:aria-current=move || (view.get().range == preset).then_some("true")
            >
                {move || prefs.t(preset.label())}
            </A>
        }
    });
    view! {
        <div class="range-bar" role="group" aria-label=move || prefs.t(Text::Range)>
            <div class="presets">{presets.collect_view()}</div>
            <Form method="GET" action=move || view.get().channel.path().to_string() attr:class="custom-range">
                <input type="hidden" name="range" value="custom" />
                {move || view.get().compare.then(|| view! { <input type="hidden" name="compare" value="1" /> })}
                <label>
                    {move || prefs.t(Text::From)}
                    <input type="date" name="from" value=move || days.get().0 required />
                </label>
                <label>
                    {move || prefs.t(Text::To)}
                    <input type="date" name="to" value=move || days.get().1 required />
                </label>
                <button
                    type="submit"
                    class="range"
                    aria-current=move || (view.get().range == RangePreset::Custom).then_some("true")
                >
                    {move || prefs.t(Text::Apply)}
                </button>
            </Form>
            <A
                href=move || { let v = view.get(); link(v.with_compare(!v.compare)) }
                attr:class="compare"
                attr:role="switch"
                attr:aria-checked=move || view.get().compare.to_string()
            >
                {move || prefs.t(Text::Compare)}
            </A>
        </div>
    }
}
