//! The people I book for (`/me/people`): the list and the form that adds one. Reached from a
//! service's booking page, the form remembers that booking (`service`, `date`) and, once the
//! person is added, goes back to it with them chosen: adding a parent is then one step of
//! booking for them, not a detour the resident has to find their way back from.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::app::AppState;
use crate::appointments::store;
use crate::appointments::views::{PeoplePage, PersonRow};
use crate::error::{AppError, AppResult};
use crate::people::model::{Relation, check_person};
use crate::web::backoffice::{Field, Opt, OptGroup};
use crate::web::extract::{Form, Query};
use crate::web::forms::Errors;
use crate::web::{Ctx, render, render_status, see_other};

/// The booking the resident came from: a service and the day they were looking at.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct BackTo {
    /// The service's id.
    #[serde(default)]
    service: String,
    /// The day, `YYYY-MM-DD`.
    #[serde(default)]
    date: String,
    /// What was just done: a person added (`1`), a phone verified (`phone`).
    #[serde(default)]
    added: String,
}

impl BackTo {
    /// The service, when it is a number (anything else is ignored, not an error).
    fn service(&self) -> Option<i64> {
        self.service.trim().parse().ok()
    }

    /// The day, only when it is a date (it goes into a URL).
    fn date(&self) -> Option<chrono::NaiveDate> {
        chrono::NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d").ok()
    }

    /// The booking page with `person` chosen.
    fn url(&self, service: i64, person: i64) -> String {
        let date = self.date().map(|d| format!("date={d}&")).unwrap_or_default();
        format!("/services/{service}?{date}person={person}&added=1#slots-h")
    }
}

/// What was typed into the add form, kept when it is shown again with errors.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct PersonForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    relation: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    date: String,
}

async fn page(state: &AppState, ctx: Ctx, f: &PersonForm, back: &BackTo, errors: Errors) -> AppResult<PeoplePage> {
    let user = ctx.user()?;
    let mut conn = state.db.conn().await?;
    let list = crate::people::list(&mut conn, user.id).await?;
    let phones = crate::people::verified_phones(&mut conn, user.id).await?;
    let people = list
        .into_iter()
        .map(|p| PersonRow {
            id: p.id,
            relation: p.relation.label_key(),
            id_masked: p.id_masked.unwrap_or_else(|| "—".into()),
            family: p.relation != Relation::Myself,
            phone: phones.iter().find(|(id, _)| *id == p.id).map(|(_, m)| m.clone()),
            name: p.name,
        })
        .collect();
    let relations =
        Relation::ALL.iter().map(|r| Opt { value: r.as_str().into(), label: ctx.t(r.label_key()).into() }).collect();
    let service = match back.service() {
        Some(id) => store::get(&mut conn, id).await?,
        None => None,
    };
    let id_hint =
        if service.as_ref().is_some_and(|s| s.real_name_required) { "people.id_needed_hint" } else { "hint.id_number" };
    let fields = vec![
        Field::text("name", "field.person_name", &f.name).autocomplete("off").required(),
        Field::select("relation", "field.relation", &f.relation, vec![OptGroup { label: None, options: relations }])
            .required(),
        // The typed number is kept when it fails the check, so a slip of one digit is fixed
        // in place rather than typed again.
        Field::text("id_number", "field.id_number", &f.id_number).autocomplete("off").hint(id_hint),
    ];
    let errors = errors.labelled(&fields);
    let back_date = back.date().map(|d| d.to_string()).unwrap_or_default();
    let done = match back.added.as_str() {
        "1" => Some("people.added"),
        "phone" => Some("people.phone_verified"),
        _ => None,
    };
    Ok(PeoplePage { ctx, people, fields, errors, service, back_date, done })
}

/// The list and the add form; `?service=&date=` when reached from a booking page.
pub async fn people(State(state): State<AppState>, ctx: Ctx, Query(back): Query<BackTo>) -> AppResult<Response> {
    let f = PersonForm { relation: Relation::Parent.as_str().into(), ..PersonForm::default() };
    render(&page(&state, ctx, &f, &back, Errors::none()).await?)
}

/// Adds a person, then goes back to the booking they were added for, or to the list.
pub async fn add_person(State(state): State<AppState>, ctx: Ctx, Form(f): Form<PersonForm>) -> AppResult<Response> {
    let user = ctx.user()?;
    let back = BackTo { service: f.service.clone(), date: f.date.clone(), added: String::new() };
    let result = match check_person(&f.name, &f.relation, Some(&f.id_number)) {
        Ok(p) => crate::people::add(&state, user.id, p).await,
        Err(e) => Err(AppError::Invalid(e)),
    };
    match result {
        Ok(person) => Ok(see_other(&match back.service() {
            Some(service) => back.url(service, person.id),
            None => "/me/people?added=1".to_owned(),
        })),
        Err(AppError::Invalid(errors)) => {
            let page = page(&state, ctx, &f, &back, errors.into()).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_way_back_is_only_ever_a_service_page() {
        let back = BackTo { service: "3".into(), date: "2026-12-08".into(), added: String::new() };
        assert_eq!(back.url(3, 9), "/services/3?date=2026-12-08&person=9&added=1#slots-h");
        let odd = BackTo { service: "//evil".into(), date: "x&y=1".into(), added: String::new() };
        assert_eq!((odd.service(), odd.date()), (None, None));
        assert_eq!(BackTo { date: "x".into(), ..back }.url(3, 9), "/services/3?person=9&added=1#slots-h");
    }
}
