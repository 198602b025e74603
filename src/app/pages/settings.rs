//! The settings that shape the figures.

use leptos::prelude::*;

use crate::app::api::{get_settings, UpdateSettings};
use crate::components::layout::Layout;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let save = ServerAction::<UpdateSettings>::new();
    let settings = Resource::new(move || save.version().get(), |_| get_settings());
    view! {
        <Layout title="Settings">
            <Transition fallback=|| view! { <div class="placeholder" aria-busy="true">"Loading…"</div> }>
                {move || {
                    settings
                        .get()
                        .map(|result| match result {
                            Ok(s) => {
                                view! {
                                    <ActionForm action=save attr:class="settings">
                                        <label>
                                            "Session gap (minutes)"
                                            <input type="number" name="session_gap_minutes" min="1" max="1440" value=s.session_gap_minutes />
                                        </label>
                                        <label>
                                            "Minimum messages per session"
                                            <input type="number" name="min_session_messages" min="1" max="100" value=s.min_session_messages />
                                        </label>
                                        <label>
                                            "Online window (minutes)"
                                            <input type="number" name="online_window_minutes" min="1" max="120" value=s.online_window_minutes />
                                        </label>
                                        <label>
                                            "Time zone (IANA)"
                                            <input type="text" name="timezone" value=s.timezone />
                                        </label>
                                        <button type="submit">"Save"</button>
                                    </ActionForm>
                                }
                                    .into_any()
                            }
                            Err(_) => view! { <p class="error">"The settings could not be loaded."</p> }.into_any(),
                        })
                }}
            </Transition>
            {move || {
                save.value()
                    .get()
                    .map(|result| match result {
                        Ok(()) => view! { <p class="notice">"Saved. Open dashboards update by themselves."</p> }.into_any(),
                        Err(e) => view! { <p class="error">{e.to_string()}</p> }.into_any(),
                    })
            }}
        </Layout>
    }
}
