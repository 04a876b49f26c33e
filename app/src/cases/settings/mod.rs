//! Case settings: what the district maintains as data for its case engine — the categories
//! (each with its department, time limit and flags) and the working-time calendar — and the
//! audited edits of both by the district's admins.
//!
//! What it adds to the case core: the categories a district starts with (`catalog`, seeded by
//! `district import` and `--demo`), the back-office pages to change a category
//! (`category_pages`, `/manage/case-categories`), and the use cases (`service`) and API
//! operations (`api`: `/case-categories/{id}`, `/work-calendar…`) that change categories and the
//! calendar, with their checks and audit entries, shared by the pages and the API.
//!
//! Why the cut is here: one service and one API cover both kinds of setting, so they stay
//! together rather than split between a categories folder and the calendar's; the calendar's
//! model, SQL and page are `cases::calendar`, a part the core builds on. The categories' rows
//! stay in the core's `cases::store`, since every filing reads its category in the same
//! statement as the rest (`store::FILING_REFS`). The core still names `catalog` (the seed type
//! `cases::store` takes, the request kind the report screens offer): pure data, importing
//! only the calendar's `TimeLimit`. Templates: `cases/categories.html`, `cases/category.html`.

pub mod api;
pub mod catalog;
pub mod category_pages;
pub mod service;
