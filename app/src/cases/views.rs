//! View structs of the case pages, and the look-ups that turn ids into names for them: the
//! resident's three-screen report, their list of reports, one case with its timeline and the
//! forms of the actions the viewer may take, and the staff queue.
//!
//! The report's screens carry the answers so far in the form itself (hidden fields), so every
//! screen works with plain HTML forms and going back loses nothing.

use std::sync::Arc;

use serde::Deserialize;

use crate::app::AppState;
use crate::cases::addons;
use crate::cases::filing::Reserved;
use crate::cases::model::Case;
use crate::cases::service::NewCase;
use crate::cases::store::{self, Category};
use crate::cases::workflow::State;
use crate::error::{AppResult, FieldError};
use crate::ids::CommunityId;
use crate::org::cache::Structure;
use crate::web::Ctx;
use crate::web::backoffice::{Field, Opt, OptGroup};
use crate::web::forms::Errors;

// The service's limits, checked here already so that nobody reaches the confirm screen only
// to be refused (the service checks again when filing).
use crate::cases::service::{MAX_ADDRESS, MAX_TEXT as MAX_DESCRIPTION};

/// A report's answers so far, as the forms send them (all text: a screen shows back exactly
/// what was typed, even when it does not parse).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Draft {
    /// Minor category id.
    #[serde(default)]
    pub category_id: String,
    /// What is wrong.
    #[serde(default)]
    pub description: String,
    /// Community id, or empty.
    #[serde(default)]
    pub community_id: String,
    /// Address or landmark.
    #[serde(default)]
    pub address: String,
    /// `1` when the reporter's name is not to be shown.
    #[serde(default)]
    pub anonymous: String,
    /// Which categories screen 1 offers: `city` problems or the resident's own `request`s
    /// (empty: those of the chosen category, else city problems).
    #[serde(default)]
    pub kind: String,
    /// Latitude from the browser's geolocation, or empty.
    #[serde(default)]
    pub lat: String,
    /// Longitude, with `lat`.
    #[serde(default)]
    pub lng: String,
    /// Photos uploaded on screen 2, as signed tokens (see `photos::report_service`).
    #[serde(default)]
    pub photos: String,
}

impl Draft {
    /// How many photos the report carries.
    pub fn photo_count(&self) -> usize {
        crate::cases::photos::report_service::tokens(&self.photos).count()
    }

    /// Whether the browser gave a position.
    pub fn has_position(&self) -> bool {
        !self.lat.trim().is_empty() && !self.lng.trim().is_empty()
    }

    /// The reporter asked not to be named.
    pub fn is_anonymous(&self) -> bool {
        !self.anonymous.is_empty()
    }

    /// The case to file. Text that is not an id becomes an id nothing has, so the service
    /// refuses it next to its field instead of silently dropping it.
    pub fn to_new_case(&self) -> NewCase {
        let community = self.community_id.trim();
        // Coordinates that do not parse are dropped: the community and address still place it.
        let coords = self.lat.trim().parse::<f64>().ok().zip(self.lng.trim().parse::<f64>().ok());
        NewCase {
            coords,
            patrol_id: None,
            category_id: self.category_id.trim().parse().unwrap_or(0),
            description: self.description.clone(),
            community_id: (!community.is_empty()).then(|| CommunityId(community.parse().unwrap_or(0))),
            address: self.address.clone(),
            anonymous: self.is_anonymous(),
        }
    }
}

/// Which of the report's screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// 1: the category.
    Category,
    /// 2: what and where.
    Describe,
    /// 3: check and submit.
    Confirm,
}

impl Screen {
    /// The screen that shows these field errors: the category's own, or the description's.
    pub fn for_errors(errors: &[FieldError]) -> Self {
        if errors.iter().any(|e| e.field == "category_id") { Screen::Category } else { Screen::Describe }
    }

    /// "Step 1 of 3: …".
    pub fn key(self) -> &'static str {
        match self {
            Screen::Category => "report_page.step_category",
            Screen::Describe => "report_page.step_describe",
            Screen::Confirm => "report_page.step_confirm",
        }
    }
}

/// A major category with its minors, as a group of radio options.
pub struct CategoryGroup {
    /// The major's name.
    pub name: String,
    /// (id, name) of its minors.
    pub options: Vec<(String, String)>,
}

/// What the report's screens look ids up in: the categories and the district's structure.
pub struct Lookup {
    categories: Vec<Category>,
    structure: Arc<Structure>,
    /// Kinds an add-on's own intake files (`addons::CaseAddon::reserved_kind`).
    reserved: Vec<Reserved>,
}

impl Lookup {
    /// Loads the categories and the (cached) structure.
    pub async fn load(state: &AppState) -> AppResult<Self> {
        let categories = store::categories(&mut *state.db.conn().await?).await?;
        Ok(Self { categories, structure: state.structure.get(state).await?, reserved: addons::reserved(state) })
    }

