//! The import's page as askama sees it: the upload form again with what was wrong with the
//! file, or what the file came to — each day's check-in with its state (accepted, or held and
//! why), and the days and rows not checked in with why.

use crate::challenge::import::health_csv::Skipped;
use crate::challenge::views::{Row, km_text};
use crate::web::Ctx;
use crate::web::forms::Errors;

/// How many skipped rows the page lists; the rest are counted (a year's export outside a
/// fortnight's window skips hundreds).
pub const LISTED: usize = 20;

/// `POST /challenges/{id}/import`.
#[derive(askama::Template)]
#[template(path = "challenge/import.html")]
pub struct ImportPage {
    pub ctx: Ctx,
    pub challenge_id: i64,
    /// The challenge's name (Chinese, as organisers wrote it).
    pub challenge_name: String,
    /// The kind the track was to count as, for the form.
    pub kind: &'static str,
    pub errors: Errors,
    /// What the file came to; none when the form is shown again.
    pub outcome: Option<Outcome>,
}

/// What a file came to.
#[derive(Default)]
pub struct Outcome {
    /// The check-ins written.
    pub rows: Vec<Row>,
    /// What was not checked in (at most [`LISTED`]).
    pub refused: Vec<Refused>,
    /// How many more were not, beyond those listed.
    pub more: usize,
    /// What a track came to (its distance and moving time), to read.
    pub track: Option<String>,
}

impl Outcome {
    /// Lists `refused`, the first [`LISTED`] of them.
    pub fn refusing(mut self, mut refused: Vec<Refused>) -> Self {
        self.more = refused.len().saturating_sub(LISTED);
        refused.truncate(LISTED);
        self.refused = refused;
        self
    }
}

/// A day or row not checked in.
pub struct Refused {
    /// Its day, with the weekday.
    pub day: Option<String>,
    /// The kind and km it would have been (a track).
    pub what: Option<String>,
    /// "Line 3" (a CSV row).
    pub row: Option<String>,
    /// Translation key of why.
    pub why: &'static str,
}

/// What a track came to, as a sentence: its distance and moving time.
pub fn track_figures(ctx: &Ctx, metres: i64, minutes: Option<i64>) -> String {
    let km = km_text(metres);
    match minutes {
        Some(m) => ctx.tf("challenge.import.track_figures", &[("km", &km), ("minutes", &m.to_string())]),
        None => ctx.tf("challenge.import.track_untimed", &[("km", &km)]),
    }
}

impl Refused {
    /// A CSV row or day skipped.
    pub fn of_row(ctx: &Ctx, s: &Skipped) -> Self {
        Refused {
            day: s.day.map(|d| ctx.day(&d.format("%Y-%m-%d").to_string())),
            what: None,
            row: Some(ctx.tf("challenge.import.row", &[("n", &s.row.to_string())])),
            why: s.why.key(),
        }
    }

    /// A track refused: its day, kind and km.
    pub fn of_track(ctx: &Ctx, day: chrono::NaiveDate, kind_label: &str, metres: i64, why: &'static str) -> Self {
        let km = format!("{kind_label} {} {}", km_text(metres), ctx.t("challenge.page.km_unit"));
        Refused { day: Some(ctx.day(&day.format("%Y-%m-%d").to_string())), what: Some(km), row: None, why }
    }
}
