//! A dashboard page as the first HTML document carries it for hydration. The document
//! already holds the page's totals, tables and sessions, written as HTML in its body;
//! sending them a second time inside the serialized figures doubled the document (and
//! more, escaped twice over). So the serialized copy leaves them out, and the browser
//! reads them back from the elements the server filled. Answers fetched later
//! (`get_dashboard`) carry every part as before.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::{ChartPart, DashboardPage};

/// The classes of the elements `Overview` fills with each part's HTML; the first element
/// of each class in the document is that part's.
pub const TOTALS_CLASS: &str = "totals";
pub const TABLES_CLASS: &str = "figure-tables";
pub const SESSIONS_CLASS: &str = "sessions-slot";

/// A dashboard page that serializes without its HTML parts and deserializes with those
/// read from the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DashboardPayload(pub DashboardPage);

/// What is written into the document.
#[derive(Serialize)]
struct Sent<'a> {
    version: u64,
    charts: &'a [ChartPart],
    first_day: &'a str,
    last_day: &'a str,
}

/// What the browser reads back.
#[derive(Deserialize)]
struct Received {
    version: u64,
    charts: Vec<ChartPart>,
    first_day: String,
    last_day: String,
}

impl Serialize for DashboardPayload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let page = &self.0;
        Sent { version: page.version, charts: &page.charts, first_day: &page.first_day, last_day: &page.last_day }
            .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for DashboardPayload {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Received { version, charts, first_day, last_day } = Received::deserialize(deserializer)?;
        Ok(DashboardPayload(DashboardPage {
            version,
            totals_html: written_in_document(TOTALS_CLASS),
            sessions_html: written_in_document(SESSIONS_CLASS),
            tables_html: written_in_document(TABLES_CLASS),
            charts,
            first_day,
            last_day,
        }))
    }
}

/// The HTML inside the document's first element of `class`.
#[cfg(feature = "hydrate")]
fn written_in_document(class: &str) -> String {
    let document = web_sys::window().and_then(|w| w.document());
    let element = document.and_then(|d| d.query_selector(&format!(".{class}")).ok().flatten());
    element.map(|e| e.inner_html()).unwrap_or_default()
}

/// Only a browser deserializes a page's hydration data.
#[cfg(not(feature = "hydrate"))]
fn written_in_document(_class: &str) -> String {
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_serialized_page_leaves_its_html_out_and_keeps_the_rest() {
        let page = DashboardPage {
            version: 9,
            totals_html: "<p>totals</p>".into(),
            sessions_html: "<table>sessions</table>".into(),
            tables_html: "<table>operators</table>".into(),
            charts: vec![ChartPart {
                option: "{\"a\":1}".into(),
                table_html: String::new(),
                filter_values: vec!["x".into()],
            }],
            first_day: "2026-11-01".into(),
            last_day: "2026-11-30".into(),
        };
        let json = serde_json::to_string(&DashboardPayload(page.clone())).unwrap();
        assert!(!json.contains("totals") && !json.contains("sessions") && !json.contains("operators"), "{json}");
        let back: DashboardPayload = serde_json::from_str(&json).unwrap();
        let without_html = DashboardPage {
            totals_html: String::new(),
            sessions_html: String::new(),
            tables_html: String::new(),
            ..page
        };
        assert_eq!(back.0, without_html);
    }
}
