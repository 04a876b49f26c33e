//! View structs of the resident's case pages, and the look-ups that turn ids into names for
//! them (also for the case page and the staff queue, `case_views`): the three-screen report and
//! the resident's list of reports.
//!
//! The report's screens carry the answers so far in the form itself (hidden fields), so every
//! screen works with plain HTML forms and going back loses nothing.

use std::sync::Arc;

use serde::Deserialize;

use crate::app::AppState;
use crate::cases::addons;
use crate::cases::filing::{Reserved, menu};
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
use crate::web::i18n::{LocalName, Locale};

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

/// A category as screen 1 offers it: one tap picks it.
pub struct Choice {
    /// Category id.
    pub id: String,
    /// Its plain name, in the page's language.
    pub name: LocalName,
    /// Its pinyin keys for the filtering script ("zhandaojingying zdjy").
    pub keys: String,
    /// Its icon (common problems only; empty otherwise).
    pub icon: &'static str,
    /// The draft's category already.
    pub chosen: bool,
}

/// A heading of screen 1 with its categories.
pub struct CategoryGroup {
    /// The heading, in the resident's words.
    pub name: LocalName,
    /// Its categories.
    pub options: Vec<Choice>,
}

/// What the report's screens look ids up in: the categories and the district's structure.
pub struct Lookup {
    categories: Vec<Category>,
    /// The registered add-ons (one of them may place a report's position on a map).
    addons: Vec<&'static dyn addons::CaseAddon>,
    structure: Arc<Structure>,
    /// Kinds an add-on's own intake files (`addons::CaseAddon::reserved_kind`).
    reserved: Vec<Reserved>,
}

impl Lookup {
    /// Loads the categories and the (cached) structure.
    pub async fn load(state: &AppState) -> AppResult<Self> {
        let categories = store::categories(&mut *state.db.conn().await?).await?;
        Ok(Self {
            categories,
            structure: state.structure.get(state).await?,
            reserved: addons::reserved(state),
            addons: addons::registered(state).collect(),
        })
    }

    fn minor(&self, id: &str) -> Option<&Category> {
        let id: i64 = id.trim().parse().ok()?;
        // A reserved kind (assistance items) is filed through its own intake, not reported.
        self.categories
            .iter()
            .find(|c| c.id == id && c.parent_code.is_some() && !self.reserved.iter().any(|r| r.kind == c.kind))
    }

    /// A category's name as residents and staff read it: the minor's own name ("占道经营"),
    /// without the standard's major (the title of a case, the lists), in the page's language.
    pub fn category_name(&self, locale: Locale, id: i64) -> LocalName {
        self.categories.iter().find(|c| c.id == id).map(|c| local_name(locale, c)).unwrap_or_default()
    }

