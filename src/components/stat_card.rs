//! One total: a label, its number as written in the language, the plain number in
//! `data-kpi` for tests and tools, and a detail line.

use leptos::prelude::*;

#[component]
pub fn StatCard(
    field: &'static str,
    label: &'static str,
    value: String,
    /// The number itself, whatever the language writes.
    raw: f64,
    #[prop(optional_no_strip)] detail: Option<String>,
) -> impl IntoView {
    view! {
        <div class="card">
            <div class="card-label">{label}</div>
            <div class="card-value" data-kpi=field data-value=raw.to_string()>{value}</div>
            {detail.map(|d| view! { <div class="card-detail">{d}</div> })}
        </div>
    }
}
