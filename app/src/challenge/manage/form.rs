//! The challenge form, new (`/manage/challenges/new`) and edit (`/manage/challenges/{id}/edit`):
//! the generic back-office form (`web::backoffice::FormPage`). What is typed becomes the API's
//! `NewChallengeBody` and goes through the same check (`api::check`) and the same use cases
//! (`challenge::service::create`, this folder's `service::update`) as `POST` and `PATCH
//! /api/v1/challenges`, so the page and the API refuse the same things the same way.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::authz::gate::Organising;
use crate::authz::{Action, Location, Target};
use crate::challenge::api::{Caps, NewChallengeBody, check};
use crate::challenge::manage::service as manage;
use crate::challenge::model::{Audience, DEFAULT_DAYS_BACK, km_of, metres_of_km};
use crate::challenge::route::LONG_MARCH;
use crate::challenge::service;
use crate::challenge::store::{self, Challenge};
use crate::error::{AppError, AppResult, FieldError};
use crate::web::backoffice::{Field, FormPage, Link, Opt, OptGroup};
use crate::web::extract::{Form, Path};
use crate::web::flash::{self, Flash};
use crate::web::forms::Errors;
use crate::web::guard::Staff;
use crate::web::{Ctx, render, render_status};

/// The form as typed: every field text, so what was typed comes back as it was.
#[derive(Debug, Default, Deserialize)]
pub struct ChallengeForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    route: String,
    #[serde(default)]
    scale: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    daily_cap_km: String,
    #[serde(default)]
    cap_walk: String,
    #[serde(default)]
    cap_run: String,
    #[serde(default)]
    cap_cycle: String,
    #[serde(default)]
    cap_swim: String,
    #[serde(default)]
    steps_per_km: String,
    #[serde(default)]
    days_back: String,
    /// `everyone`, `street:ID`, `community:ID` or `department:ID`.
    #[serde(default)]
    audience: String,
    /// A street's id, or "" for the district.
    #[serde(default)]
    street_id: String,
    /// A department's id, or "".
    #[serde(default)]
    department_id: String,
    /// `yes` or `no`.
    #[serde(default)]
    personal_board: String,
}

/// A distance as people type it (`5.2`, `5，2`).
fn km_text(metres: i64) -> String {
    crate::challenge::views::km_text(metres)
}

impl ChallengeForm {
    fn of(c: &Challenge) -> Self {
        let cap = |i: usize| c.caps_m[i].map(km_text).unwrap_or_default();
        let audience = match c.audience {
            Audience::Everyone => "everyone".to_owned(),
            other => {
                let (kind, id) = other.to_parts();
                format!("{kind}:{}", id.unwrap_or_default())
            }
        };
        Self {
            name: c.name.clone(),
            route: c.route.clone(),
            scale: (km_of(c.scale_milli)).to_string(),
            starts_on: c.starts_on.clone(),
            ends_on: c.ends_on.clone(),
            daily_cap_km: km_text(c.daily_cap_m),
            cap_walk: cap(0),
            cap_run: cap(1),
            cap_cycle: cap(2),
            cap_swim: cap(3),
            steps_per_km: c.steps_per_km.to_string(),
            days_back: c.days_back.to_string(),
            audience,
            street_id: c.street_id.map(|s| s.to_string()).unwrap_or_default(),
            department_id: c.department_id.map(|d| d.to_string()).unwrap_or_default(),
            personal_board: if c.personal_board { "yes" } else { "no" }.into(),
        }
    }

