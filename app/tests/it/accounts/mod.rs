//! Accounts: logging in, registering, the profile, API tokens and calendar feeds, login limits.

mod credentials;
mod login_limits;
mod pages;
mod reset;
