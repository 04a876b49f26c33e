//! What the case core adds to the portal: the large "随手拍 · 反映问题" entry to the resident's
//! report form (`/report`), and for a signed-in resident their reports still being worked on,
//! each with where it stands. The entry has no data; the reports are personal, read per
//! request. (A folder of its own: `cases/` holds as many files as a folder may.)

use std::sync::Arc;

use askama::Template as _;

use crate::app::AppState;
use crate::cases::model::Case;
use crate::cases::store;
use crate::db::Conn;
use crate::error::AppResult;
use crate::portal::{Part, PartFuture, Section, Slot};
use crate::web::{Ctx, CurrentUser};

/// How many open reports are shown.
const SHOWN: usize = 5;
/// How many of the resident's reports are looked through (newest first).
const LOOKED: i64 = 50;

/// The report entry.
pub static REPORT: ReportEntry = ReportEntry;
/// My open reports.
pub static MY_REPORTS: MyReports = MyReports;

/// The section with the entry.
pub struct ReportEntry;

impl Section for ReportEntry {
    fn slot(&self) -> Slot {
        Slot::Report
    }

    fn public<'a>(&'a self, _state: &'a AppState, _conn: &'a mut Conn, _now: i64) -> PartFuture<'a, Arc<dyn Part>> {
        Box::pin(async { Ok(Some(Arc::new(EntryPart) as Arc<dyn Part>)) })
    }
}

struct EntryPart;

impl Part for EntryPart {
    fn render(&self, ctx: &Ctx) -> AppResult<String> {
        Ok(EntryView { ctx }.render()?)
    }
}

#[derive(askama::Template)]
#[template(path = "cases/_portal_report.html")]
struct EntryView<'a> {
    ctx: &'a Ctx,
}

/// The section with the resident's open reports.
pub struct MyReports;

impl Section for MyReports {
    fn slot(&self) -> Slot {
        Slot::Mine
    }

    fn personal<'a>(&'a self, state: &'a AppState, user: &'a CurrentUser, _now: i64) -> PartFuture<'a, Box<dyn Part>> {
        Box::pin(async move {
            let mine = store::cases_of_reporter(&mut *state.db.conn().await?, user.id, LOOKED).await?;
            let open: Vec<Case> = mine.into_iter().filter(|c| c.state.is_open()).take(SHOWN).collect();
            Ok((!open.is_empty()).then(|| Box::new(ReportsPart { open }) as Box<dyn Part>))
        })
    }
}

struct ReportsPart {
    open: Vec<Case>,
}

impl Part for ReportsPart {
    fn render(&self, ctx: &Ctx) -> AppResult<String> {
        let rows = self
            .open
            .iter()
            .map(|c| Row {
                id: c.id,
                what: c.description.chars().take(40).collect(),
                state: c.state.key(),
                day: crate::clock::local_day(c.created_at).to_string(),
            })
            .collect();
        Ok(ReportsView { ctx, rows }.render()?)
    }
}

struct Row {
    id: i64,
    what: String,
    state: &'static str,
    day: String,
}

#[derive(askama::Template)]
#[template(path = "cases/_portal_mine.html")]
struct ReportsView<'a> {
    ctx: &'a Ctx,
    rows: Vec<Row>,
}
