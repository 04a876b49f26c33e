//! Topic columns (专题) beyond their title and description: the banner with its alt text, the
//! ordered sections (stable ids, so renaming or moving one keeps what is filed under it), the
//! activities attached to a section, and the published articles filed under each.
//!
//! A folder of its own because a column is edited on its own back-office pages
//! (`/manage/topics`, `manage`) and API (`api`) with its own use cases (`service`) and SQL (`store`); the news
//! core (`news::service::create_topic`, `news::store::topic`) keeps the part articles and
//! feeds need.

pub mod api;
pub mod manage;
pub mod service;
pub mod store;
