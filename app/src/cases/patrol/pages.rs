//! The inspector's foot-patrol page (步巡), made for one hand on a phone in the street: start a
//! patrol, file each finding with a category, a photo and the phone's position in a few taps, end
//! the patrol; below, the log of past patrols with their findings.
//!
//! Everything is a plain form; `static/patrol.js` only fills in the position (and sends route
//! points while the patrol is open) where the browser allows geolocation. Without it the community
//! and address fields place the finding.
//!
//! A finding's photo is checked before anything is written (a bad file files nothing); the case and
//! its photo are then written in one transaction.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use crate::app::AppState;
use crate::authz::gate::Inspector;
use crate::cases::patrol::service::{self as patrols, Patrol};
use crate::cases::photos::service as photos;
use crate::cases::service::{self, NewCase};
use crate::cases::store::{self, Category};
use crate::error::{AppError, AppResult, FieldError};
use crate::ids::CommunityId;
use crate::web::backoffice::{Field, Opt, OptGroup};
use crate::web::extract::{Form, Query};
use crate::web::flash::{self, Flash};
use crate::web::forms::Errors;
use crate::web::guard::Staff;
use crate::web::{Ctx, render, render_status, see_other};

/// The findings a patrol files most, by name, offered first (the list: street occupation,
/// unlicensed peddlers, piled debris, illegal digging, illegal construction, flyposting, graffiti).
const COMMON: [&str; 7] =
    ["占道经营", "无照经营游商", "积存垃圾渣土", "无证掘路", "私搭乱建", "非法小广告", "乱涂写乱刻画"];

/// Past patrols shown in the log.
const LOG_LIMIT: usize = 20;

/// Routes of the patrol page.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/patrol", get(page))
        .route("/patrol/start", post(start))
        .route("/patrol/end", post(end))
        .route("/patrol/points", post(points))
        .route("/patrol/findings", post(finding).layer(DefaultBodyLimit::max(crate::web::csrf::UPLOAD_LIMIT)))
}

/// A finding on the page: its case number, category and where it stands.
pub struct FindingRow {
    /// Case id.
    pub id: i64,
    /// Category name.
    pub category: String,
    /// Translation key of its state.
    pub state_key: &'static str,
}

/// A patrol as the page shows it.
pub struct PatrolRow {
    /// Started, local time.
    pub started: String,
    /// Ended, local time (empty: still on patrol).
    pub ended: String,
    /// Minutes on patrol.
    pub minutes: i64,
    /// Route points recorded.
    pub points: i64,
    /// Cases filed on it.
    pub findings: Vec<FindingRow>,
}

/// The patrol page.
#[derive(askama::Template)]
#[template(path = "cases/patrol.html")]
pub struct PatrolPage {
    ctx: Ctx,
    open: Option<PatrolRow>,
    log: Vec<PatrolRow>,
    fields: Vec<Field>,
    description: String,
    lat: String,
    lng: String,
    errors: Errors,
    refusal: Option<&'static str>,
    filed: Option<i64>,
    /// The counts of the inspector's queues and their other work pages (their start page).
    strip: crate::authz::start::Strip,
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    #[serde(default)]
    filed: String,
}

/// The finding form's answers (all text, shown back as typed when refused); the photo comes beside.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Finding {
    category_id: String,
    description: String,
    community_id: String,
    address: String,
    lat: String,
    lng: String,
}

async fn page(
    State(state): State<AppState>,
    Staff { ctx, .. }: Staff<Inspector>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let filed = q.filed.parse().ok();
    let home = ctx.user()?.community_id.map(|c| c.to_string()).unwrap_or_default();
    let draft = Finding { community_id: home, ..Finding::default() };
    render(&build(&state, ctx, draft, Errors::none(), None, filed).await?)
}

async fn build(
    state: &AppState,
    ctx: Ctx,
    draft: Finding,
    errors: Errors,
    refusal: Option<&'static str>,
    filed: Option<i64>,
) -> AppResult<PatrolPage> {
    let user = ctx.user()?;
    let mut conn = state.db.conn().await?;
    let categories = store::categories(&mut conn).await?;
    let strip = crate::cases::queues::strip(&mut conn, &user.principal, "/patrol").await?;
    // The open patrol (if any) and the log's rows.
    let patrols = patrols::mine(state, user, LOG_LIMIT as i64 + 1).await?;
    let mut rows = Vec::with_capacity(patrols.len());
    for p in patrols {
        rows.push(row(&ctx, &mut conn, &categories, p).await?);
    }
    drop(conn);
    let open = rows.first().filter(|r| r.ended.is_empty()).is_some();
    let open = if open { Some(rows.remove(0)) } else { None };
    rows.truncate(LOG_LIMIT);
    let structure = state.structure.get(state).await?;
    let communities = crate::cases::views::community_groups(&ctx, &structure, true, |_| true);
    let fields = vec![
        Field::select("category_id", "patrol_page.category", draft.category_id, category_groups(&ctx, &categories))
            .required(),
        Field::select("community_id", "field.community", draft.community_id, communities)
            .hint("patrol_page.community_hint"),
        Field::text("address", "report_page.address", draft.address).hint("report_page.address_hint"),
    ];
    let (description, lat, lng) = (draft.description, draft.lat, draft.lng);
    Ok(PatrolPage { ctx, open, log: rows, fields, description, lat, lng, errors, refusal, filed, strip })
}

