//! The totals of one `Stats` document as cards, each with its change against the
//! previous period when the view compares.

use leptos::prelude::*;

use crate::components::stat_card::StatCard;
use crate::i18n::{fill, Locale, Text};
use crate::model::{Stats, Totals};

/// A card: its field in `Totals` (and `data-kpi`), its label, its value as a number.
struct Kpi {
    field: &'static str,
    label: Text,
    value: fn(&Totals) -> f64,
    format: fn(Locale, f64) -> String,
}

fn whole(locale: Locale, x: f64) -> String {
    locale.count(x as u64)
}

const KPIS: [Kpi; 8] = [
    Kpi { field: "users", label: Text::Users, value: |t| t.users as f64, format: whole },
    Kpi { field: "sessions", label: Text::Sessions, value: |t| t.sessions as f64, format: whole },
    Kpi { field: "messages", label: Text::Messages, value: |t| t.messages as f64, format: whole },
    Kpi { field: "online_users", label: Text::OnlineNow, value: |t| t.online_users as f64, format: whole },
    Kpi { field: "widget_opens", label: Text::WidgetOpens, value: |t| t.widget_opens as f64, format: whole },
    Kpi { field: "human_sessions", label: Text::HumanSessions, value: |t| t.human_sessions as f64, format: whole },
    Kpi {
        field: "avg_messages_per_session",
        label: Text::MessagesPerSession,
        value: |t| t.avg_messages_per_session,
        format: Locale::decimal,
    },
    Kpi {
        field: "avg_session_seconds",
        label: Text::AverageSession,
        value: |t| t.avg_session_seconds,
        format: Locale::duration,
    },
];

#[component]
pub fn TotalsGrid(stats: Stats, previous: Option<Totals>, locale: Locale) -> impl IntoView {
    let t = stats.totals;
    let cards = KPIS.iter().map(|kpi| {
        let now = (kpi.value)(&t);
        // "Online now" is a moment, not a period: it has nothing to compare with.
        let change = previous
            .as_ref()
            .filter(|_| kpi.field != "online_users")
            .map(|before| fill(Text::VsPrevious.get(locale), &[&locale.change(now, (kpi.value)(before))]));
        let split = (kpi.field == "users")
            .then(|| fill(Text::UsersSplit.get(locale), &[&locale.count(t.web_users), &locale.count(t.premium_users)]));
        let detail = [split, change].into_iter().flatten().collect::<Vec<_>>().join(" · ");
        view! {
            <StatCard
                field=kpi.field
                label=kpi.label.get(locale)
                value=(kpi.format)(locale, now)
                raw=now
                detail=(!detail.is_empty()).then_some(detail)
            />
        }
    });
    view! {
        <section class="kpis" aria-label=Text::Totals.get(locale)>
            {cards.collect_view()}
        </section>
        <p class="version" data-version=stats.version>
            {fill(Text::DataVersion.get(locale), &[&stats.version.to_string()])}
        </p>
    }
}
