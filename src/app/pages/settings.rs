//! The settings that shape the figures, and the viewer's language and theme.

use leptos::prelude::*;

use crate::app::api::get_settings;
use crate::app::prefs::use_prefs;
use crate::app::submission::Submitted;
use crate::components::access_settings::AccessSettings;
use crate::components::alert_settings::AlertSettings;
use crate::components::erase_visitor::EraseVisitor;
use crate::components::form_outcome::FormOutcome;
use crate::components::layout::Layout;
use crate::components::post_form::PostForm;
use crate::components::prefs_controls::PrefsControls;
use crate::components::source_status::SourceStatusPanel;
use crate::i18n::Text;
use crate::setting_fields::{NumberSetting, NUMBER_SETTINGS};

/// A whole-number setting in its allowed range, labelled in the viewer's language.
#[component]
fn NumberField(field: &'static NumberSetting, value: u32) -> impl IntoView {
    let prefs = use_prefs();
    let label = field.label;
    view! {
        <label>
            {move || prefs.t(label)}
            <input type="number" name=field.name min=field.min max=field.max value=value />
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
                                            {NUMBER_SETTINGS
                                                .iter()
                                                .map(|field| view! { <NumberField field=field value=(field.value)(&s) /> })
                                                .collect_view()}
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
            <AlertSettings />
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
