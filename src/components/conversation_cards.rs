//! How conversations went, as cards beside the totals: each outcome's share of the
//! sessions, who waits for a person now, the operators at work and the first human
//! response. Outcome shares are rounded so that the four always add up to 100.

use leptos::prelude::*;

use crate::components::stat_card::StatCard;
use crate::conversation_words::OUTCOME_NAMES;
use crate::i18n::{fill, Locale, Text};
use crate::model::Stats;

/// `data-kpi` of each outcome card, in `OutcomeCounts::as_array` order.
const OUTCOME_FIELDS: [&str; 4] = ["bot_only", "handed_over_answered", "handed_over_unanswered", "abandoned"];

#[component]
pub fn ConversationCards(stats: Stats, locale: Locale) -> impl IntoView {
    let outcomes = &stats.outcomes;
    let (counts, shares, total) = (outcomes.as_array(), outcomes.percents(), outcomes.total());
    let outcome_cards = OUTCOME_NAMES.iter().enumerate().map(|(i, name)| {
        let detail = fill(Text::OutcomeShare.get(locale), &[&locale.count(counts[i]), &locale.count(total)]);
        view! {
            <StatCard
                field=OUTCOME_FIELDS[i]
                label=name.get(locale)
                value=locale.percent(shares[i])
                raw=shares[i] as f64
                detail=Some(detail)
            />
        }
    });
    let queue = &stats.queue;
    let waiting_detail = if queue.waiting == 0 {
        Text::NobodyWaits.get(locale).to_string()
    } else {
        fill(Text::LongestWait.get(locale), &[&locale.duration(queue.longest_wait_seconds)])
    };
    let first_response = &stats.response_times.handover_wait;
    let (response_value, response_detail) = match (first_response.p50_seconds, first_response.p90_seconds) {
        (Some(p50), Some(p90)) => {
            (locale.duration(p50), fill(Text::NinetiethPercentile.get(locale), &[&locale.duration(p90)]))
        }
        _ => ("—".to_string(), Text::NoSamples.get(locale).to_string()),
    };
    view! {
        <section class="kpis conversations" aria-label=Text::ConversationsHeading.get(locale)>
            {outcome_cards.collect_view()}
            <StatCard
                field="queue_waiting"
                label=Text::WaitingNow.get(locale)
                value=locale.count(queue.waiting)
                raw=queue.waiting as f64
                detail=Some(waiting_detail)
            />
            <StatCard
                field="operators_active"
                label=Text::OperatorsActive.get(locale)
                value=locale.count(queue.operators_active)
                raw=queue.operators_active as f64
                detail=None
            />
            <StatCard
                field="handover_wait_p50"
                label=Text::FirstHumanResponse.get(locale)
                value=response_value
                raw=first_response.p50_seconds.unwrap_or(0.0)
                detail=Some(response_detail)
            />
        </section>
    }
}
