//! What defends logging in: attempts counted per phone, address and account before a password
//! is checked (`throttle`), six-digit codes texted to prove a phone is held — for registering
//! and for unlocking (`codes`) —, and the unlock a locked phone's owner gets with one
//! (`unlock`, its pages in `unlock_pages`), and the reset of a forgotten password with one
//! (`reset`, its pages in `reset_pages`).

pub mod codes;
pub mod reset;
pub mod reset_pages;
pub mod throttle;
pub mod unlock;
pub mod unlock_pages;
