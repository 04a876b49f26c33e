//! The case pages: a resident's report in three screens, their list of reports, the case page
//! with the forms of the actions the viewer may take (and the answer to a reveal, see
//! [`reveal`]), and the staff queue.
//!
//! The report's screens post to one URL with a `step` field naming where to go next
//! (`describe`, `preview`, `submit`, or back to `category` / `edit`); the answers so far
//! travel as form fields, so the description never lands in a URL or a log.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use crate::app::AppState;
use crate::authz::gate::AnyStaff;
use crate::cases::case_views::{Failed, case_page};
use crate::cases::model::Rating;
use crate::cases::photos::report_service as report_photos;
use crate::cases::reveal::{Revealed, Shown, Subject};
use crate::cases::service::{self, Act};
use crate::cases::store::{self, Filter};
use crate::cases::views::{Draft, Lookup, MyCasesPage, Screen};
use crate::cases::workflow::{Action, State as CaseState};
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::DepartmentId;
use crate::web::extract::{Form, Path, Query};
use crate::web::forms::Errors;
use crate::web::guard::Staff;
use crate::web::{Ctx, render, render_status, see_other};

/// Most reports listed on "my reports" and cases in the queue.
const LIST_LIMIT: i64 = 200;

/// Routes of the case pages, with those of the photos and the merging of duplicates on them.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/report", get(report).post(report_step))
        .route("/me/cases", get(my_cases))
        .route("/cases/{id}", get(case))
        .route("/cases/{id}/act", post(act))
        .route("/manage/cases", get(queue))
        .merge(crate::cases::photos::pages::router())
        .merge(crate::cases::duplicate_pages::router())
        .merge(reveal(&crate::cases::reveal::REPORTER))
}

/// The reveal form of `subject`, `POST /cases/{id}/{segment}/reveal`, for whoever declares the
/// subject to serve: the core its anonymous reporter, an add-on the number it keeps.
pub fn reveal(subject: &'static Subject) -> Router<AppState> {
    let path = format!("/cases/{{id}}/{}/reveal", subject.segment);
    Router::new().route(&path, post(move |s, c, p| reveal_page(s, c, p, subject)))
}

#[derive(Debug, Default, Deserialize)]
struct ReportQuery {
    /// A category chosen already (a link from elsewhere): straight to screen 2.
    #[serde(default)]
    category: String,
    /// `request`: screen 1 offers the resident's own requests (急难愁盼).
    #[serde(default)]
    kind: String,
    /// A search of screen 1 (hanzi or pinyin).
    #[serde(default)]
    q: String,
}

/// Screen 1, or screen 2 for a category given in the link.
async fn report(State(state): State<AppState>, ctx: Ctx, Query(q): Query<ReportQuery>) -> AppResult<Response> {
    let user = ctx.user()?;
    let draft = Draft {
        category_id: q.category,
        kind: q.kind,
        community_id: user.community_id.map(|c| c.to_string()).unwrap_or_default(),
        ..Draft::default()
    };
    let lookup = Lookup::load(&state).await?;
    let screen = if lookup.check_category(&draft).is_empty() { Screen::Describe } else { Screen::Category };
    render(&lookup.page(ctx, screen, draft, Errors::none(), &q.q))
}

#[derive(Debug, Deserialize)]
struct ReportForm {
    #[serde(default)]
    step: String,
    /// A category tapped on screen 1 (its id): straight on to screen 2.
    #[serde(default)]
    pick: String,
    /// Screen 1's search, as typed.
    #[serde(default)]
    q: String,
    #[serde(flatten)]
    draft: Draft,
}

/// One step of the report: check what the screen asked, then show the next screen (or the
/// same one with its errors, 422), or file the case and go to its page.
async fn report_step(State(state): State<AppState>, ctx: Ctx, request: Request) -> AppResult<Response> {
    let user = &ctx.user()?.clone();
    let (mut f, photo): (ReportForm, Vec<u8>) = crate::web::extract::form_with_file(request, &state, "photo").await?;
    let lookup = Lookup::load(&state).await?;
    if !f.pick.trim().is_empty() {
        f.draft.category_id = std::mem::take(&mut f.pick);
        f.step = "describe".into();
    }
    let q = std::mem::take(&mut f.q);
    if !photo.is_empty() {
        match report_photos::keep(&state, user, &f.draft.photos, photo).await {
            Ok(photos) => f.draft.photos = photos,
            Err(AppError::Invalid(errors)) => {
                let page = lookup.page(ctx, Screen::Describe, f.draft, errors.into(), "");
                return render_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
            }
            Err(other) => return Err(other),
        }
    }
    let (next, errors) = match f.step.as_str() {
        // The screens' own checks first (a photo the category needs is not the service's rule).
        "submit" if !lookup.check(&f.draft).is_empty() => {
            let errors = lookup.check(&f.draft);
            (Screen::for_errors(&errors), errors)
        }
        "submit" => match report_photos::file(&state, user, f.draft.to_new_case(), &f.draft.photos).await {
            Ok(case) => return Ok(see_other(&format!("/cases/{}?filed=1", case.id))),
            Err(AppError::Invalid(errors)) => (Screen::for_errors(&errors), errors),
            Err(other) => return Err(other),
        },
        "preview" => (Screen::Confirm, lookup.check(&f.draft)),
        "describe" | "edit" => (Screen::Describe, lookup.check_category(&f.draft)),
        _ => (Screen::Category, Vec::new()),
    };
    if errors.is_empty() {
        render(&lookup.page(ctx, next, f.draft, Errors::none(), &q))
    } else {
        let page = lookup.page(ctx, Screen::for_errors(&errors), f.draft, errors.into(), "");
        render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
    }
}

