//! The settings page's "erase a visitor" form (KVKK / GDPR): every stored event of one
//! visitor is deleted and every dashboard's figures follow without them.

use leptos::prelude::*;

use crate::app::prefs::use_prefs;
use crate::app::submission::Submitted;
use crate::components::post_form::PostForm;
use crate::i18n::{fill, Text};

#[component]
pub fn EraseVisitor() -> impl IntoView {
    let prefs = use_prefs();
    let t = move |text| move || prefs.t(text);
    let erased: Submitted = RwSignal::new(None);
    view! {
        <section class="panel settings-section" id="erase">
            <h2>{t(Text::EraseSection)}</h2>
            <p class="hint">{t(Text::EraseHint)}</p>
            <PostForm class="stacked" id="erase-visitor" action="/api/access/erase_visitor" outcome=erased>
                <label>{t(Text::VisitorId)} <input type="text" name="user_id" required maxlength="128" autocomplete="off" /></label>
                <label>
                    {t(Text::Channel)}
                    <select name="channel">
                        <option value="all">{t(Text::AllChannels)}</option>
                        <option value="web">{t(Text::Web)}</option>
                        <option value="premium">{t(Text::Premium)}</option>
                    </select>
                </label>
                <button type="submit">{t(Text::Erase)}</button>
            </PostForm>
            {move || {
                erased
                    .get()
                    .map(|result| match result {
                        Ok(count) => {
                            view! { <p class="notice" role="status">{fill(prefs.t(Text::Erased), &[&count])}</p> }
                                .into_any()
                        }
                        Err(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                    })
            }}
        </section>
    }
}
