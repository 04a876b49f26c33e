//! The demo's content: a topic column (专题) with its articles, activities with sessions, and
//! appointment services with slots, so a visitor of `ejia serve --demo` finds pages and search
//! filled. Loaded once, into a fresh district, right after the demo accounts.
//!
//! Where it comes from: every text (titles, summaries, bodies, descriptions) was written for
//! the demo, in `app/seed/demo.toml`, and says so where readers see it (source line, summary,
//! last line of each article, each description). The places — streets, communities, their
//! 新时代文明实践站, landmarks such as 海军博物馆 — are the real ones loaded from
//! `data/shinan.json` by [`super::structure`]; the file names them and this module looks them up.
//!
//! Everything goes through the domains' own use cases (`news::service`, `events::service`,
//! `appointments::service`) as the demo accounts, so authorization, four eyes (the editor
//! drafts, someone else publishes), audit entries and search indexing apply as in real use.
//! Times are relative to `state.clock`: sessions and slots in the coming days, articles
//! published days back. One thing is not done by a use case: publishing stamps "now", so each
//! article's `published_at` is then moved back to its demo date (see [`backdate`]); the
//! articles are written oldest first so the newest-first lists agree with those dates.
//!
//! Residents' reports on the public board are filed and moved through the case workflow by
//! the demo resident, command centre and handler (`super::cases`).

use std::collections::HashMap;

use anyhow::{Context as _, bail};
use serde::Deserialize;

use crate::accounts::CurrentUser;
use crate::app::AppState;
use crate::appointments::service::{self as appointments, NewService};
use crate::authz::Role;
use crate::bookings::offer::{NewOfferings, Terms};
use crate::clock::{day_start, local_day};
use crate::events::model::{EventKind, NewEvent};
use crate::events::service::{self as events, Plan};
use crate::ids::StreetId;
use crate::news::model::ArticleState;
use crate::news::service::{self as news, Draft};
use crate::org::store as org;

/// The demo content as written.
pub const DEMO_TOML: &str = include_str!("../../seed/demo.toml");

