//! The news on the public site: the pages (`pages`: `/news`, `/news/{id}`, `/topics`,
//! `/topics/{id}`), their Atom feeds (`feed`), and what the busiest of them keep in memory
//! (`cache`: the first pages of the list and each published article), so that reading the
//! news costs no database query in the steady state.

pub mod cache;
pub mod feed;
pub mod pages;
