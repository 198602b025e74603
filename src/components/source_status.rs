//! The settings page's "Sources" panel: each followed source's state, what it has read
//! and refused (with the reasons), refreshed every few seconds while the page is open so
//! that a backfill's progress shows.

use leptos::prelude::*;

use crate::app::prefs::use_prefs;
use crate::app::sources_api::get_sources;
use crate::i18n::Text;
use crate::model::{SourceState, SourceStatus};

const REFRESH_EVERY: std::time::Duration = std::time::Duration::from_secs(3);

fn state_name(state: SourceState) -> &'static str {
    match state {
        SourceState::Starting => "starting",
        SourceState::Standby => "standby",
        SourceState::Backfilling => "backfilling",
        SourceState::Following => "following",
        SourceState::Connected => "connected",
        SourceState::Down => "down",
    }
}

#[component]
fn SourceRow(source: SourceStatus) -> impl IntoView {
    let prefs = use_prefs();
    let t = move |text| move || prefs.t(text);
    let refusals = source.refusals.clone();
    view! {
        <tr data-source=source.name.clone()>
            <td>{source.name.clone()}</td>
            <td class=format!("source-{}", state_name(source.state))>{state_name(source.state)}</td>
            <td>{source.detail.clone().unwrap_or_default()}</td>
            <td class="num">{source.read}</td>
            <td class="num">{source.refused}</td>
            <td>{source.cursor.clone().unwrap_or_default()}</td>
        </tr>
        {(!refusals.is_empty())
            .then(|| {
                view! {
                    <tr class="refusals">
                        <td colspan="6">
                            <table>
                                <thead>
                                    <tr>
                                        <th>{t(Text::RefusalReason)}</th>
                                        <th>{t(Text::SourceRefused)}</th>
                                        <th>{t(Text::RefusalLast)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {refusals
                                        .into_iter()
                                        .map(|r| view! { <tr><td>{r.reason}</td><td class="num">{r.count}</td><td>{r.last}</td></tr> })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </td>
                    </tr>
                }
            })}
    }
}

#[component]
pub fn SourceStatusPanel() -> impl IntoView {
    let prefs = use_prefs();
    let t = move |text| move || prefs.t(text);
    let ticks = RwSignal::new(0u32);
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(move || ticks.update(|n| *n += 1), REFRESH_EVERY) {
            on_cleanup(move || handle.clear());
        }
    });
    let sources = Resource::new_serde_wb(move || ticks.get(), |_| get_sources());
    view! {
        <Transition fallback=|| ()>
            {move || {
                sources
                    .get()
                    .and_then(Result::ok)
                    .filter(|list| !list.is_empty())
                    .map(|list| {
                        view! {
                            <section class="panel settings-section" id="sources">
                                <h2>{t(Text::SourcesSection)}</h2>
                                <p class="hint">{t(Text::SourcesHint)}</p>
                                <table class="sources">
                                    <thead>
                                        <tr>
                                            <th></th>
                                            <th>{t(Text::SourceState)}</th>
                                            <th></th>
                                            <th>{t(Text::SourceRead)}</th>
                                            <th>{t(Text::SourceRefused)}</th>
                                            <th>{t(Text::SourceCursor)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list.into_iter().map(|source| view! { <SourceRow source=source /> }).collect_view()}
                                    </tbody>
                                </table>
                            </section>
                        }
                    })
            }}
        </Transition>
    }
}
