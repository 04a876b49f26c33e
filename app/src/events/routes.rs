//! Site handlers for activities: the list with filters, an event with its sessions and the
//! registration form, and the iCalendar feeds. Registering and the organisers' downloads are
//! the shared booking pages (`bookings::pages`), routed here at the activity URLs; the event's
//! page is the page a session is registered from.

use std::collections::HashMap;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse as _, Response};
use axum::routing::{get, post};
use chrono::Datelike as _;
use serde::Deserialize;

use crate::app::AppState;
use crate::bookings as booking_store;
use crate::bookings::model::Offering;
use crate::bookings::pages::{self as booking_pages, Format, Offered, Refused};
use crate::clock::{local_day, time_range};
use crate::crypto::random_token;
use crate::error::{AppError, AppResult, FieldError};
use crate::events::api::{EventQuery, filter};
use crate::events::ical::{self, Entry};
use crate::events::model::EventKind;
use crate::events::store;
use crate::events::views::{EventPage, EventRow, EventsPage, SessionDay, SessionRow, Shortcut, day_label, day_time};
use crate::web::backoffice::{Field, Opt, OptGroup};
use crate::web::extract::{Path, Query};
use crate::web::forms::Errors;
use crate::web::{Ctx, render};

/// Routes of this domain (site side).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/events", get(list))
        .route("/events/{file}", get(event_or_calendar))
        .route("/sessions/{id}/register", post(booking_pages::book::<Sessions>))
        .route("/venues/{id}", get(crate::events::venue_page::venue))
        .route("/venues/{id}/calendar.ics", get(venue_calendar))
        .route("/calendar/{file}", get(my_calendar))
        .route("/manage/sessions/{id}/registrations.csv", get(registrations))
        .route("/manage/sessions/{id}/registrations.xlsx", get(registrations))
        .route("/manage/events/{id}/registrations.csv", get(event_registrations))
        .route("/manage/events/{id}/registrations.xlsx", get(event_registrations))
}

/// Activity sessions, to the shared booking pages: registered for from their event's page.
pub struct Sessions;

impl Offered for Sessions {
    const FORM_TOKEN_MAX: usize = 80;
    type Page = EventPage;

    async fn refused(state: &AppState, ctx: Ctx, refusal: Refused) -> AppResult<EventPage> {
        let o = booking_store::offering(&mut *state.db.conn().await?, refusal.offering).await?;
        let event = o.and_then(|o| o.event_id).ok_or(AppError::NotFound)?;
        event_page(state, ctx, event, Some((refusal.offering, refusal.key)), refusal.person).await
    }
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    from: Option<String>,
    to: Option<String>,
    #[serde(default)]
    street: String,
    #[serde(default)]
    venue: String,
    #[serde(default)]
    kind: String,
    /// Sessions at venues of this community (the 我的社区 shortcut).
    #[serde(default)]
    community: String,
}

impl ListQuery {
    /// The query string of this filter, for a shortcut's link.
    fn href(&self) -> String {
        let pairs = [
            ("from", self.from.as_deref().unwrap_or_default()),
            ("to", self.to.as_deref().unwrap_or_default()),
            ("street", &self.street),
            ("venue", &self.venue),
            ("kind", &self.kind),
            ("community", &self.community),
        ];
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
            q.append_pair(k, v);
        }
        let q = q.finish();
        if q.is_empty() { "/events".into() } else { format!("/events?{q}") }
    }
}

/// 本周 (today to Sunday) and, for a resident whose community is known, 我的社区: each a link
/// that turns its filter on or off and keeps the rest.
fn shortcuts(q: &ListQuery, today: chrono::NaiveDate, community: Option<i64>) -> Vec<Shortcut> {
    let sunday = today + chrono::Duration::days(7 - i64::from(today.weekday().number_from_monday()));
    let (from, to) = (today.to_string(), sunday.to_string());
    let week_on = q.from.as_deref() == Some(from.as_str()) && q.to.as_deref() == Some(to.as_str());
    let week = if week_on {
        ListQuery { from: None, to: None, ..clone_query(q) }
    } else {
        ListQuery { from: Some(from), to: Some(to), ..clone_query(q) }
    };
    let mut out = vec![Shortcut { key: "events.this_week", href: week.href(), on: week_on }];
    if let Some(c) = community {
        let on = q.community == c.to_string();
        let mine = ListQuery { community: if on { String::new() } else { c.to_string() }, ..clone_query(q) };
        out.push(Shortcut { key: "events.my_community", href: mine.href(), on });
    }
    out
}

