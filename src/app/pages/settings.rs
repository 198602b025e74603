//! The settings that shape the figures, and the viewer's language and theme.

use leptos::prelude::*;

use crate::app::api::{get_settings, UpdateSettings};
use crate::app::prefs::use_prefs;
use crate::components::layout::Layout;
use crate::components::prefs_controls::PrefsControls;
use crate::i18n::Text;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let prefs = use_prefs();
    let t = move |text| move || prefs.t(text);
    let save = ServerAction::<UpdateSettings>::new();
    let settings = Resource::new(move || save.version().get(), |_| get_settings());
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
                                        <ActionForm action=save attr:class="settings">
                                            <label>
                                                {t(Text::SessionGap)}
                                                <input type="number" name="session_gap_minutes" min="1" max="1440" value=s.session_gap_minutes />
                                            </label>
                                            <label>
                                                {t(Text::MinMessages)}
                                                <input type="number" name="min_session_messages" min="1" max="100" value=s.min_session_messages />
                                            </label>
                                            <label>
                                                {t(Text::OnlineWindow)}
                                                <input type="number" name="online_window_minutes" min="1" max="120" value=s.online_window_minutes />
                                            </label>
                                            <label>
                                                {t(Text::TimeZone)}
                                                <input type="text" name="timezone" value=s.timezone />
                                            </label>
                                            <button type="submit">{t(Text::Save)}</button>
                                        </ActionForm>
                                    }
                                        .into_any()
                                }
                                Err(_) => view! { <p class="error">{t(Text::SettingsLoadFailed)}</p> }.into_any(),
                            })
                    }}
                </Transition>
                {move || {
                    save.value()
                        .get()
                        .map(|result| match result {
                            Ok(()) => view! { <p class="notice" role="status">{t(Text::Saved)}</p> }.into_any(),
                            Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                        })
                }}
            </section>
            <section class="panel settings-section">
                <h2>{t(Text::AppearanceSection)}</h2>
                <PrefsControls />
            </section>
        </Layout>
    }
}