    fn minor(&self, id: &str) -> Option<&Category> {
        let id: i64 = id.trim().parse().ok()?;
        // A reserved kind (assistance items) is filed through its own intake, not reported.
        self.categories
            .iter()
            .find(|c| c.id == id && c.parent_code.is_some() && !self.reserved.iter().any(|r| r.kind == c.kind))
    }

    /// "市容环境 · 私搭乱建" for a minor category's id.
    pub fn category_name(&self, id: i64) -> String {
        let Some(c) = self.categories.iter().find(|c| c.id == id) else { return String::new() };
        match self.categories.iter().find(|m| Some(&m.code) == c.parent_code.as_ref()) {
            Some(major) => format!("{} · {}", major.name, c.name),
            None => c.name.clone(),
        }
    }

    /// "香港中路街道 · 云霄路社区"; empty when unknown.
    pub fn place(&self, community: Option<CommunityId>) -> String {
        for b in &self.structure.blocks {
            if let Some(c) = b.communities.iter().find(|c| Some(c.id) == community) {
                return format!("{} · {}", b.street.name, c.name);
            }
        }
        String::new()
    }

    /// Where a case is: its community with its street, or its street alone.
    pub fn case_place(&self, case: &Case) -> String {
        match self.place(case.community_id) {
            p if p.is_empty() => self
                .structure
                .blocks
                .iter()
                .find(|b| Some(b.street.id) == case.street_id)
                .map(|b| b.street.name.clone())
                .unwrap_or_default(),
            p => p,
        }
    }

    /// The category's own problems (screen 1).
    pub fn check_category(&self, draft: &Draft) -> Vec<FieldError> {
        match self.minor(&draft.category_id) {
            Some(_) => Vec::new(),
            None if draft.category_id.trim().is_empty() => {
                vec![FieldError { field: "category_id", key: "report_page.choose_category" }]
            }
            None => vec![FieldError { field: "category_id", key: "form.choice_invalid" }],
        }
    }

    /// Everything the service would refuse, before showing the confirmation (the service
    /// checks again when filing: this only saves the resident a wasted screen).
    pub fn check(&self, draft: &Draft) -> Vec<FieldError> {
        let mut errors = self.check_category(draft);
        let description = draft.description.trim();
        if description.is_empty() {
            errors.push(FieldError { field: "description", key: "form.required" });
        } else if description.chars().count() > MAX_DESCRIPTION {
            errors.push(FieldError { field: "description", key: "form.text_too_long" });
        }
        let community = draft.community_id.trim();
        if !community.is_empty() && self.place(community.parse().ok().map(CommunityId)).is_empty() {
            errors.push(FieldError { field: "community_id", key: "form.choice_invalid" });
        }
        if draft.address.chars().count() > MAX_ADDRESS {
            errors.push(FieldError { field: "address", key: "form.address_invalid" });
        }
        let photos = crate::cases::photos::report_service::tokens(&draft.photos).count();
        if photos == 0 && self.minor(&draft.category_id).is_some_and(|c| c.photos_required) {
            errors.push(FieldError { field: "photo", key: "report_page.photo_required" });
        }
        errors
    }

    /// Which categories screen 1 offers: the kind asked for, else the chosen category's, else
    /// city problems (what the inspector and the back office file too).
    pub fn kind(&self, draft: &Draft) -> &'static str {
        use crate::cases::store::{KIND_CITY, KIND_REQUEST};
        match draft.kind.as_str() {
            KIND_REQUEST => KIND_REQUEST,
            KIND_CITY => KIND_CITY,
            _ if self.minor(&draft.category_id).is_some_and(|c| c.kind == KIND_REQUEST) => KIND_REQUEST,
            _ => KIND_CITY,
        }
    }

    /// One report screen.
    pub fn page(&self, ctx: Ctx, screen: Screen, draft: Draft, errors: Errors) -> ReportPage {
        let kind = self.kind(&draft);
        let groups = self
            .categories
            .iter()
            .filter(|m| m.parent_code.is_none() && m.kind == kind)
            .map(|m| CategoryGroup {
                name: m.name.clone(),
                options: self
                    .categories
                    .iter()
                    .filter(|c| c.parent_code.as_ref() == Some(&m.code))
                    .map(|c| (c.id.to_string(), c.name.clone()))
                    .collect(),
            })
            .filter(|g| !g.options.is_empty())
            .collect();
        let communities = community_groups(&ctx, &self.structure, true, |_| true);
        let fields = vec![
            Field::select("community_id", "field.community", draft.community_id.clone(), communities)
                .hint("report_page.community_hint"),
            Field::text("address", "report_page.address", draft.address.clone()).hint("report_page.address_hint"),
        ];
        let category = self.minor(&draft.category_id).map(|c| self.category_name(c.id)).unwrap_or_default();
        let place = self.place(draft.community_id.trim().parse().ok().map(CommunityId));
        ReportPage { ctx, screen, draft, errors, groups, fields, category, place, kind }
    }
}

