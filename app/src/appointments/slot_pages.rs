//! A service's slots in the back office: the coming slots day by day (seats booked of seats
//! offered, the waiting list, the lottery), each one's capacity changed, cancelled after a
//! second step that says what happens to its bookings, or its lottery drawn once entries have
//! closed; and the add-slots form (`slots_form`), which first shows how many slots it will make
//! and the first of them, and makes them only when that is confirmed — both steps plain forms,
//! no script needed. Writes go through `appointments::service` and `bookings::service`, as the
//! API's do.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::appointments::manage::run_service;
use crate::appointments::model::{Service, day_range, local_date, time_range};
use crate::appointments::service::{self, SlotChange};
use crate::appointments::service_of_offering;
use crate::appointments::slots_form::SlotsForm;
use crate::authz::gate::Organising;
use crate::bookings as booking_store;
use crate::bookings::model::{Mode, Offering, Status};
use crate::error::{AppError, AppResult, FieldError};
use crate::web::backoffice::{Field, Opt, OptGroup};
use crate::web::extract::{Form, Path, Query};
use crate::web::forms::Errors;
use crate::web::guard::Staff;
use crate::web::{Ctx, render, render_status, see_other};

/// How far ahead the slots page lists slots, and at most how many.
const AHEAD_DAYS: i64 = 60;
const MAX_SHOWN: usize = 300;
/// How many of the slots to be made the preview lists.
const PREVIEW_SHOWN: usize = 5;

/// One slot on the page.
pub(super) struct SlotLine {
    pub(super) id: i64,
    /// `08:30–09:00`.
    pub(super) time: String,
    pub(super) venue: String,
    pub(super) booked: i64,
    /// Seats as a number field's value ("" for no limit).
    pub(super) capacity: String,
    /// Waiting for a seat.
    pub(super) waiting: usize,
    /// Entered in its lottery, not yet drawn.
    pub(super) entered: usize,
    pub(super) cancelled: bool,
    pub(super) lottery: bool,
    pub(super) drawn: bool,
    /// A lottery whose entries have closed and that is not drawn yet.
    pub(super) draw_due: bool,
    /// When its lottery's entries close (`Ctx::when`).
    pub(super) draw_at: String,
}

/// The slots of one day.
pub(super) struct DayGroup {
    /// `2026-12-02 周三`.
    pub(super) heading: String,
    pub(super) slots: Vec<SlotLine>,
}

/// What the add-slots form will make, shown before it is made.
pub(super) struct Preview {
    pub(super) count: usize,
    /// "将放出 36 个时段", and the confirmation button's words.
    pub(super) title: String,
    pub(super) confirm: String,
    /// The first few, `Ctx::when` and the end time.
    pub(super) first: Vec<String>,
    /// The last one.
    pub(super) last: String,
    /// The form's values, sent again with the confirmation.
    pub(super) pairs: Vec<(&'static str, String)>,
}

/// The add-slots form's plain fields, in the groups the page shows them in (the weekday
/// checkboxes and the radio buttons are written by hand in the template).
pub(super) struct SlotFields {
    pub(super) venue: Vec<Field>,
    pub(super) dates: Vec<Field>,
    pub(super) times: Vec<Field>,
    pub(super) seats: Vec<Field>,
    pub(super) closes: Vec<Field>,
    pub(super) more: Vec<Field>,
}

impl SlotFields {
    fn of(f: &SlotsForm, venues: Vec<OptGroup>, ctx: &Ctx) -> Self {
        let mut groups = vec![OptGroup {
            label: None,
            options: vec![Opt { value: String::new(), label: ctx.t("manage_services.venue_choose").into() }],
        }];
        groups.extend(venues);
        let number = |name, label, value: &str| Field::text(name, label, value).kind("number").inputmode("numeric");
        Self {
            venue: vec![Field::select("venue_id", "manage_services.venue", &f.venue_id, groups).required()],
            dates: vec![
                Field::text("from", "manage_services.from", &f.from).kind("date").required(),
                Field::text("to", "manage_services.to", &f.to).kind("date").required().hint("manage_services.to_hint"),
            ],
            times: vec![
                Field::text("start", "manage_services.start", &f.start).kind("time").required(),
                Field::text("end", "manage_services.end", &f.end)
                    .kind("time")
                    .required()
                    .hint("manage_services.end_hint"),
                number("minutes", "manage_services.minutes", &f.minutes)
                    .required()
                    .hint("manage_services.minutes_hint"),
            ],
            seats: vec![number("capacity", "manage_services.capacity", &f.capacity).required()],
            closes: vec![
                Field::text("closes_at", "manage_services.closes_at", &f.closes_at)
                    .kind("datetime-local")
                    .hint("manage_services.closes_at_hint"),
            ],
            more: vec![
                Field::text("opens_at", "manage_services.opens_at", &f.opens_at)
                    .kind("datetime-local")
                    .hint("manage_services.opens_at_hint"),
                number("max_per_user", "manage_services.max_per_user", &f.max_per_user)
                    .hint("manage_services.max_per_user_hint"),
                number("min_age", "manage_services.min_age", &f.min_age).hint("manage_services.age_hint"),
                number("max_age", "manage_services.max_age", &f.max_age).hint("manage_services.age_hint"),
            ],
        }
    }