    /// The API's body, or the fields that do not read as numbers, choices or dates; then
    /// `api::check` judges the values.
    fn challenge(&self) -> Result<Challenge, Vec<FieldError>> {
        let mut errors = Vec::new();
        let number = |s: &str| s.trim().replace(['，', ','], ".");
        let decimal = |field: &'static str, s: &str, errors: &mut Vec<FieldError>| -> Option<f64> {
            let s = number(s);
            if s.is_empty() {
                return None;
            }
            let n = s.parse::<f64>().ok().filter(|n| n.is_finite());
            if n.is_none() {
                errors.push(FieldError { field, key: "form.number_invalid" });
            }
            n
        };
        let scale = decimal("scale", &self.scale, &mut errors);
        let daily = decimal("daily_cap_km", &self.daily_cap_km, &mut errors);
        let cap = |field: &'static str, s: &str, errors: &mut Vec<FieldError>| {
            let km = decimal(field, s, errors);
            if km.is_some_and(|k| metres_of_km(k).is_none()) {
                errors.push(FieldError { field, key: "challenge_manage.cap_invalid" });
            }
            km
        };
        let caps = Caps {
            walk: cap("cap_walk", &self.cap_walk, &mut errors),
            run: cap("cap_run", &self.cap_run, &mut errors),
            cycle: cap("cap_cycle", &self.cap_cycle, &mut errors),
            swim: cap("cap_swim", &self.cap_swim, &mut errors),
        };
        let whole = |field: &'static str, s: &str, errors: &mut Vec<FieldError>| {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            let n = s.parse::<i64>().ok();
            if n.is_none() {
                errors.push(FieldError { field, key: "form.number_invalid" });
            }
            n
        };
        let steps_per_km = whole("steps_per_km", &self.steps_per_km, &mut errors);
        let days_back = whole("days_back", &self.days_back, &mut errors);
        let audience = parse_audience(&self.audience);
        if audience.is_none() {
            errors.push(FieldError { field: "audience", key: "form.choice_invalid" });
        }
        if scale.is_none() && !errors.iter().any(|e| e.field == "scale") {
            errors.push(FieldError { field: "scale", key: "form.required" });
        }
        if daily.is_none() && !errors.iter().any(|e| e.field == "daily_cap_km") {
            errors.push(FieldError { field: "daily_cap_km", key: "form.required" });
        }
        let body = NewChallengeBody {
            name: self.name.clone(),
            route: self.route.trim().to_owned(),
            scale: scale.unwrap_or(1.0),
            starts_on: self.starts_on.trim().to_owned(),
            ends_on: self.ends_on.trim().to_owned(),
            daily_cap_km: daily.unwrap_or(1.0),
            caps: Some(caps),
            steps_per_km,
            days_back,
            audience,
            street_id: self.street_id.trim().parse().ok(),
            department_id: self.department_id.trim().parse().ok(),
            personal_board: self.personal_board == "yes",
        };
        // The check's own errors join the ones above, each field's first kept.
        match check(&body) {
            Ok(c) if errors.is_empty() => Ok(c),
            Ok(_) => Err(errors),
            Err(more) => {
                // `caps` is the API's one field for the four caps: the form's own fields
                // (`cap_walk`, ...) have already said which cap is wrong.
                for e in more.into_iter().filter(|e| e.field != "caps") {
                    if !errors.iter().any(|x| x.field == e.field) {
                        errors.push(e);
                    }
                }
                Err(errors)
            }
        }
    }
}

/// `everyone`, `street:3`, `community:12`, `department:4`.
fn parse_audience(s: &str) -> Option<Audience> {
    let s = s.trim();
    if s.is_empty() || s == "everyone" {
        return Some(Audience::Everyone);
    }
    let (kind, id) = s.split_once(':')?;
    Audience::from_parts(kind, Some(id.parse().ok()?)).filter(|a| *a != Audience::Everyone)
}