/// The organiser's department: every demo activity is run by it.
const PUBLICITY: &str = "区委宣传部";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Content {
    topic: TopicData,
    articles: Vec<ArticleData>,
    events: Vec<EventData>,
    services: Vec<ServiceData>,
    cases: Vec<super::cases::CaseData>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicData {
    title: String,
    description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ArticleData {
    title: String,
    summary: String,
    source: String,
    body: String,
    /// Street names to tag.
    streets: Vec<String>,
    /// A street's own article (its street admin's newsroom) rather than the district's.
    scope: Option<String>,
    /// Whether it belongs to the topic column.
    topic: bool,
    author: String,
    publisher: String,
    /// Published this many days ago…
    days_ago: Option<i64>,
    /// …or scheduled for this many days ahead.
    in_days: Option<i64>,
    /// At this district time.
    time: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventData {
    title: String,
    kind: String,
    description: String,
    /// A venue's name as loaded from the reference data.
    venue: String,
    in_days: Vec<i64>,
    time: String,
    minutes: i64,
    capacity: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceData {
    name: String,
    description: String,
    department: Option<String>,
    real_name_required: bool,
    venues: Vec<String>,
    in_days: Vec<i64>,
    start: String,
    end: String,
    minutes: i64,
    capacity: i64,
}

/// What [`load`] wrote.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Loaded {
    /// Topic columns.
    pub topics: usize,
    /// Articles published.
    pub published: usize,
    /// Articles scheduled.
    pub scheduled: usize,
    /// Activities.
    pub events: usize,
    /// Their sessions.
    pub sessions: usize,
    /// Appointment services.
    pub services: usize,
    /// Their slots.
    pub slots: usize,
    /// Residents' reports, handled as far as each says.
    pub cases: usize,
}

/// The demo accounts of [`super::demo_users`] that write the content, by the names the file uses.
const WRITERS: [(&str, Role); 7] = [
    ("district_admin", Role::DistrictAdmin),
    ("street_admin", Role::StreetAdmin),
    ("organiser", Role::Organizer),
    ("editor", Role::Editor),
    ("dispatcher", Role::Dispatcher),
    ("handler", Role::Handler),
    ("resident", Role::Resident),
];

/// Parses the embedded file (a test checks it parses).
fn content() -> anyhow::Result<Content> {
    toml::from_str(DEMO_TOML).context("app/seed/demo.toml is invalid")
}

/// Loads the demo content into a district that has the demo accounts. Returns None, changing
/// nothing, when the demo topic is already there (the content was loaded before).
pub async fn load(state: &AppState) -> anyhow::Result<Option<Loaded>> {
    let content = content()?;
    let places = Places::read(state).await?;
    {
        let mut conn = state.db.conn().await?;
        if crate::news::store::topics(&mut conn).await?.iter().any(|t| t.title == content.topic.title) {
            return Ok(None);
        }
    }
    let writers = writers(state).await?;
    let writer = |name: &str| writers.get(name).with_context(|| format!("no demo account {name}"));
    let mut loaded = Loaded::default();
    let fail = |what: &str, e: crate::error::AppError| anyhow::anyhow!("demo content, {what}: {e:?}");

    let topic = news::create_topic(state, writer("editor")?, &content.topic.title, &content.topic.description)
        .await
        .map_err(|e| fail("topic", e))?;
    loaded.topics += 1;

    let today = local_day(state.clock.unix());
    let at = |days: i64, time: &str| -> anyhow::Result<i64> {
        let day = today + chrono::Duration::days(days);
        Ok(day_start(day) + minutes_of(time)? * 60)
    };
    let mut articles: Vec<&ArticleData> = content.articles.iter().collect();
    // Oldest first, so ids (the lists' order) follow the publication dates; scheduled last.
    articles.sort_by_key(|a| a.in_days.unwrap_or(-a.days_ago.unwrap_or(0)));
    for a in articles {
        let draft = Draft {
            title: a.title.clone(),
            summary: a.summary.clone(),
            body_markdown: a.body.clone(),
            source_line: a.source.clone(),
            street: a.scope.as_deref().map(|s| places.street(s)).transpose()?,
            topic_ids: if a.topic { vec![topic.id] } else { Vec::new() },
            street_ids: a.streets.iter().map(|s| places.street(s).map(|id| id.0)).collect::<anyhow::Result<_>>()?,
        };
        let (author, publisher) = (writer(&a.author)?, writer(&a.publisher)?);
        let id = news::create(state, author, draft).await.map_err(|e| fail(&a.title, e))?.article.id;
        news::transition(state, author, id, ArticleState::Review, None).await.map_err(|e| fail(&a.title, e))?;
        match (a.days_ago, a.in_days) {
            (Some(days), None) => {
                news::transition(state, publisher, id, ArticleState::Published, None)
                    .await
                    .map_err(|e| fail(&a.title, e))?;
                backdate(state, id, at(-days, &a.time)?).await?;
                loaded.published += 1;
            }
            (None, Some(days)) => {
                let when = Some(at(days, &a.time)?);
                news::transition(state, publisher, id, ArticleState::Published, when)
                    .await
                    .map_err(|e| fail(&a.title, e))?;
                loaded.scheduled += 1;
            }
            _ => bail!("demo article {}: give days_ago or in_days", a.title),
        }
    }

    let organiser = writer("organiser")?;
    let publicity = places.department(PUBLICITY)?;
    for e in &content.events {
        let (venue, street) = places.venue(&e.venue)?;
        let new = NewEvent {
            title: e.title.clone(),
            kind: EventKind::parse(&e.kind).with_context(|| format!("demo event kind {}", e.kind))?,
            description: e.description.clone(),
            campaign: content.topic.title.clone(),
            department_id: Some(publicity),
            street_id: Some(street.0),
            members_only: false,
        };
        let id = events::create(state, organiser, new).await.map_err(|err| fail(&e.title, err))?;
        let times = e.in_days.iter().map(|d| at(*d, &e.time).map(|s| (s, s + e.minutes * 60)));
        let sessions = NewOfferings {
            times: times.collect::<anyhow::Result<_>>()?,
            places: vec![Some(venue)],
            online_url: None,
            terms: Terms { capacity: Some(e.capacity), ..Terms::default() },
        };
        let plan = Plan { sessions, rrule: None };
        loaded.sessions +=
            events::add_sessions(state, organiser, id, plan).await.map_err(|err| fail(&e.title, err))?.len();
        loaded.events += 1;
    }

    // A service with a department is run by that department's organisers; the district's
    // admin runs every one, so one account makes them all.
    let admin = writer("district_admin")?;
    for s in &content.services {
        let new = NewService {
            name: s.name.clone(),
            description: s.description.clone(),
            real_name_required: s.real_name_required,
            department_id: s.department.as_deref().map(|d| places.department(d)).transpose()?,
        };
        let id = appointments::create_service(state, admin, new).await.map_err(|e| fail(&s.name, e))?;
        let (start, end) = (minutes_of(&s.start)?, minutes_of(&s.end)?);
        let mut times = Vec::new();
        for day in &s.in_days {
            let midnight = at(*day, "00:00")?;
            times.extend(
                (start..end)
                    .step_by(usize::try_from(s.minutes)?)
                    .filter(|m| m + s.minutes <= end)
                    .map(|m| (midnight + m * 60, midnight + (m + s.minutes) * 60)),
            );
        }
        for v in &s.venues {
            let slots = NewOfferings {
                times: times.clone(),
                places: vec![Some(places.venue(v)?.0)],
                online_url: None,
                terms: Terms { capacity: Some(s.capacity), waitlist: false, ..Terms::default() },
            };
            loaded.slots += appointments::create_slots(state, admin, id, &slots, Vec::new())
                .await
                .map_err(|e| fail(&s.name, e))?
                .len();
        }
        loaded.services += 1;
    }
    loaded.cases = super::cases::load(state, &writers, &places, &content.cases).await?;
    Ok(Some(loaded))
}

/// Dates a just-published demo article back to `at`. Publishing stamps the time it happens;
/// the demo wants a newsroom that has been writing for weeks. Only the date moves: the audit
/// entries keep the true time of loading.
async fn backdate(state: &AppState, article: i64, at: i64) -> anyhow::Result<()> {
    sqlx::query("update news_articles set published_at = $1 where article_id = $2 and state = 'published'")
        .bind(at)
        .bind(article)
        .execute(&mut *state.db.conn().await?)
        .await?;
    Ok(())
}

/// `HH:MM` as minutes after midnight.
fn minutes_of(time: &str) -> anyhow::Result<i64> {
    let t = chrono::NaiveTime::parse_from_str(time, "%H:%M").with_context(|| format!("demo time {time}"))?;
    Ok(i64::from(chrono::Timelike::num_seconds_from_midnight(&t)) / 60)
}

/// The demo accounts that write, signed in as themselves.
pub(super) async fn writers(state: &AppState) -> anyhow::Result<HashMap<&'static str, CurrentUser>> {
    let mut conn = state.db.conn().await?;
    let mut out = HashMap::new();
    for (name, role) in WRITERS {
        let phone = super::demo_phone(role);
        let index = state.keys.phone_index(phone);
        let id = crate::accounts::user_id_by_phone(&mut conn, &index)
            .await?
            .with_context(|| format!("demo account {phone} missing: load the demo accounts first"))?;
        let user = crate::accounts::credentials::sessions::load_user(&mut conn, id)
            .await?
            .with_context(|| format!("demo account {phone} disabled"))?;
        out.insert(name, user);
    }
    Ok(out)
}

/// The district's places and departments by name.
pub(super) struct Places {
    streets: HashMap<String, StreetId>,
    communities: HashMap<String, crate::ids::CommunityId>,
    venues: HashMap<String, (i64, StreetId)>,
    coords: HashMap<String, (f64, f64)>,
    departments: HashMap<String, i64>,
}

impl Places {
    async fn read(state: &AppState) -> anyhow::Result<Self> {
        let mut conn = state.db.conn().await?;
        let streets = org::list_streets(&mut conn, None, 0, 1000).await?.into_iter().map(|s| (s.name, s.id)).collect();
        let all = org::list_venues(&mut conn, org::VenueFilter::default(), 0, 100_000).await?;
        let coords = all.iter().filter_map(|v| Some((v.name.clone(), (v.lat?, v.lng?)))).collect();
        let venues = all.into_iter().map(|v| (v.name, (v.id.0, v.street_id))).collect();
        let communities =
            org::list_communities(&mut conn, None, 0, 10_000).await?.into_iter().map(|c| (c.name, c.id)).collect();
        let departments =
            org::list_departments(&mut conn, 0, 10_000).await?.into_iter().map(|d| (d.name, d.id.0)).collect();
        Ok(Self { streets, communities, venues, coords, departments })
    }

    fn street(&self, name: &str) -> anyhow::Result<StreetId> {
        self.streets.get(name).copied().with_context(|| format!("no street {name} in the reference data"))
    }

    fn venue(&self, name: &str) -> anyhow::Result<(i64, StreetId)> {
        self.venues.get(name).copied().with_context(|| format!("no venue {name} in the reference data"))
    }

    /// A venue's coordinates, if the reference data gives them; an error if there is no such venue.
    pub(super) fn coords(&self, name: &str) -> anyhow::Result<Option<(f64, f64)>> {
        self.venue(name)?;
        Ok(self.coords.get(name).copied())
    }

    pub(super) fn community(&self, name: &str) -> anyhow::Result<crate::ids::CommunityId> {
        self.communities.get(name).copied().with_context(|| format!("no community {name} in the reference data"))
    }

    pub(super) fn department(&self, name: &str) -> anyhow::Result<i64> {
        self.departments.get(name).copied().with_context(|| format!("no department {name}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_content_parses_and_names_only_real_streets_and_marks_itself() {
        let content = content().unwrap();
        let streets = super::super::street_names().unwrap();
        assert!((8..=12).contains(&content.articles.len()));
        for a in &content.articles {
            assert!(a.source.ends_with("（演示内容）"), "{}", a.title);
            assert!(a.summary.contains("演示内容") && a.body.contains("演示内容"), "{}", a.title);
            for s in a.streets.iter().chain(&a.scope) {
                assert!(streets.contains_key(s), "{s}");
            }
        }
        for e in &content.events {
            assert!(e.description.contains("演示内容"), "{}", e.title);
        }
        for s in &content.services {
            assert!(s.description.contains("演示内容"), "{}", s.name);
        }
        for c in &content.cases {
            assert!(c.description.contains("演示内容"), "{}", c.description);
        }
        assert_eq!(minutes_of("08:30").unwrap(), 510);
    }
}