    fn all(&self) -> impl Iterator<Item = &Field> {
        [&self.venue, &self.dates, &self.times, &self.seats, &self.closes, &self.more].into_iter().flatten()
    }
}

#[derive(askama::Template)]
#[template(path = "appointments/manage_slots.html")]
struct SlotsPage {
    ctx: Ctx,
    service: Service,
    days: Vec<DayGroup>,
    fields: SlotFields,
    form: SlotsForm,
    /// The add-slots form's errors.
    errors: Errors,
    /// Why a change of one slot was refused (linked to that slot).
    slot_errors: Errors,
    /// The slot `slot_errors` is about.
    failed_slot: Option<(i64, &'static str)>,
    preview: Option<Preview>,
    /// What was just done, said once at the top.
    done: Option<String>,
}

impl SlotsPage {
    fn weekday_key(&self, d: &str) -> &'static str {
        ["weekday.mon", "weekday.tue", "weekday.wed", "weekday.thu", "weekday.fri", "weekday.sat", "weekday.sun"]
            [d.parse::<usize>().unwrap_or(7).clamp(1, 7) - 1]
    }

    fn error_for(&self, slot: i64) -> Option<&'static str> {
        self.failed_slot.filter(|(id, _)| *id == slot).map(|(_, k)| k)
    }
}

/// The page, with the form as given and what to say.
async fn page(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    id: i64,
    form: Option<SlotsForm>,
    errors: Errors,
) -> AppResult<SlotsPage> {
    let service = run_service(state, user, id).await?;
    let now = state.clock.unix();
    let (from, _) = day_range(local_date(now));
    let mut conn = state.db.conn().await?;
    let offerings = booking_store::offerings_of_service(&mut conn, id, from, from + AHEAD_DAYS * 86_400).await?;
    let structure = state.structure.get(state).await?;
    let names = structure.venue_names();
    let mut days: Vec<DayGroup> = Vec::new();
    for o in offerings.iter().take(MAX_SHOWN) {
        let line = slot_line(&mut conn, &ctx, o, &names, now).await?;
        let heading = day_heading(&ctx, o.starts_at);
        match days.last_mut() {
            Some(d) if d.heading == heading => d.slots.push(line),
            _ => days.push(DayGroup { heading, slots: vec![line] }),
        }
    }
    let venues = structure
        .blocks
        .iter()
        .map(|b| OptGroup {
            label: Some(b.street.name.clone()),
            options: b.venues.iter().map(|v| Opt { value: v.id.0.to_string(), label: v.name.clone() }).collect(),
        })
        .collect();
    let form = form.unwrap_or_else(|| SlotsForm::fresh(local_date(now)));
    let fields = SlotFields::of(&form, venues, &ctx);
    let mut errors = errors
        .label("weekdays", "manage_services.weekdays")
        .label("mode", "manage_services.mode")
        .anchor("weekdays", "f-weekdays-1")
        .anchor("template", "f-from")
        .anchor("mode", "f-mode-first_come");
    for f in fields.all() {
        errors = errors.label(f.name, f.label_key);
    }
    Ok(SlotsPage {
        ctx,
        service,
        days,
        fields,
        form,
        errors,
        slot_errors: Errors::none(),
        failed_slot: None,
        preview: None,
        done: None,
    })
}

