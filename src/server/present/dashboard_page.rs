//! Writes a dashboard's figures as the page shows them: the totals, the sessions table
//! and each chart's table as HTML in the view's language, each chart's option, and what
//! a click on each chart element filters the table to. Done once per shared answer, so
//! a hundred open dashboards cost one rendering, and the browser carries no code to
//! lay out figures.

use leptos::prelude::*;

use crate::components::chart_table::{ChartDataTable, FigureTablePanel};
use crate::components::conversation_cards::ConversationCards;
use crate::components::sessions_table::SessionsTable;
use crate::components::totals::TotalsGrid;
use crate::dashboard_view::DashboardView;
use crate::i18n::Text;
use crate::model::{ChartPart, DashboardFigures, DashboardPage, Stats};
use crate::server::present::charts::{ChartSpec, SPECS};
use crate::server::present::figure_tables;
use crate::server::present::fragment::html_of;

pub fn render(dashboard: &DashboardFigures, view: &DashboardView) -> DashboardPage {
    let locale = view.locale;
    let totals = view! {
        <TotalsGrid stats=dashboard.stats.clone() previous=dashboard.previous.clone() locale />
        <ConversationCards stats=dashboard.stats.clone() locale />
    };
    let sessions = view! { <SessionsTable dashboard=dashboard.clone() view=view.clone() locale /> };
    let tz = crate::server::domain::settings::settings_tz(&dashboard.stats.settings);
    let tables = view! {
        <FigureTablePanel
            field="operators"
            heading=Text::OperatorsHeading.get(locale)
            empty=Text::NoOperators.get(locale)
            table=figure_tables::operators(dashboard, tz, locale)
        />
        <FigureTablePanel
            field="pages"
            heading=Text::PagesHeading.get(locale)
            empty=Text::NoPages.get(locale)
            table=figure_tables::pages(dashboard, locale)
        />
    };
    DashboardPage {
        version: dashboard.stats.version,
        totals_html: html_of(totals),
        sessions_html: html_of(sessions),
        tables_html: html_of(tables),
        charts: SPECS.iter().map(|spec| chart(spec, dashboard, view)).collect(),
        first_day: dashboard.first_day.clone(),
        last_day: dashboard.last_day.clone(),
    }
}

fn chart(spec: &ChartSpec, dashboard: &DashboardFigures, view: &DashboardView) -> ChartPart {
    let locale = view.locale;
    let table = (spec.table)(dashboard, locale);
    let caption = spec.kind.caption().get(locale);
    ChartPart {
        option: spec.option_json(&dashboard.stats, locale),
        table_html: html_of(view! { <ChartDataTable caption table /> }),
        filter_values: click_targets(spec, &dashboard.stats),
    }
}

/// The value of the chart's `filter_param` for each element by data index (empty where
/// a click filters nothing), written by `RowFilter::param` so that it reads back as the
/// same filter.
fn click_targets(spec: &ChartSpec, stats: &Stats) -> Vec<String> {
    let filters = (spec.targets)(stats);
    filters.into_iter().map(|filter| filter.map(|f| f.param().1).unwrap_or_default()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart_kind::ChartKind;
    use crate::dashboard_view::RowFilter;
    use crate::i18n::Locale;
    use crate::model::{CountryCount, DayCount, SessionsPage, Totals};

    fn sample() -> DashboardFigures {
        DashboardFigures {
            stats: Stats {
                version: 7,
                totals: Totals { users: 1234, messages: 5, ..Default::default() },
                daily: vec![DayCount {
                    date: "2026-03-01".into(),
                    messages: 5,
                    sessions: 1,
                    outcomes: Default::default(),
                }],
                heatmap: vec![vec![0; 24]; 7],
                countries: vec![
                    CountryCount { country: "TR".into(), users: 3 },
                    CountryCount { country: "other".into(), users: 1 },
                ],
                sessions_page: SessionsPage { page: 1, per_page: 25, ..Default::default() },
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn the_page_carries_the_totals_as_html_in_the_language() {
        let view = DashboardView { locale: Locale::Tr, ..Default::default() };
        let page = render(&sample(), &view);
        assert_eq!(page.version, 7);
        assert!(page.totals_html.contains(r#"data-kpi="users""#), "{}", page.totals_html);
        assert!(page.totals_html.contains("1.234"), "Turkish groups thousands with a dot: {}", page.totals_html);
        assert_eq!(page.charts.len(), ChartKind::ALL.len());
        assert!(page.charts[0].table_html.contains("<td>1 Mar 2026</td>"), "{}", page.charts[0].table_html);
    }

    #[test]
    fn each_click_target_reads_back_as_the_filter_of_its_element() {
        let page = render(&sample(), &DashboardView::default());
        let target = |kind: ChartKind, index: usize| {
            let part = &page.charts[ChartKind::ALL.iter().position(|k| *k == kind).unwrap()];
            RowFilter::from_param(kind.filter_param()?, part.filter_values.get(index)?)
        };
        assert_eq!(target(ChartKind::Daily, 0), Some(RowFilter::Day("2026-03-01".into())));
        assert_eq!(target(ChartKind::Heatmap, 6 * 24 + 23), Some(RowFilter::Hour { weekday: 6, hour: 23 }));
        assert_eq!(target(ChartKind::Countries, 0), Some(RowFilter::Country("TR".into())));
        assert_eq!(target(ChartKind::Countries, 1), None, "'other' filters nothing");
        assert_eq!(target(ChartKind::Monthly, 0), None);
    }
}
