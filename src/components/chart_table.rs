//! A chart's numbers as a table, for "view as table". Rendered on the server; the
//! browser receives it as HTML.

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
