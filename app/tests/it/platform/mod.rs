//! What every domain stands on: the API and its contract, security, languages, connections,
//! operations, the schema and the command line.

mod api;
mod architecture;
mod backup;
mod cli;
mod connections;
mod contract;
mod i18n;
pub mod ops;
mod routes;
mod schema;
mod security;