/// City categories for the finding form: the common ones first, then every major's minors.
fn category_groups(ctx: &Ctx, categories: &[Category]) -> Vec<OptGroup> {
    let city = |c: &&Category| c.kind == "city" && c.parent_code.is_some();
    let opt = |c: &Category| Opt { value: c.id.to_string(), label: ctx.name(&c.name, c.name_en.as_deref()).text };
    let mut groups = vec![OptGroup {
        label: None,
        options: vec![Opt { value: String::new(), label: ctx.t("patrol_page.choose_category").into() }],
    }];
    let common: Vec<Opt> =
        COMMON.iter().filter_map(|name| categories.iter().filter(city).find(|c| c.name == *name)).map(opt).collect();
    groups.push(OptGroup { label: Some(ctx.t("patrol_page.common").into()), options: common });
    for major in categories.iter().filter(|m| m.kind == "city" && m.parent_code.is_none()) {
        let options: Vec<Opt> =
            categories.iter().filter(city).filter(|c| c.parent_code.as_ref() == Some(&major.code)).map(opt).collect();
        if !options.is_empty() {
            groups.push(OptGroup { label: Some(ctx.name(&major.name, major.name_en.as_deref()).text), options });
        }
    }
    groups
}

async fn row(ctx: &Ctx, conn: &mut crate::db::Conn, categories: &[Category], p: Patrol) -> AppResult<PatrolRow> {
    let mut findings = Vec::with_capacity(p.cases.len());
    for id in &p.cases {
        if let Some(c) = store::case(conn, *id).await? {
            let category =
                categories.iter().find(|k| k.id == c.category_id).map(|k| ctx.name(&k.name, k.name_en.as_deref()).text);
            findings.push(FindingRow { id: c.id, category: category.unwrap_or_default(), state_key: c.state.key() });
        }
    }
    Ok(PatrolRow {
        started: ctx.when(p.started_at),
        ended: p.ended_at.map(|t| ctx.when(t)).unwrap_or_default(),
        minutes: p.minutes,
        points: p.points,
        findings,
    })
}

/// The open patrol's id, or the page's own refusal.
async fn open_id(state: &AppState, ctx: &Ctx) -> AppResult<i64> {
    let open = patrols::open_patrol(&mut *state.db.conn().await?, ctx.user()?.id).await?;
    open.ok_or(AppError::Conflict("patrols.not_open"))
}

async fn start(State(state): State<AppState>, Staff { ctx, .. }: Staff<Inspector>) -> AppResult<Response> {
    match patrols::start(&state, ctx.user()?).await {
        // A second tap on "start" finds the patrol already open: nothing to do.
        Ok(_) | Err(AppError::Conflict("patrols.already_open")) => Ok(see_other("/patrol")),
        Err(e) => Err(e),
    }
}

/// Ends the open patrol, with the last route points the page's script put in the form (sent
/// with the end rather than beside it: a separate request could arrive after the patrol had
/// ended, and be refused).
async fn end(
    State(state): State<AppState>,
    Staff { ctx, .. }: Staff<Inspector>,
    Form(f): Form<PointsForm>,
) -> AppResult<Response> {
    match open_id(&state, &ctx).await {
        Ok(id) => {
            // Points that do not parse are dropped: the patrol ends all the same.
            if let Some(points) = parse_points(&f.points).filter(|p| !p.is_empty()) {
                patrols::add_points(&state, ctx.user()?, id, &points).await?;
            }
            patrols::end(&state, ctx.user()?, id).await.map(drop)?;
        }
        // Already ended (a second tap): the log shows it.
        Err(AppError::Conflict(_)) => {}
        Err(e) => return Err(e),
    }
    Ok(flash::redirect("/patrol", Flash::PatrolEnded))
}

