//! The settings that shape the figures, and the viewer's language and theme. A lazily
//! loaded route: built with `cargo leptos --split`, this page's code and the admin forms
//! it holds are a WASM file of their own, fetched only when `/settings` opens, so that the
//! dashboards' first visit does not carry them.

use leptos::prelude::codee::string::JsonSerdeWasmCodec;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use crate::app::api::get_settings;
use crate::app::prefs::use_prefs;
use crate::app::server_error::ServerError;
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
use crate::model::Settings;
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

/// The route's data half, in the main WASM: the settings are requested while the page's
/// code is still on its way, not after it.
pub struct SettingsRoute {
    /// Bumped by each save, which refetches `settings`.
    saves: RwSignal<u32>,
    settings: SettingsResource,
}

type SettingsResource = Resource<Result<Settings, ServerError>, JsonSerdeWasmCodec>;

#[lazy_route]
impl LazyRoute for SettingsRoute {
    fn data() -> Self {
        let saves = RwSignal::new(0u32);
        let settings = Resource::new_serde_wb(move || saves.get(), |_| get_settings());
        SettingsRoute { saves, settings }
    }

    fn view(this: Self) -> AnyView {
        view! { <SettingsPage saves=this.saves settings=this.settings /> }.into_any()
    }
}

#[component]
fn SettingsPage(saves: RwSignal<u32>, settings: SettingsResource) -> impl IntoView {
    let prefs = use_prefs();
    let t = move |text| move || prefs.t(text);
    let saved: Submitted = RwSignal::new(None);
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