/// The form page: new when `id` is None.
async fn page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    id: Option<i64>,
    f: &ChallengeForm,
    errors: Errors,
) -> AppResult<FormPage> {
    let mut conn = state.db.conn().await?;
    let dir = crate::org::Directory::load(&mut conn).await?;
    let departments = crate::org::offering_departments(&mut conn, &ctx, &user.principal).await?;
    let group = |options| vec![OptGroup { label: None, options }];
    let opt = |value: String, label: String| Opt { value, label };
    let route = vec![opt(LONG_MARCH.into(), ctx.t("challenge_manage.route_long_march").into())];
    let mut days: Vec<Opt> = [0, 1, 2, 3, 6]
        .into_iter()
        .map(|n| opt(n.to_string(), ctx.tf("challenge_manage.days_back_n", &[("n", &n.to_string())])))
        .collect();
    if !f.days_back.is_empty() && !days.iter().any(|o| o.value == f.days_back) {
        days.push(opt(f.days_back.clone(), ctx.tf("challenge_manage.days_back_n", &[("n", &f.days_back)])));
    }
    // Owner: the district, and the streets whose challenges the user may run.
    let mut owners = vec![opt(String::new(), ctx.t("challenge_manage.district").into())];
    owners.extend(
        dir.streets
            .iter()
            .filter(|s| user.principal.can(Action::Manage, &Target::Challenge(Location::street(s.id))))
            .map(|s| opt(s.id.to_string(), s.name.clone())),
    );
    let mut depts = vec![opt(String::new(), ctx.t("challenge_manage.no_department").into())];
    depts.extend(departments.iter().cloned());
    let mut audience = vec![OptGroup {
        label: None,
        options: vec![opt("everyone".into(), ctx.t("challenge_manage.audience_everyone").into())],
    }];
    audience.push(OptGroup {
        label: Some(ctx.t("challenge_manage.audience_streets").into()),
        options: dir.streets.iter().map(|s| opt(format!("street:{}", s.id), s.name.clone())).collect(),
    });
    for s in &dir.streets {
        let options: Vec<Opt> = dir
            .communities
            .iter()
            .filter(|k| k.street_id == s.id)
            .map(|k| opt(format!("community:{}", k.id), k.name.clone()))
            .collect();
        if !options.is_empty() {
            audience.push(OptGroup { label: Some(s.name.clone()), options });
        }
    }
    audience.push(OptGroup {
        label: Some(ctx.t("challenge_manage.audience_departments").into()),
        options: departments.iter().map(|d| opt(format!("department:{}", d.value), d.label.clone())).collect(),
    });
    let board = vec![
        opt("no".into(), ctx.t("challenge_manage.board_off").into()),
        opt("yes".into(), ctx.t("challenge_manage.board_on").into()),
    ];
    let decimal = |name, label, value: &str| Field::text(name, label, value).inputmode("decimal");
    let fields = vec![
        Field::text("name", "challenge_manage.name", &f.name).required().hint("challenge_manage.name_hint"),
        Field::select("route", "challenge_manage.route", &f.route, group(route)).required(),
        decimal("scale", "challenge_manage.scale", &f.scale).required().hint("challenge_manage.scale_hint"),
        Field::text("starts_on", "challenge_manage.starts_on", &f.starts_on).kind("date").required(),
        Field::text("ends_on", "challenge_manage.ends_on", &f.ends_on).kind("date").required(),
        decimal("daily_cap_km", "challenge_manage.daily_cap", &f.daily_cap_km)
            .required()
            .hint("challenge_manage.daily_cap_hint"),
        decimal("cap_walk", "challenge_manage.cap_walk", &f.cap_walk).hint("challenge_manage.cap_hint"),
        decimal("cap_run", "challenge_manage.cap_run", &f.cap_run).hint("challenge_manage.cap_hint"),
        decimal("cap_cycle", "challenge_manage.cap_cycle", &f.cap_cycle).hint("challenge_manage.cap_hint"),
        decimal("cap_swim", "challenge_manage.cap_swim", &f.cap_swim).hint("challenge_manage.cap_hint"),
        Field::text("steps_per_km", "challenge_manage.steps_per_km", &f.steps_per_km)
            .inputmode("numeric")
            .hint("challenge_manage.steps_hint"),
        Field::select("days_back", "challenge_manage.days_back", &f.days_back, group(days))
            .hint("challenge_manage.days_back_hint"),
        Field::select("audience", "challenge_manage.audience", &f.audience, audience)
            .hint("challenge_manage.audience_hint"),
        Field::select("street_id", "challenge_manage.owner", &f.street_id, group(owners))
            .hint("challenge_manage.owner_hint"),
        Field::select("department_id", "challenge_manage.department", &f.department_id, group(depts)),
        Field::select("personal_board", "challenge_manage.personal_board", &f.personal_board, group(board))
            .hint("challenge_manage.personal_board_hint"),
    ];
    let errors = errors.labelled(&fields);
    let (title, action, submit_key) = match id {
        None => (ctx.t("challenge_manage.new").into(), "/manage/challenges/new".into(), "challenge_manage.create"),
        Some(id) => (ctx.t("challenge_manage.edit").into(), format!("/manage/challenges/{id}/edit"), "action.save"),
    };
    let back = Link { label: ctx.t("challenge_manage.title").into(), href: "/manage/challenges".into() };
    Ok(FormPage {
        ctx,
        title,
        action: format!("{action}#form-errors"),
        fields,
        errors,
        submit_key,
        back,
        preview: Default::default(),
    })
}

/// A new challenge's form: the district's rules of thumb filled in (today and yesterday, 1,400
/// steps a km, no personal board), on the first place the user may run.
pub async fn new(State(state): State<AppState>, Staff { ctx, user, .. }: Staff<Organising>) -> AppResult<Response> {
    let district = user.principal.can(Action::Manage, &Target::Challenge(Location::district()));
    let street = if district {
        String::new()
    } else {
        let dir = crate::org::Directory::load(&mut *state.db.conn().await?).await?;
        dir.streets
            .iter()
            .find(|s| user.principal.can(Action::Manage, &Target::Challenge(Location::street(s.id))))
            .map(|s| s.id.to_string())
            .unwrap_or_default()
    };
    let fresh = ChallengeForm {
        route: LONG_MARCH.into(),
        scale: "10".into(),
        daily_cap_km: "30".into(),
        steps_per_km: crate::challenge::model::DEFAULT_STEPS_PER_KM.to_string(),
        days_back: DEFAULT_DAYS_BACK.to_string(),
        audience: "everyone".into(),
        street_id: street,
        personal_board: "no".into(),
        ..ChallengeForm::default()
    };
    render(&page(&state, ctx, &user, None, &fresh, Errors::none()).await?)
}