/// My reports, newest first.
async fn my_cases(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user()?.id;
    let mine = store::cases_of_reporter(&mut *state.db.conn().await?, user, LIST_LIMIT).await?;
    let rows = Lookup::load(&state).await?.my_rows(&ctx, mine);
    render(&MyCasesPage { ctx, rows })
}

#[derive(Debug, Default, Deserialize)]
struct CaseQuery {
    #[serde(default)]
    filed: String,
}

/// A case, for anyone with a part in it (others: 404).
async fn case(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<CaseQuery>,
) -> AppResult<Response> {
    render(&case_page(&state, ctx, id, !q.filed.is_empty(), None).await?)
}

#[derive(Debug, Deserialize)]
struct ActForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    department_id: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    rating: String,
}

impl ActForm {
    /// The action to take. A department that is not a number becomes one nobody has, so the
    /// service refuses it next to its field.
    fn parse(&self) -> Result<Act, Vec<FieldError>> {
        let action =
            Action::parse(&self.action).ok_or(vec![FieldError { field: "action", key: "form.choice_invalid" }])?;
        let rating = match self.rating.as_str() {
            "" => None,
            r => Some(Rating::parse(r).ok_or(vec![FieldError { field: "rating", key: "form.choice_invalid" }])?),
        };
        let department = self.department_id.trim();
        let department_id = (!department.is_empty()).then(|| DepartmentId(department.parse().unwrap_or(0)));
        Ok(Act { action, department_id, note: self.note.clone(), rating, merge_into: None })
    }
}

/// Takes an action on a case; back to its page, or the page again with the problem shown at
/// the form (422 for a missing field, 409 when the case's state does not allow it).
async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ActForm>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let done = match f.parse() {
        Ok(act) => service::act(&state, user, id, act).await.map(drop),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    let failed = Failed { action: f.action, note: f.note, department: f.department_id, ..Failed::default() };
    let (status, failed) = match done {
        Ok(()) => return Ok(see_other(&format!("/cases/{id}"))),
        Err(AppError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, Failed { errors, ..failed }),
        Err(AppError::Conflict(key) | AppError::Rule(key)) => {
            (StatusCode::CONFLICT, Failed { refusal: Some(key), ..failed })
        }
        Err(other) => return Err(other),
    };
    render_status(status, &case_page(&state, ctx, id, false, Some(failed)).await?)
}

#[derive(Debug, Default, Deserialize)]
struct QueueQuery {
    #[serde(default)]
    state: String,
    #[serde(default)]
    overdue: String,
    #[serde(default)]
    sort: String,
}

/// The staff queue: the cases within the viewer's reach, filtered and sorted.
async fn queue(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<AnyStaff>,
    Query(q): Query<QueueQuery>,
) -> AppResult<Response> {
    let now = state.clock.unix();
    let filter = Filter {
        state: CaseState::parse(&q.state),
        overdue_at: (!q.overdue.is_empty()).then_some(now),
        by_deadline: q.sort == "deadline",
        limit: LIST_LIMIT,
        ..Filter::default()
    };
    let mut conn = state.db.conn().await?;
    let cases = store::list(&mut conn, user.principal.reach(), &filter).await?;
    let strip = crate::cases::queues::strip(&mut conn, &user.principal, &ctx.path).await?;
    drop(conn);
    let lookup = Lookup::load(&state).await?;
    let mut page = lookup.queue(ctx, (&q.state, !q.overdue.is_empty(), &q.sort), cases, now);
    page.strip = strip;
    render(&page)
}

/// The case page with the whole number (or why it cannot be shown), answered to the POST
/// itself so the number travels in this one response only.
async fn reveal_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    subject: &'static Subject,
) -> AppResult<Response> {
    let user = ctx.user()?.clone();
    let revealed = service::reveal(&state, &user, id, subject).await?;
    let mut page = case_page(&state, ctx, id, false, None).await?;
    let status = match revealed {
        Revealed::Number { .. } => StatusCode::OK,
        Revealed::Unreadable => StatusCode::INTERNAL_SERVER_ERROR,
    };
    page.shown = Some(Shown { subject, revealed });
    let mut response = render_status(status, &page)?;
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