/// The communities as select options grouped by street, so people find theirs under their street:
/// only the streets `keep` accepts, after a "not sure" choice when `with_none`.
pub fn community_groups(
    ctx: &Ctx,
    structure: &Structure,
    with_none: bool,
    keep: impl Fn(crate::ids::StreetId) -> bool,
) -> Vec<OptGroup> {
    let none = Opt { value: String::new(), label: ctx.t("report_page.community_none").into() };
    let first = with_none.then(|| OptGroup { label: None, options: vec![none] });
    let streets =
        structure.blocks.iter().filter(|b| !b.communities.is_empty() && keep(b.street.id)).map(|b| OptGroup {
            label: Some(b.street.name.clone()),
            options: b.communities.iter().map(|c| Opt { value: c.id.to_string(), label: c.name.clone() }).collect(),
        });
    first.into_iter().chain(streets).collect()
}

/// A screen of the report.
#[derive(askama::Template)]
#[template(path = "cases/report.html")]
pub struct ReportPage {
    /// Page context.
    pub ctx: Ctx,
    /// Which screen.
    pub screen: Screen,
    /// The answers so far.
    pub draft: Draft,
    /// Errors of the last step.
    pub errors: Errors,
    /// Screen 1: the categories.
    pub groups: Vec<CategoryGroup>,
    /// Screen 2: community and address.
    pub fields: Vec<Field>,
    /// The chosen category's name (screens 2 and 3).
    pub category: String,
    /// The chosen community with its street (screen 3).
    pub place: String,
    /// Screen 1 offers `city` problems or `request`s.
    pub kind: &'static str,
}

/// One of my reports.
pub struct MyCaseRow {
    /// Case id.
    pub id: i64,
    /// Category name.
    pub category: String,
    /// State.
    pub state: State,
    /// Filed at, district time.
    pub filed: String,
}

/// My reports.
#[derive(askama::Template)]
#[template(path = "cases/mine.html")]
pub struct MyCasesPage {
    /// Page context.
    pub ctx: Ctx,
    /// Newest first.
    pub rows: Vec<MyCaseRow>,
}

/// One case in the staff queue.
pub struct QueueRow {
    /// Case id.
    pub id: i64,
    /// Category name.
    pub category: String,
    /// Street · community.
    pub place: String,
    /// State.
    pub state: State,
    /// Deadline, district time (empty before dispatch).
    pub deadline: String,
    /// Past its deadline.
    pub overdue: bool,
    /// Escalated.
    pub escalated: bool,
}

/// The staff queue.
#[derive(askama::Template)]
#[template(path = "cases/queue.html")]
pub struct QueuePage {
    /// Page context.
    pub ctx: Ctx,
    /// Filter fields (a GET form).
    pub filters: Vec<Field>,
    /// The overdue box is ticked.
    pub overdue: bool,
    /// Cases.
    pub rows: Vec<QueueRow>,
    /// The viewer's queue counts and other work pages (the queue is a start page).
    pub strip: crate::authz::start::Strip,
}

impl Lookup {
    /// Rows of the resident's own list.
    pub fn my_rows(&self, cases: Vec<Case>) -> Vec<MyCaseRow> {
        cases
            .into_iter()
            .map(|c| MyCaseRow {
                id: c.id,
                category: self.category_name(c.category_id),
                state: c.state,
                filed: crate::clock::format_local(c.created_at),
            })
            .collect()
    }

    /// The queue page: filters as submitted, rows of the cases found.
    pub fn queue(&self, ctx: Ctx, filter: (&str, bool, &str), cases: Vec<Case>, now: i64) -> QueuePage {
        let (state, overdue, sort) = filter;
        let mut states = vec![Opt { value: String::new(), label: ctx.t("cases_manage.all_states").into() }];
        states.extend(State::ALL.iter().map(|s| Opt { value: s.as_str().into(), label: ctx.t(s.key()).into() }));
        let sorts = [("newest", "cases_manage.sort_newest"), ("deadline", "cases_manage.sort_deadline")]
            .into_iter()
            .map(|(value, key)| Opt { value: value.into(), label: ctx.t(key).into() })
            .collect();
        let filters = vec![
            Field::select("state", "cases_manage.state", state, vec![OptGroup { label: None, options: states }]),
            Field::select("sort", "cases_manage.sort", sort, vec![OptGroup { label: None, options: sorts }]),
        ];
        let rows = cases
            .into_iter()
            .map(|c| QueueRow {
                id: c.id,
                category: self.category_name(c.category_id),
                place: self.case_place(&c),
                state: c.state,
                deadline: c.deadline_at.map(crate::clock::format_local).unwrap_or_default(),
                overdue: c.overdue(now),
                escalated: c.escalated,
            })
            .collect();
        QueuePage { ctx, filters, overdue, rows, strip: Default::default() }
    }
}
