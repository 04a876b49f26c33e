//! The portal's view: the sections' HTML in slot order, around the user's own part.

use crate::web::Ctx;

/// `/`.
#[derive(askama::Template)]
#[template(path = "portal/home.html")]
pub struct PortalPage {
    /// Page context.
    pub ctx: Ctx,
    /// Sections above the user's own part (campaign, report entry), rendered.
    pub before: Vec<String>,
    /// The signed-in user's own parts, rendered (empty: signed out, or nothing of theirs).
    pub mine: Vec<String>,
    /// Sections below it.
    pub after: Vec<String>,
}
