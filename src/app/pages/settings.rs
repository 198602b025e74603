//! The settings that shape the figures, and the viewer's language and theme.

use leptos::prelude::*;

use crate::app::api::get_settings;
use crate::app::prefs::use_prefs;
use crate::app::submission::Submitted;
use crate::components::access_settings::AccessSettings;
use crate::components::erase_visitor::EraseVisitor;
use crate::components::form_outcome::FormOutcome;
use crate::components::layout::Layout;
use crate::components::post_form::PostForm;
use crate::components::prefs_controls::PrefsControls;
use crate::components::source_status::SourceStatusPanel;
use crate::i18n::Text;

/// A whole number from 1 to `max`, labelled in the viewer's language.
#[component]
fn NumberField(label: Text, name: &'static str, max: u32, value: u32) -> impl IntoView {
    let prefs = use_prefs();
    view! {
        <label>
            {move || prefs.t(label)}
            <input type="number" name=name min="1" max=max value=value />
        </label>
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let prefs = use_prefs();
    let t = move |text| move || prefs.t(text);
    let saved: Submitted = RwSignal::new(None);
    let saves = RwSignal::new(0u32);
    let settings = Resource::new_serde_wb(move || saves.get(), |_| get_settings());
    view! {
        <Layout title=Text::Settings>
            <section class="panel settings-section">
                <h2>{t(Text::FiguresSection)}</h2>
                <Transition fallback=move || view! { <div class="placeholder" aria-busy="true">{move || prefs.t(Text::Loading)}</div> }>
                    {move || {
                        settings
                            .get()
                            .map(|result| match result {
                                Ok(s) => {
                                    view! {
                                        <PostForm class="settings" action="/api/update_settings" outcome=saved changes=saves>
                                            <NumberField label=Text::SessionGap name="session_gap_minutes" max=1440 value=s.session_gap_minutes />
                                            <NumberField label=Text::MinMessages name="min_session_messages" max=100 value=s.min_session_messages />
                                            <NumberField label=Text::OnlineWindow name="online_window_minutes" max=120 value=s.online_window_minutes />
                                            <label>
                                                {t(Text::TimeZone)}
                                                <input type="text" name="timezone" value=s.timezone />
                                            </label>
                                            <button type="submit">{t(Text::Save)}</button>
                                        </PostForm>
                                    }
                                        .into_any()
                                }
                                Err(_) => view! { <p class="error">{t(Text::SettingsLoadFailed)}</p> }.into_any(),
                            })
                    }}
                </Transition>
                <FormOutcome result=saved ok=Text::Saved />
            </section>
            <AccessSettings />
            <SourceStatusPanel />
            <EraseVisitor />
            <section class="panel settings-section">
                <h2>{t(Text::AppearanceSection)}</h2>
                <PrefsControls />
            </section>
        </Layout>
    }
}