fn clone_query(q: &ListQuery) -> ListQuery {
    ListQuery {
        from: q.from.clone(),
        to: q.to.clone(),
        street: q.street.clone(),
        venue: q.venue.clone(),
        kind: q.kind.clone(),
        community: q.community.clone(),
    }
}

async fn list(State(state): State<AppState>, ctx: Ctx, Query(q): Query<ListQuery>) -> AppResult<Response> {
    let query = EventQuery {
        from: q.from.clone().filter(|s| !s.is_empty()),
        to: q.to.clone().filter(|s| !s.is_empty()),
        street: q.street.parse().ok(),
        venue: q.venue.parse().ok(),
        community: q.community.parse().ok(),
        kind: EventKind::parse(&q.kind),
    };
    let f = filter(&state, &query, ctx.user.is_some())?;
    let found = store::list(&mut *state.db.conn().await?, &f, 200).await?;
    let structure = state.structure.get(&state).await?;
    let venue_names = structure.venue_names();
    let rows = found
        .into_iter()
        .map(|l| EventRow {
            next: day_time(&ctx, l.next_start),
            place: l
                .next_venue
                .and_then(|v| venue_names.get(&v).cloned())
                .unwrap_or_else(|| ctx.t("events.online").into()),
            venue_id: l.next_venue,
            event: l.event,
        })
        .collect();
    let mut streets = vec![Opt { value: String::new(), label: ctx.t("events.all_streets").into() }];
    streets
        .extend(structure.blocks.iter().map(|b| Opt { value: b.street.id.to_string(), label: b.street.name.clone() }));
    // Venues grouped by street, so a resident finds their community station by its street.
    let mut venues = vec![OptGroup {
        label: None,
        options: vec![Opt { value: String::new(), label: ctx.t("events.all_venues").into() }],
    }];
    venues.extend(structure.blocks.iter().filter(|b| !b.venues.is_empty()).map(|b| OptGroup {
        label: Some(b.street.name.clone()),
        options: b.venues.iter().map(|v| Opt { value: v.id.to_string(), label: v.name.clone() }).collect(),
    }));
    let mut kinds = vec![Opt { value: String::new(), label: ctx.t("events.all_kinds").into() }];
    kinds.extend(EventKind::ALL.iter().map(|k| Opt { value: k.as_str().into(), label: ctx.t(k.label_key()).into() }));
    let today = local_day(state.clock.unix());
    let community = ctx.user.as_ref().and_then(|u| u.community_id).map(|c| c.0);
    let shortcuts = shortcuts(&q, today, community);
    let filtered = !(q.street.is_empty() && q.venue.is_empty() && q.kind.is_empty())
        || (q.from.as_deref().is_some_and(|s| !s.is_empty()) && !shortcuts[0].on);
    let filters = vec![
        Field::text("from", "events.from", q.from.unwrap_or_default()).kind("date"),
        Field::text("to", "events.to", q.to.unwrap_or_default()).kind("date"),
        Field::select("street", "field.street", q.street, vec![OptGroup { label: None, options: streets }]),
        Field::select("venue", "events.venue", q.venue, venues),
        Field::select("kind", "events.kind", q.kind, vec![OptGroup { label: None, options: kinds }]),
    ];
    render(&EventsPage { ctx, filters, filtered, shortcuts, rows, community: q.community })
}

