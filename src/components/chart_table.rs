//! A chart's numbers as a table, for "view as table", and the same table standing alone
//! in a panel (operators, pages). Rendered on the server; the browser receives it as HTML.

use leptos::prelude::*;

/// A chart's numbers: the header row and the body rows, already written for the viewer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartTable {
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

#[component]
pub fn ChartDataTable(caption: &'static str, table: ChartTable) -> impl IntoView {
    view! {
        <table>
            <caption class="visually-hidden">{caption}</caption>
            <thead>
                <tr>{table.head.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr>
            </thead>
            <tbody>
                {table
                    .rows
                    .into_iter()
                    .map(|row| view! { <tr>{row.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr> })
                    .collect_view()}
            </tbody>
        </table>
    }
}

/// A table of figures in its own panel, with a line instead when it has no row.
#[component]
pub fn FigureTablePanel(
    field: &'static str,
    heading: &'static str,
    empty: &'static str,
    table: ChartTable,
) -> impl IntoView {
    let body = if table.rows.is_empty() {
        view! { <p class="empty muted">{empty}</p> }.into_any()
    } else {
        view! { <div class="table-scroll"><ChartDataTable caption=heading table /></div> }.into_any()
    };
    view! {
        <section class="panel figure-table" data-table=field>
            <h2>{heading}</h2>
            {body}
        </section>
    }
}
