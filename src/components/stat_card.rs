//! One total: a label, its number (also in `data-kpi` for tests and tools), a detail.

use leptos::prelude::*;

#[component]
pub fn StatCard(
    field: &'static str,
    label: &'static str,
    value: String,
    #[prop(optional)] detail: Option<String>,
) -> impl IntoView {
    view! {
        <div class="card">
            <div class="card-label">{label}</div>
            <div class="card-value" data-kpi=field>{value}</div>
            {detail.map(|d| view! { <div class="card-detail">{d}</div> })}
        </div>
    }
}
