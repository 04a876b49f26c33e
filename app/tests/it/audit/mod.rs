//! The audit log: every recorded action worded, the page's filters, and who reads what.

mod log;
mod wording;
