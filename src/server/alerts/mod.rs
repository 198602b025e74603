//! Alerts: rules an admin sets on `/settings`, checked every second by the one instance
//! that leads them (`evaluator`). An incident opens when a rule's condition starts to
//! hold and closes when it stops; each move reaches every open dashboard as a toast and
//! the rule's webhook as one signed call, retried until it lands (`webhook`).

pub mod evaluator;
pub mod notice;
pub mod rules;
pub mod webhook;
