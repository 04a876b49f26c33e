//! The activity's own form in the back office: creating an event and later editing its name,
//! kind, organiser, theme and text. Both offer a preview of the text as residents will read it,
//! a second step that works without JavaScript and saves nothing.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::authz::gate::Organising;
use crate::error::{AppError, AppResult};
use crate::events::model::{Event, EventKind, NewEvent, check_event};
use crate::events::{service, store};
use crate::web::backoffice::{Field, FormPage, Link, Opt, OptGroup, Preview};
use crate::web::extract::{Form, Path};
use crate::web::flash::{self, Flash};
use crate::web::forms::Errors;
use crate::web::guard::Staff;
use crate::web::{Ctx, render, render_status};

/// What the form posts; `_preview` is the preview button.
#[derive(Debug, Default, Deserialize)]
pub(super) struct EventForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    campaign: String,
    #[serde(default)]
    department_id: String,
    #[serde(default, rename = "_preview")]
    preview: String,
}

impl EventForm {
    fn of(e: &Event) -> Self {
        Self {
            title: e.title.clone(),
            kind: e.kind.as_str().into(),
            description: e.description.clone(),
            campaign: e.campaign.clone(),
            department_id: e.department_id.map(|d| d.to_string()).unwrap_or_default(),
            preview: String::new(),
        }
    }

    /// The form checked; an edit keeps the event's street and members-only setting, which the
    /// form does not show.
    fn check(&self, kept: Option<&Event>) -> Result<NewEvent, Vec<crate::error::FieldError>> {
        let department = self.department_id.trim().parse::<i64>().ok();
        let (street, members_only) = kept.map_or((None, false), |e| (e.street_id, e.members_only));
        check_event(&self.title, &self.kind, &self.description, &self.campaign, department, street, members_only)
    }

    /// The preview of what was typed, when the preview button was pressed.
    fn preview(&self) -> Preview {
        if self.preview.is_empty() {
            Preview::Offered
        } else {
            Preview::Shown { title: self.title.trim().into(), body: self.description.trim().into() }
        }
    }
}

/// Where the form is: creating, or editing an event (its id).
#[derive(Clone, Copy)]
enum Mode {
    New,
    Edit(i64),
}

async fn form_page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    mode: Mode,
    f: &EventForm,
    errors: Errors,
) -> AppResult<FormPage> {
    let options = crate::org::offering_departments(&mut *state.db.conn().await?, &ctx, &user.principal).await?;
    let kinds =
        EventKind::ALL.iter().map(|k| Opt { value: k.as_str().into(), label: ctx.t(k.label_key()).into() }).collect();
    let fields = vec![
        Field::text("title", "events.field_title", &f.title).required(),
        Field::select("kind", "events.kind", &f.kind, vec![OptGroup { label: None, options: kinds }]).required(),
        Field::select("department_id", "events.organiser", &f.department_id, vec![OptGroup { label: None, options }])
            .required(),
        Field::text("campaign", "events.campaign", &f.campaign).hint("hint.campaign"),
        Field::textarea("description", "events.description", &f.description).hint("hint.event_description"),
    ];
    let (title, action, submit_key, back) = match mode {
        Mode::New => (
            ctx.t("events.new").to_owned(),
            "/manage/events/new".to_owned(),
            "action.create",
            Link { label: ctx.t("events.manage").into(), href: "/manage/events".into() },
        ),
        Mode::Edit(id) => (
            ctx.t("events.edit_event").to_owned(),
            format!("/manage/events/{id}/edit"),
            "action.save",
            Link { label: f.title.clone(), href: format!("/manage/events/{id}") },
        ),
    };
    Ok(FormPage { ctx, title, action, fields, errors, submit_key, back, preview: f.preview() })
}

pub(super) async fn new_event(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
) -> AppResult<Response> {
    render(&form_page(&state, ctx, &user, Mode::New, &EventForm::default(), Errors::none()).await?)
}

pub(super) async fn create_event(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Form(f): Form<EventForm>,
) -> AppResult<Response> {
    let checked = f.check(None);
    if !f.preview.is_empty() {
        let errors = checked.err().map_or_else(Errors::none, Into::into);
        return render(&form_page(&state, ctx, &user, Mode::New, &f, errors).await?);
    }
    let result = match checked {
        Ok(e) => service::create(&state, &user, e).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(id) => Ok(flash::redirect(&format!("/manage/events/{id}"), Flash::EventSaved)),
        Err(AppError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&state, ctx, &user, Mode::New, &f, errors.into()).await?,
        ),
        Err(other) => Err(other),
    }
}

/// The event, if this organiser runs it (404 for one they do not, as for its admin page).
async fn runnable(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Event> {
    let mut conn = state.db.conn().await?;
    let event = store::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    if !service::runs(&mut conn, user, &event).await? {
        return Err(AppError::NotFound);
    }
    Ok(event)
}

pub(super) async fn edit_event(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let event = runnable(&state, &user, id).await?;
    render(&form_page(&state, ctx, &user, Mode::Edit(id), &EventForm::of(&event), Errors::none()).await?)
}

pub(super) async fn update_event(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path(id): Path<i64>,
    Form(f): Form<EventForm>,
) -> AppResult<Response> {
    let event = runnable(&state, &user, id).await?;
    let checked = f.check(Some(&event));
    if !f.preview.is_empty() {
        let errors = checked.err().map_or_else(Errors::none, Into::into);
        return render(&form_page(&state, ctx, &user, Mode::Edit(id), &f, errors).await?);
    }
    let result = match checked {
        Ok(e) => service::update(&state, &user, id, e).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(()) => Ok(flash::redirect(&format!("/manage/events/{id}"), Flash::EventSaved)),
        Err(AppError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&state, ctx, &user, Mode::Edit(id), &f, errors.into()).await?,
        ),
        Err(other) => Err(other),
    }
}