async fn event_page(
    state: &AppState,
    ctx: Ctx,
    id: i64,
    error: Option<(i64, &'static str)>,
    person: Option<String>,
) -> AppResult<EventPage> {
    let mut conn = state.db.conn().await?;
    let event =
        store::get(&mut conn, id).await?.filter(|e| !e.members_only || ctx.user.is_some()).ok_or(AppError::NotFound)?;
    let offerings = booking_store::offerings_of_event(&mut conn, id).await?;
    // What the resident already holds here: those sessions say 已报名.
    let held: Vec<i64> = match &ctx.user {
        Some(u) => crate::bookings::listing::of_user(&mut conn, u.id, 500)
            .await?
            .into_iter()
            .filter(|l| l.event_id == Some(id) && l.status.is_active())
            .map(|l| l.offering_id)
            .collect(),
        None => Vec::new(),
    };
    let structure = state.structure.get(state).await?;
    let venues: HashMap<i64, (String, Option<i64>)> = structure
        .blocks
        .iter()
        .flat_map(|b| b.venues.iter())
        .map(|v| (v.id.0, (v.name.clone(), v.community_id.map(|c| c.0))))
        .collect();
    let home = ctx.user.as_ref().and_then(|u| u.community_id).map(|c| c.0);
    let now = state.clock.unix();
    let sessions = offerings
        .iter()
        .filter(|o| o.ends_at > now)
        .map(|o| {
            let venue = o.venue_id.and_then(|v| venues.get(&v));
            SessionRow {
                id: o.id,
                day: local_day(o.starts_at),
                starts_at: o.starts_at,
                time: time_range(o.starts_at, o.ends_at),
                place: venue.map_or_else(|| ctx.t("events.online").into(), |(name, _)| name.clone()),
                venue_id: o.venue_id,
                near: home.is_some() && venue.and_then(|(_, c)| *c) == home,
                left: o.seats_left(),
                cancelled: o.status != "open",
                open: o.window_open(now),
                held: held.contains(&o.id),
                error: error.filter(|(s, _)| *s == o.id).map(|(_, k)| k),
            }
        })
        .collect();
    let days = group_by_day(&ctx, sessions);
    let people = booking_pages::whom_choices(&mut conn, &ctx).await?;
    let errors = match error {
        Some((session, key)) => {
            Errors::from(vec![FieldError { field: "session", key }]).anchor("session", format!("session-{session}"))
        }
        None => Errors::none(),
    };
    let chosen = person.unwrap_or_default();
    Ok(EventPage { ctx, event, days, people, chosen, errors, form_token: random_token() })
}

/// Sessions by day, the nearest day first; within a day the resident's own community's
/// sessions first, then by time.
fn group_by_day(ctx: &Ctx, mut sessions: Vec<SessionRow>) -> Vec<SessionDay> {
    sessions.sort_by_key(|s| (s.day, !s.near, s.starts_at, s.id));
    let mut days: Vec<SessionDay> = Vec::new();
    for s in sessions {
        match days.last_mut() {
            Some(d) if d.date == s.day => d.sessions.push(s),
            _ => days.push(SessionDay { date: s.day, label: day_label(ctx, s.day), sessions: vec![s] }),
        }
    }
    days
}

fn ics(body: String, name: &str) -> Response {
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

fn host(state: &AppState) -> String {
    state.config.public_url.as_deref().and_then(|u| u.split("://").nth(1)).unwrap_or("ejia.local").to_owned()
}

/// `/events/12` is the event's page, `/events/12.ics` its calendar.
async fn event_or_calendar(State(state): State<AppState>, ctx: Ctx, Path(file): Path<String>) -> AppResult<Response> {
    if let Some(id) = file.strip_suffix(".ics") {
        let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
        let mut conn = state.db.conn().await?;
        let event = store::get(&mut conn, id).await?.filter(|e| !e.members_only).ok_or(AppError::NotFound)?;
        let sessions = booking_store::offerings_of_event(&mut conn, id).await?;
        let venues = state.structure.get(&state).await?.venue_names();
        let entries: Vec<Entry<'_>> = sessions
            .iter()
            .map(|s| Entry {
                session: s,
                title: &event.title,
                description: &event.description,
                venue: s.venue_id.and_then(|v| venues.get(&v)).map_or("", String::as_str),
                link: None,
            })
            .collect();
        let body = ical::calendar(&event.title, &entries, state.clock.unix(), &host(&state));
        return Ok(ics(body, &format!("event-{id}.ics")));
    }
    let id: i64 = file.parse().map_err(|_| AppError::NotFound)?;
    render(&event_page(&state, ctx, id, None, None).await?)
}

/// Upcoming public sessions at a venue (the coming year).
async fn venue_calendar(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<Response> {
    let mut conn = state.db.conn().await?;
    let venue = crate::org::venue(&mut conn, crate::ids::VenueId(id)).await?.ok_or(AppError::NotFound)?;
    let now = state.clock.unix();
    let sessions = booking_store::offerings_at_venue(&mut conn, id, now - 86_400, now + 366 * 86_400).await?;
    let mut titles = std::collections::HashMap::new();
    for s in &sessions {
        if let Some(e) = s.event_id
            && !titles.contains_key(&e)
            && let Some(event) = store::get(&mut conn, e).await?
        {
            titles.insert(e, event);
        }
    }
    let entries: Vec<Entry<'_>> = sessions
        .iter()
        .filter_map(|s| {
            let event = titles.get(&s.event_id?).filter(|e| !e.members_only)?;
            Some(Entry {
                session: s,
                title: &event.title,
                description: &event.description,
                venue: &venue.name,
                link: None,
            })
        })
        .collect();
    Ok(ics(ical::calendar(&venue.name, &entries, now, &host(&state)), &format!("venue-{id}.ics")))
}

/// A user's registrations, for their calendar app; the URL itself is the credential.
async fn my_calendar(State(state): State<AppState>, Path(file): Path<String>) -> AppResult<Response> {
    let token = file.strip_suffix(".ics").ok_or(AppError::NotFound)?;
    let user = crate::accounts::credentials::feed_user(&state, token).await?.ok_or(AppError::NotFound)?;
    let mut conn = state.db.conn().await?;
    let lines = crate::bookings::listing::of_user(&mut conn, user, 500).await?;
    let mut sessions: Vec<(Offering, String, String, Option<String>)> = Vec::new();
    for l in lines.iter().filter(|l| l.status.holds_seat() || l.status.is_active()) {
        if let Some(o) = booking_store::offering(&mut conn, l.offering_id).await? {
            let link = if l.status.holds_seat() { l.online_url.clone() } else { None };
            sessions.push((o, l.title.clone(), l.venue.clone(), link));
        }
    }
    let entries: Vec<Entry<'_>> = sessions
        .iter()
        .map(|(o, title, venue, link)| Entry { session: o, title, description: "", venue, link: link.as_deref() })
        .collect();
    let name = crate::web::i18n::t(Default::default(), "nav.my_bookings");
    Ok(ics(ical::calendar(name, &entries, state.clock.unix(), &host(&state)), "ejia.ics"))
}

/// A session's registrations and attendance as CSV or XLSX, by the URL's extension
/// (organisers who run it).
async fn registrations(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>, uri: Uri) -> AppResult<Response> {
    let user = ctx.user()?;
    let mut conn = state.db.conn().await?;
    let session =
        booking_store::offering(&mut conn, id).await?.filter(|o| o.event_id.is_some()).ok_or(AppError::NotFound)?;
    if !session.run_by(&user.principal) {
        return Err(AppError::Forbidden);
    }
    let lines = crate::bookings::listing::of_offering(&mut conn, id).await?;
    booking_pages::download(&ctx, &lines, &format!("session-{id}"), Format::of(&uri))
}

/// The days an event's export covers (district days, both included; either may be left out).
#[derive(Debug, Default, Deserialize)]
struct ExportRange {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// Every session's registrations of one event in one file — a series of 15 sessions is one
/// download, not 15 — earliest session first, optionally only the sessions on the days given.
async fn event_registrations(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(range): Query<ExportRange>,
    uri: Uri,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let day = |s: &str| -> AppResult<Option<chrono::NaiveDate>> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::BadRequest("form.date_invalid"))
    };
    let (from, to) = (day(&range.from)?, day(&range.to)?);
    let mut conn = state.db.conn().await?;
    let event = store::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    if !crate::events::service::runs(&mut conn, user, &event).await? {
        return Err(AppError::Forbidden);
    }
    let mut sessions = booking_store::offerings_of_event(&mut conn, id).await?;
    sessions.retain(|s| {
        let d = crate::clock::local_day(s.starts_at);
        from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t)
    });
    sessions.sort_by_key(|s| (s.starts_at, s.id));
    let mut lines = Vec::new();
    for s in &sessions {
        lines.extend(crate::bookings::listing::of_offering(&mut conn, s.id).await?);
    }
    booking_pages::download(&ctx, &lines, &format!("event-{id}"), Format::of(&uri))
}