/// `lat,lng;lat,lng;…` as the script gathers them; None if any does not parse.
fn parse_points(points: &str) -> Option<Vec<(f64, f64)>> {
    points
        .split(';')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let (lat, lng) = p.split_once(',')?;
            Some((lat.trim().parse().ok()?, lng.trim().parse().ok()?))
        })
        .collect()
}

#[derive(Debug, Default, Deserialize)]
struct PointsForm {
    /// `lat,lng;lat,lng;…` as the script gathered them.
    #[serde(default)]
    points: String,
}

/// Route points from the page's script; answers 204 (the script does not reload the page).
async fn points(
    State(state): State<AppState>,
    Staff { ctx, .. }: Staff<Inspector>,
    Form(f): Form<PointsForm>,
) -> AppResult<StatusCode> {
    let points = parse_points(&f.points)
        .ok_or(AppError::Invalid(vec![FieldError { field: "points", key: "form.coordinate_invalid" }]))?;
    let id = open_id(&state, &ctx).await?;
    patrols::add_points(&state, ctx.user()?, id, &points).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The finding form again, with what to fix (422) or why it cannot be filed (409), answers kept.
async fn failed(
    state: &AppState,
    ctx: Ctx,
    f: Finding,
    errors: Vec<FieldError>,
    refusal: Option<&'static str>,
) -> AppResult<Response> {
    let status = if refusal.is_some() { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_status(status, &build(state, ctx, f, errors.into(), refusal, None).await?)
}

/// Files a finding on the open patrol: back to the page with its number, or the form again with
/// what to fix (422), the answers kept.
async fn finding(
    State(state): State<AppState>,
    Staff { ctx, .. }: Staff<Inspector>,
    request: Request,
) -> AppResult<Response> {
    let (f, photo): (Finding, Vec<u8>) = crate::web::extract::form_with_file(request, &state, "photo").await?;
    let patrol = match open_id(&state, &ctx).await {
        Ok(id) => id,
        Err(AppError::Conflict(key)) => return failed(&state, ctx, f, Vec::new(), Some(key)).await,
        Err(e) => return Err(e),
    };
    let category = match f.category_id.trim().parse::<i64>() {
        Ok(id) => store::category(&mut *state.db.conn().await?, id).await?,
        Err(_) => None,
    };
    let Some(category) = category.filter(|c| c.parent_code.is_some()) else {
        let errors = vec![FieldError { field: "category_id", key: "form.choice_invalid" }];
        return failed(&state, ctx, f, errors, None).await;
    };
    let coords = match (f.lat.trim(), f.lng.trim()) {
        ("", "") => None,
        (lat, lng) => match (lat.parse::<f64>(), lng.parse::<f64>()) {
            (Ok(lat), Ok(lng)) => Some((lat, lng)),
            _ => {
                return failed(&state, ctx, f, vec![FieldError { field: "lat", key: "form.coordinate_invalid" }], None)
                    .await;
            }
        },
    };
    if photo.is_empty() && category.photos_required {
        let errors = vec![FieldError { field: "photo", key: "patrol_page.photo_required" }];
        return failed(&state, ctx, f, errors, None).await;
    }
    // The photo is checked first: a bad file files nothing.
    let photo = if photo.is_empty() {
        None
    } else {
        match crate::media::process(&state, photo).await {
            Ok(p) => Some(p),
            Err(AppError::Rule(key)) => {
                return failed(&state, ctx, f, vec![FieldError { field: "photo", key }], None).await;
            }
            Err(e) => return Err(e),
        }
    };
    let community = f.community_id.trim();
    let new = NewCase {
        category_id: category.id,
        // A finding's category says what it is; a note is optional on patrol.
        description: if f.description.trim().is_empty() { category.name.clone() } else { f.description.clone() },
        community_id: (!community.is_empty()).then(|| CommunityId(community.parse().unwrap_or(0))),
        address: f.address.clone(),
        anonymous: false,
        coords,
        patrol_id: Some(patrol),
    };
    let user = ctx.user()?.clone();
    // The finding and its photo are kept together or not at all.
    let mut tx = state.db.begin().await?;
    let case = match service::file_in(&state, &mut tx, &user, new, None).await {
        Ok(case) => case,
        Err(AppError::Invalid(errors)) => return failed(&state, ctx, f, errors, None).await,
        Err(e) => return Err(e),
    };
    if let Some(photo) = photo {
        let image = crate::media::insert(&mut tx, &photo, false, user.id, case.created_at).await?;
        photos::link(&mut tx, user.id, case.id, image, "report", case.created_at).await?;
    }
    tx.commit().await?;
    Ok(see_other(&format!("/patrol?filed={}", case.id)))
}
