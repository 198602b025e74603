//! The date-range picker and the comparison switch. Each choice is a link to the same
//! page with another query, so views can be bookmarked and work without JavaScript.
//! Plain `<a>`s (the router still navigates them in place): the router's `<A>` would mark
//! every link to this same path as the current page, whatever its query. The custom
//! range is a plain `GET` form, which the page navigates in place too.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::app::prefs::use_prefs;
use crate::app::submission::url_of_get_form;
use crate::dashboard_view::{DashboardView, RangePreset};
use crate::i18n::Text;

#[component]
pub fn RangeBar(
    view: Signal<DashboardView>,
    /// The first and last day shown, `YYYY-MM-DD`, for the custom inputs. A memo: the
    /// inputs are set only when the days change, not on every live update.
    days: Memo<(String, String)>,
) -> impl IntoView {
    let prefs = use_prefs();
    let navigate = use_navigate();
    let apply = move |event| {
        if let Some(url) = url_of_get_form(&event) {
            navigate(&url, Default::default());
        }
    };
    let presets = RangePreset::ALL.into_iter().filter(|p| *p != RangePreset::Custom).map(move |preset| {
        view! {
            <a
                href=move || view.get().with_range(preset).href()
                class="range"
                aria-current=move || (view.get().range == preset).then_some("true")
            >
                {move || prefs.t(preset.label())}
            </a>
        }
    });
    view! {
        <div class="range-bar" role="group" aria-label=move || prefs.t(Text::Range)>
            <div class="presets">{presets.collect_view()}</div>
            <form method="get" action=move || view.get().channel.path() class="custom-range" on:submit=apply>
                <input type="hidden" name="range" value="custom" />
                {move || view.get().compare.then(|| view! { <input type="hidden" name="compare" value="1" /> })}
                <label>
                    {move || prefs.t(Text::From)}
                    <input type="date" name="from" value=move || days.get().0 prop:value=move || days.get().0 required />
                </label>
                <label>
                    {move || prefs.t(Text::To)}
                    <input type="date" name="to" value=move || days.get().1 prop:value=move || days.get().1 required />
                </label>
                <button
                    type="submit"
                    class="range"
                    aria-current=move || (view.get().range == RangePreset::Custom).then_some("true")
                >
                    {move || prefs.t(Text::Apply)}
                </button>
            </form>
            <a
                href=move || {
                    let v = view.get();
                    v.with_compare(!v.compare).href()
                }
                class="compare"
                role="switch"
                aria-checked=move || view.get().compare.to_string()
            >
                {move || prefs.t(Text::Compare)}
            </a>
        </div>
    }
}