    /// The department a category's cases go to first, if it names one.
    pub fn department_of(&self, category: i64) -> Option<crate::ids::DepartmentId> {
        self.categories.iter().find(|c| c.id == category).and_then(|c| c.department_id)
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

    /// One report screen; `query` narrows screen 1 to the categories it finds.
    pub fn page(&self, ctx: Ctx, screen: Screen, draft: Draft, errors: Errors, query: &str) -> ReportPage {
        let kind = self.kind(&draft);
        let q = menu::normalise(query);
        let offered: Vec<&Category> = self
            .categories
            .iter()
            .filter(|c| c.parent_code.is_some() && c.kind == kind && self.minor(&c.id.to_string()).is_some())
            .collect();
        let choice = |c: &Category| Choice {
            id: c.id.to_string(),
            name: local_name(ctx.locale, c),
            // The filtering script finds a problem by its English name too, on either page.
            keys: format!("{} {}", menu::Keys::of(&c.name).attr(), english_keys(c)),
            icon: menu::icon_of(&c.code).unwrap_or_default(),
            chosen: c.id.to_string() == draft.category_id.trim(),
        };
        let common: Vec<Choice> = menu::COMMON
            .iter()
            .filter_map(|(code, _)| offered.iter().find(|c| c.code == *code))
            .map(|c| choice(c))
            .collect();
        // The resident's headings first, in their order; then any major they do not cover
        // (residents' requests, a major the back office adds) under its own name.
        let mut groups: Vec<CategoryGroup> = menu::GROUPS
            .iter()
            .map(|(key, _)| CategoryGroup {
                name: LocalName { text: ctx.t(key).to_owned(), zh: false },
                options: Vec::new(),
            })
            .collect();
        for c in &offered {
            let keys = menu::Keys::of(&c.name);
            if !menu::matches(&c.name, &keys, &q) && !english_keys(c).contains(q.as_str()) {
                continue;
            }
            let at = match menu::group_of(&c.code).and_then(|key| menu::GROUPS.iter().position(|(k, _)| *k == key)) {
                Some(i) => i,
                None => {
                    let major = self.categories.iter().find(|m| Some(&m.code) == c.parent_code.as_ref());
                    let name = major.map(|m| ctx.name(&m.name, m.name_en.as_deref())).unwrap_or_default();
                    match groups.iter().position(|g| g.name == name) {
                        Some(i) => i,
                        None => {
                            groups.push(CategoryGroup { name, options: Vec::new() });
                            groups.len() - 1
                        }
                    }
                }
            };
            groups[at].options.push(choice(c));
        }
        groups.retain(|g| !g.options.is_empty());
        let found: Option<usize> = (!q.is_empty()).then(|| groups.iter().map(|g| g.options.len()).sum());
        let search_status = match found {
            Some(0) => ctx.t("report_page.search_none").to_owned(),
            Some(n) => ctx.tf("report_page.search_found", &[("n", &n.to_string())]),
            None => String::new(),
        };
        let communities = community_groups(&ctx, &self.structure, true, |_| true);
        let fields = vec![
            Field::select("community_id", "field.community", draft.community_id.clone(), communities)
                .hint("report_page.community_hint"),
            Field::text("address", "report_page.address", draft.address.clone()).hint("report_page.address_hint"),
        ];
        let category = self.minor(&draft.category_id).map(|c| self.category_name(ctx.locale, c.id)).unwrap_or_default();
        let (photos, position) = match screen {
            Screen::Confirm => (
                crate::cases::photos::report_service::tokens(&draft.photos)
                    .enumerate()
                    .map(|(i, t)| {
                        let alt = ctx.tf("report_page.photo_alt", &[("n", &(i + 1).to_string())]);
                        (format!("/report/photos/{t}"), alt)
                    })
                    .collect(),
                self.position(&ctx, &draft),
            ),
            _ => (Vec::new(), None),
        };
        let place = self.place(draft.community_id.trim().parse().ok().map(CommunityId));
        ReportPage {
            ctx,
            screen,
            draft,
            errors,
            common,
            groups,
            query: query.trim().to_owned(),
            found,
            search_status,
            fields,
            category,
            place,
            kind,
            photos,
            position,
        }
    }

    /// Where the draft's position is: the nearest community and the district's map, from the
    /// add-on that draws it; None without a position (or without such an add-on).
    fn position(&self, ctx: &Ctx, draft: &Draft) -> Option<Position> {
        let coords = draft.to_new_case().coords.filter(|c| crate::cases::model::valid_coords(*c))?;
        let located = self.addons.iter().find_map(|a| a.locate(ctx, &self.structure, coords))?;
        let nearest = match self.place(located.community) {
            p if p.is_empty() => ctx.t("report_page.position_found").to_owned(),
            p => ctx.tf("report_page.near", &[("place", &p)]),
        };
        Some(Position { nearest, map: located.map })
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

/// A report's position on screen 3.
pub struct Position {
    /// "Near 香港中路街道 · 五四广场社区", or that the position was found when no community is near.
    pub nearest: String,
    /// The district's map with the point marked (HTML from the add-on's template).
    pub map: String,
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
    /// Screen 1: the common problems, with their icons (not while searching).
    pub common: Vec<Choice>,
    /// Screen 1: every category under the resident's headings (those found, when searching).
    pub groups: Vec<CategoryGroup>,
    /// Screen 1: the search as typed.
    pub query: String,
    /// Screen 1: how many categories the search found (None: no search).
    pub found: Option<usize>,
    /// Screen 1: what the search found, in words (empty: no search).
    pub search_status: String,
    /// Screen 3: the attached photos' addresses (`/report/photos/{token}`) and alt texts.
    pub photos: Vec<(String, String)>,
    /// Screen 3: where the phone put the problem, on the district's map, when it gave a position.
    pub position: Option<Position>,
    /// Screen 2: community and address.
    pub fields: Vec<Field>,
    /// The chosen category's name (screens 2 and 3).
    pub category: LocalName,
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
    pub category: LocalName,
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

impl Lookup {
    /// Rows of the resident's own list, dated in `ctx`'s language.
    pub fn my_rows(&self, ctx: &Ctx, cases: Vec<Case>) -> Vec<MyCaseRow> {
        cases
            .into_iter()
            .map(|c| MyCaseRow {
                id: c.id,
                category: self.category_name(ctx.locale, c.category_id),
                state: c.state,
                filed: ctx.when(c.created_at),
            })
            .collect()
    }
}

/// A category's name for `locale`: its English name on English pages, else its plain Chinese
/// name (marked so, see [`LocalName`]).
pub fn local_name(locale: Locale, c: &Category) -> LocalName {
    LocalName::pick(locale, &menu::plain_name(&c.name), c.name_en.as_deref())
}

/// What a search compares a category's English name with: lowercase, without spaces (as
/// `menu::normalise` leaves a query), so "vending" and "Street vending" find 占道经营.
fn english_keys(c: &Category) -> String {
    c.name_en.as_deref().unwrap_or_default().to_lowercase().split_whitespace().collect()
}