/// Errors of a use case as the form shows them: a place the user does not run is said on the
/// owner's field (the use case answers 403, which on a form is a choice to change).
fn form_errors(e: AppError) -> Result<Errors, AppError> {
    match e {
        AppError::Invalid(errors) => Ok(errors.into()),
        AppError::Forbidden => {
            Ok(vec![FieldError { field: "street_id", key: "challenge_manage.place_not_yours" }].into())
        }
        other => Err(other),
    }
}

/// Creates the challenge through `challenge::service::create`, then opens its teams.
pub async fn create(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Form(f): Form<ChallengeForm>,
) -> AppResult<Response> {
    let result = match f.challenge() {
        Ok(c) => service::create(&state, &user, c).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(id) => Ok(flash::redirect(&format!("/manage/challenges/{id}/teams"), Flash::ChallengeCreated)),
        Err(e) => {
            let errors = form_errors(e)?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(&state, ctx, &user, None, &f, errors).await?)
        }
    }
}

/// The challenge, if the user runs it (404 when there is none, 403 when not theirs).
pub async fn run_challenge(state: &AppState, user: &CurrentUser, id: i64) -> AppResult<Challenge> {
    let mut conn = state.db.conn().await?;
    let c = store::challenge(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    if !service::runs(&mut conn, user, &c).await? {
        return Err(AppError::Forbidden);
    }
    Ok(c)
}

/// The edit form, filled with the challenge's rules.
pub async fn edit(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let c = run_challenge(&state, &user, id).await?;
    render(&page(&state, ctx, &user, Some(id), &ChallengeForm::of(&c), Errors::none()).await?)
}

/// Saves the changes through this folder's `service::update`.
pub async fn update(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path(id): Path<i64>,
    Form(f): Form<ChallengeForm>,
) -> AppResult<Response> {
    run_challenge(&state, &user, id).await?;
    let result = match f.challenge() {
        Ok(c) => manage::update(&state, &user, id, c).await.map(|_| ()),
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(()) => Ok(flash::redirect("/manage/challenges", Flash::ChallengeSaved)),
        Err(e) => {
            let errors = form_errors(e)?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(&state, ctx, &user, Some(id), &f, errors).await?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audience_reads_as_its_kind_and_id() {
        assert_eq!(parse_audience("everyone"), Some(Audience::Everyone));
        assert_eq!(parse_audience(""), Some(Audience::Everyone));
        assert_eq!(parse_audience("street:3"), Some(Audience::Street(3)));
        assert_eq!(parse_audience("community:12"), Some(Audience::Community(12)));
        assert_eq!(parse_audience("department:x"), None);
        assert_eq!(parse_audience("planet:1"), None);
    }

    #[test]
    fn a_typed_form_becomes_the_apis_challenge_and_blank_caps_are_the_default() {
        let f = ChallengeForm {
            name: " 重走长征路 ".into(),
            route: LONG_MARCH.into(),
            scale: "10".into(),
            starts_on: "2026-11-01".into(),
            ends_on: "2026-12-31".into(),
            daily_cap_km: "30".into(),
            cap_swim: "5，5".into(),
            days_back: "1".into(),
            audience: "street:2".into(),
            ..ChallengeForm::default()
        };
        let c = f.challenge().unwrap();
        assert_eq!((c.name.as_str(), c.scale_milli, c.daily_cap_m), ("重走长征路", 10_000, 30_000));
        assert_eq!(c.caps_m, [None, None, None, Some(5_500)]);
        assert_eq!((c.audience, c.personal_board), (Audience::Street(2), false));
        let back = ChallengeForm::of(&c);
        assert_eq!((back.scale.as_str(), back.cap_swim.as_str(), back.audience.as_str()), ("10", "5.5", "street:2"));
        let bad = ChallengeForm { scale: "ten".into(), cap_walk: "0".into(), ends_on: "2026-10-01".into(), ..f };
        let fields: Vec<&str> = bad.challenge().unwrap_err().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["scale", "cap_walk", "ends_on"]);
    }
}