/// `2026-12-02 周三`: the district-time day of `unix`, with its weekday.
fn day_heading(ctx: &Ctx, unix: i64) -> String {
    let day = local_date(unix);
    format!("{day} {}", ctx.t(crate::web::i18n::weekday_key(day)))
}

async fn slot_line(
    conn: &mut crate::db::Conn,
    ctx: &Ctx,
    o: &Offering,
    names: &std::collections::HashMap<i64, String>,
    now: i64,
) -> AppResult<SlotLine> {
    let active = if o.status == "open" { booking_store::active_of_offering(conn, o.id).await? } else { Vec::new() };
    let count = |s: Status| active.iter().filter(|r| r.status == s).count();
    let lottery = o.mode == Mode::Lottery;
    let closes = o.rules.closes_at.unwrap_or(o.starts_at);
    Ok(SlotLine {
        id: o.id,
        time: time_range(o.starts_at, o.ends_at),
        venue: o.venue_id.and_then(|v| names.get(&v).cloned()).unwrap_or_default(),
        booked: o.booked,
        capacity: o.capacity.map(|c| c.to_string()).unwrap_or_default(),
        waiting: count(Status::Waitlisted),
        entered: count(Status::Requested),
        cancelled: o.status != "open",
        lottery,
        drawn: o.drawn_at.is_some(),
        draw_due: lottery && o.status == "open" && o.drawn_at.is_none() && now >= closes,
        draw_at: ctx.when(closes),
    })
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct DoneQuery {
    done: Option<String>,
    n: Option<usize>,
}

/// What `done` says, translated.
fn done_message(ctx: &Ctx, q: &DoneQuery) -> Option<String> {
    Some(match q.done.as_deref()? {
        "service_created" => ctx.t("manage_services.done_service_created").into(),
        "created" => ctx.tf("manage_services.done_created", &[("n", &q.n.unwrap_or_default().to_string())]),
        "resized" => ctx.t("manage_services.done_resized").into(),
        "cancelled" => ctx.t("manage_services.done_cancelled").into(),
        "drawn" => ctx.t("manage_services.done_drawn").into(),
        _ => return None,
    })
}

/// The slots page.
pub(super) async fn slots(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let done = done_message(&ctx, &q);
    let mut p = page(&state, ctx, &user, id, None, Errors::none()).await?;
    p.done = done;
    render(&p)
}

/// The add-slots form: the first step shows what it will make; the confirmation makes it.
pub(super) async fn add_slots(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let form = SlotsForm::parse(&body);
    let result = match form.slots() {
        Ok(slots) if form.step == "create" => service::create_slots(&state, &user, id, &slots, Vec::new()).await,
        Ok(slots) => {
            let mut p = page(&state, ctx, &user, id, Some(form.clone()), Errors::none()).await?;
            let when = |&(s, e): &(i64, i64)| format!("{} {}", day_heading(&p.ctx, s), time_range(s, e));
            let n = slots.count().to_string();
            p.preview = Some(Preview {
                count: slots.count(),
                title: p.ctx.tf("manage_services.preview_title", &[("n", &n)]),
                confirm: p.ctx.tf("manage_services.preview_confirm", &[("n", &n)]),
                first: slots.times.iter().take(PREVIEW_SHOWN).map(when).collect(),
                last: slots.times.last().map(when).unwrap_or_default(),
                pairs: form.pairs(),
            });
            return render(&p);
        }
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    match result {
        Ok(ids) => Ok(see_other(&format!("/manage/services/{id}/slots?done=created&n={}", ids.len()))),
        Err(AppError::Invalid(errors)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&state, ctx, &user, id, Some(form), errors.into()).await?,
        ),
        Err(other) => Err(other),
    }
}

/// The page again, saying why a change of `slot` was refused, next to it and at the top.
async fn refused(
    state: &AppState,
    ctx: Ctx,
    user: &CurrentUser,
    service: i64,
    slot: i64,
    key: &'static str,
) -> AppResult<Response> {
    let mut p = page(state, ctx, user, service, None, Errors::none()).await?;
    // A refused capacity links its field; a refused draw, the slot's row.
    let draw = matches!(key, "booking.lottery_uncommitted" | "booking.wrong_state");
    let errors = Errors::from(vec![FieldError { field: "slot", key }]);
    p.slot_errors = if draw {
        errors.anchor("slot", format!("slot-{slot}"))
    } else {
        errors.anchor("slot", format!("cap-{slot}")).label("slot", "manage_services.capacity")
    };
    p.failed_slot = Some((slot, key));
    render_status(StatusCode::UNPROCESSABLE_ENTITY, &p)
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct CapacityForm {
    #[serde(default)]
    capacity: String,
}

/// Changes a slot's seats: never below those booked (said next to the slot).
pub(super) async fn capacity(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path(slot): Path<i64>,
    Form(f): Form<CapacityForm>,
) -> AppResult<Response> {
    let service = service_of_offering(&mut *state.db.conn().await?, slot).await?.id;
    let Ok(capacity) = f.capacity.trim().parse::<i64>() else {
        return refused(&state, ctx, &user, service, slot, "form.capacity_invalid").await;
    };
    match service::change_slot(&state, &user, slot, SlotChange::Capacity(capacity)).await {
        Ok(_) => Ok(see_other(&format!("/manage/services/{service}/slots?done=resized#slot-{slot}"))),
        Err(AppError::Conflict(key) | AppError::Rule(key)) => refused(&state, ctx, &user, service, slot, key).await,
        Err(AppError::Invalid(e)) => {
            let key = e.first().map_or("form.capacity_invalid", |e| e.key);
            refused(&state, ctx, &user, service, slot, key).await
        }
        Err(other) => Err(other),
    }
}

#[derive(askama::Template)]
#[template(path = "appointments/manage_cancel_slot.html")]
struct CancelSlotPage {
    ctx: Ctx,
    service: Service,
    slot: SlotLine,
    /// `2026-12-02 周三 08:30–09:00`.
    when: String,
}

/// The second step of cancelling a slot: what it is and what happens to its bookings.
pub(super) async fn confirm_cancel(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path(slot): Path<i64>,
) -> AppResult<Response> {
    let mut conn = state.db.conn().await?;
    let service = service_of_offering(&mut conn, slot).await?;
    drop(conn);
    let service = run_service(&state, &user, service.id).await?;
    let mut conn = state.db.conn().await?;
    let o = booking_store::offering(&mut conn, slot).await?.ok_or(AppError::NotFound)?;
    if o.status != "open" {
        return Ok(see_other(&format!("/manage/services/{}/slots", service.id)));
    }
    let names = state.structure.get(&state).await?.venue_names();
    let line = slot_line(&mut conn, &ctx, &o, &names, state.clock.unix()).await?;
    let when = format!("{} {}", day_heading(&ctx, o.starts_at), time_range(o.starts_at, o.ends_at));
    render(&CancelSlotPage { ctx, service, slot: line, when })
}

/// Cancels a slot and every booking on it.
pub(super) async fn cancel(
    State(state): State<AppState>,
    Staff { user, .. }: Staff<Organising>,
    Path(slot): Path<i64>,
) -> AppResult<Response> {
    let o = service::change_slot(&state, &user, slot, SlotChange::Cancel).await?;
    let service = o.service_id.ok_or(AppError::NotFound)?;
    Ok(see_other(&format!("/manage/services/{service}/slots?done=cancelled")))
}

/// Draws a slot's lottery (the same draw as the API's, with the seed committed at creation).
pub(super) async fn draw(
    State(state): State<AppState>,
    Staff { ctx, user, .. }: Staff<Organising>,
    Path(slot): Path<i64>,
) -> AppResult<Response> {
    let service = service_of_offering(&mut *state.db.conn().await?, slot).await?.id;
    match booking_store::service::draw(&state, &user, slot).await {
        Ok(_) => Ok(see_other(&format!("/manage/services/{service}/slots?done=drawn"))),
        Err(AppError::Conflict(key) | AppError::Rule(key)) => refused(&state, ctx, &user, service, slot, key).await,
        Err(other) => Err(other),
    }
}
