//! The route map and the milestone cards (issue 13): a server-drawn SVG map of the route with
//! every team's position, and a shareable card per milestone rendered to PNG with a Chinese
//! font (or served as SVG where the server has none).
//!
//! Layers: `project` (latitude and longitude to the picture, and a team's point from its route
//! metres; pure), `svg` (escaping, text widths, wrapping Chinese lines) and `labels` (labels
//! kept apart), `draw` (the map) and `card` (the card), all pure and unit-tested; `render`
//! (SVG to PNG with the system's fonts, the glyph check, the cache) and `pages` (the routes).

pub mod card;
pub mod draw;
pub mod labels;
pub mod pages;
pub mod project;
pub mod render;
pub mod svg;

pub use pages::router;
