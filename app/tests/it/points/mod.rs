//! The points ledger: awards, caps, reversals and rules (`ledger`), attendance earning points
//! (`attendance`), and the person's and the admins' pages and the API (`pages`).

mod attendance;
mod ledger;
mod pages;
