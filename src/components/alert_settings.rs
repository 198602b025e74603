//! The settings page's alerts: the rules with their state, the form that adds one (its
//! webhook's signing secret is shown once it exists), and the webhook delivery log.
//! The lists come written by the server and follow every change made here.

use leptos::prelude::*;

use crate::alert_kinds::AlertKind;
use crate::app::alerts_api::get_alert_lists;
use crate::app::prefs::use_prefs;
use crate::app::submission::Submitted;
use crate::components::form_outcome::FormOutcome;
use crate::components::post_form::PostForm;
use crate::components::server_list::ServerList;
use crate::i18n::Text;

#[component]
pub fn AlertSettings() -> impl IntoView {
    let prefs = use_prefs();
    let t = move |text| move || prefs.t(text);
    let changes = RwSignal::new(0u32);
    let lists =
        Resource::new_serde_wb(move || (prefs.locale.get(), changes.get()), |(locale, _)| get_alert_lists(locale));
    let [removed, added]: [Submitted; 2] = std::array::from_fn(|_| RwSignal::new(None));
    let kinds = move || {
        AlertKind::ALL
            .iter()
            .map(|kind| {
                view! { <option value=kind.code()>{kind.words("N", prefs.locale.get())}</option> }
            })
            .collect_view()
    };
    view! {
        <section class="panel settings-section" id="alerts">
            <h2>{t(Text::AlertsSection)}</h2>
            <p class="hint">{t(Text::AlertsHint)}</p>
            <ServerList lists pick=|l| l.rules_html.clone() failed=Text::AlertsLoadFailed outcome=removed changes />
            <FormOutcome result=removed ok=Text::RuleRemoved />
            <h3>{t(Text::AddRule)}</h3>
            <PostForm class="stacked" id="add-rule" action="/api/alerts/add_rule" outcome=added changes>
                <label>{t(Text::AlertRule)} <select name="kind">{kinds}</select></label>
                <label>{t(Text::Threshold)} " (N)" <input type="number" name="threshold" required min="0" step="any" value="5" /></label>
                <label>{t(Text::WebhookUrl)} <input type="url" name="webhook_url" maxlength="2048" autocomplete="off" placeholder="https://" /></label>
                <button type="submit">{t(Text::AddRule)}</button>
            </PostForm>
            <FormOutcome result=added ok=Text::RuleAdded />
            <h3>{t(Text::DeliveriesHeading)}</h3>
            <ServerList lists pick=|l| l.deliveries_html.clone() failed=Text::AlertsLoadFailed outcome=removed changes />
        </section>
    }
}
