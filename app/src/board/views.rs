//! View structs of the public board: the filters as submitted, the map, a page of the list,
//! and one public case. Names come from the categories and the (cached) district structure;
//! nothing here knows who reported a case.

use std::sync::Arc;

use serde::Deserialize;

use crate::app::AppState;
use crate::board::map::{self as board_map, Map};
use crate::board::store::{PublicCase, PublicStep};
use crate::cases::Category;
use crate::cases::workflow::State;
use crate::ids::{CommunityId, StreetId};
use crate::org::cache::Structure;
use crate::web::Ctx;
use crate::web::backoffice::{Field, Opt, OptGroup};
use crate::web::i18n::{LocalName, Locale};

/// Cases on one page of the list.
pub const PAGE_SIZE: i64 = 20;

/// The periods the board offers, in days.
const PERIODS: [(&str, &str); 4] =
    [("7", "board.period_7"), ("30", "board.period_30"), ("90", "board.period_90"), ("365", "board.period_365")];

/// The board's filters as the GET form sends them (all text: shown back as given).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BoardQuery {
    /// A major's code (two digits) or a minor's.
    #[serde(default)]
    pub category: String,
    /// `open`, `closed` or empty.
    #[serde(default)]
    pub state: String,
    /// A street id or empty.
    #[serde(default)]
    pub street: String,
    /// Days back, or empty for any time.
    #[serde(default)]
    pub period: String,
    /// Page of the list, from 1.
    #[serde(default)]
    pub page: String,
}

impl BoardQuery {
    /// Page number, from 1 (anything else is the first).
    pub fn page(&self) -> i64 {
        self.page.trim().parse::<i64>().ok().filter(|p| *p >= 1 && *p <= 10_000).unwrap_or(1)
    }

    /// Days back, when one of the offered periods.
    pub fn days(&self) -> Option<i64> {
        PERIODS.iter().find(|(d, _)| *d == self.period).and_then(|(d, _)| d.parse().ok())
    }

    /// The street, when a number.
    pub fn street_id(&self) -> Option<StreetId> {
        self.street.trim().parse().ok().map(StreetId)
    }

    /// The URL of page `page` with the same filters.
    pub fn url(&self, page: i64) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in
            [("category", &self.category), ("state", &self.state), ("street", &self.street), ("period", &self.period)]
        {
            if !v.is_empty() {
                q.append_pair(k, v);
            }
        }
        if page > 1 {
            q.append_pair("page", &page.to_string());
        }
        match q.finish() {
            s if s.is_empty() => "/board".to_owned(),
            s => format!("/board?{s}"),
        }
    }
}

/// Names for ids: places from the structure.
pub struct Names {
    structure: Arc<Structure>,
}

impl Names {
    /// From the structure.
    pub fn new(structure: Arc<Structure>) -> Self {
        Self { structure }
    }

    /// "私搭乱建": the category's own name, as the case core titles a case (the standard's
    /// major, such as 扩展事件, means nothing to the public).
    pub fn category(&self, locale: Locale, c: &PublicCase) -> LocalName {
        LocalName::pick(locale, &c.category, c.category_en.as_deref())
    }

    /// "香港中路街道 · 云霄路社区", or the street alone, or empty.
    pub fn place(&self, street: Option<StreetId>, community: Option<CommunityId>) -> String {
        let Some(block) = self.structure.blocks.iter().find(|b| Some(b.street.id) == street) else {
            return String::new();
        };
        match block.communities.iter().find(|c| Some(c.id) == community) {
            Some(c) => format!("{} · {}", block.street.name, c.name),
            None => block.street.name.clone(),
        }
    }

    /// The map of these cases over the district's communities.
    pub fn map(&self, ctx: &Ctx, cases: &[PublicCase]) -> Map {
        let points: Vec<board_map::Point> = cases
            .iter()
            .filter_map(|c| {
                let title = ctx.tf(
                    "board.point_title",
                    &[
                        ("category", &self.category(ctx.locale, c).text),
                        ("state", ctx.t(c.state.key())),
                        ("id", &c.id.to_string()),
                    ],
                );
                Some(board_map::Point { id: c.id, coords: c.coords?, state: c.state, title })
            })
            .collect();
        let mut map = district_map(&self.structure, &points);
        map.off_map += cases.len() - points.len();
        map
    }

    /// The filter fields: category (majors with their public minors), state, street, period.
    pub fn filters(&self, ctx: &Ctx, q: &BoardQuery, categories: &[Category]) -> Vec<Field> {
        let one = |value: &str, label: &str| Opt { value: value.to_owned(), label: label.to_owned() };
        let mut kinds = vec![OptGroup { label: None, options: vec![one("", ctx.t("board.all_categories"))] }];
        // Whatever its kind, a category is offered when the public may see it (its `public` flag).
        for major in categories.iter().filter(|c| c.parent_code.is_none()) {
            let minors: Vec<Opt> = categories
                .iter()
                .filter(|c| c.public && c.parent_code.as_ref() == Some(&major.code))
                .map(|c| one(&c.code, &ctx.name(&c.name, c.name_en.as_deref()).text))
                .collect();
            if minors.is_empty() {
                continue;
            }
            let major_name = ctx.name(&major.name, major.name_en.as_deref()).text;
            let mut options = vec![one(&major.code, &ctx.tf("board.all_of", &[("name", &major_name)]))];
            options.extend(minors);
            kinds.push(OptGroup { label: Some(major_name), options });
        }
        let states = vec![
            one("", ctx.t("board.any_state")),
            one("open", ctx.t("board.open")),
            one("closed", ctx.t("board.closed")),
        ];
        let mut streets = vec![one("", ctx.t("board.all_streets"))];
        streets.extend(self.structure.blocks.iter().map(|b| one(&b.street.id.to_string(), &b.street.name)));
        let mut periods = vec![one("", ctx.t("board.any_time"))];
        periods.extend(PERIODS.iter().map(|(days, key)| one(days, ctx.t(key))));
        let group = |options| vec![OptGroup { label: None, options }];
        vec![
            Field::select("category", "board.category", q.category.clone(), kinds),
            Field::select("state", "board.state", q.state.clone(), group(states)),
            Field::select("street", "board.street", q.street.clone(), group(streets)),
            Field::select("period", "board.period", q.period.clone(), group(periods)),
        ]
    }

    /// A row of the list, dated in `ctx`'s language.
    pub fn row(&self, ctx: &Ctx, c: &PublicCase) -> BoardRow {
        BoardRow {
            id: c.id,
            category: self.category(ctx.locale, c),
            state: c.state,
            class: board_map::class(c.state),
            place: self.place(c.street_id, c.community_id),
            filed: ctx.when(c.created_at),
            on_map: c.coords.is_some(),
        }
    }
}

/// The district's communities, streets and landmarks with these points, laid out (the board's
/// map, and a report's position before filing, `board::locate`).
pub fn district_map(structure: &Structure, points: &[board_map::Point]) -> Map {
    let blocks = &structure.blocks;
    let streets: Vec<(StreetId, String)> = blocks.iter().map(|b| (b.street.id, b.street.name.clone())).collect();
    let communities: Vec<board_map::Community> = blocks
        .iter()
        .flat_map(|b| b.communities.iter())
        .map(|c| board_map::Community { id: c.id, street: c.street_id, name: c.name.clone() })
        .collect();
    let landmarks: Vec<board_map::Landmark> = blocks
        .iter()
        .flat_map(|b| b.venues.iter())
        .filter_map(|v| {
            let coords = v.lat.zip(v.lng)?;
            Some(board_map::Landmark { street: v.street_id, community: v.community_id, coords })
        })
        .collect();
    board_map::layout(&streets, &communities, &landmarks, points)
}

/// One case in the list.
pub struct BoardRow {
    /// Case id.
    pub id: i64,
    /// The category's name.
    pub category: LocalName,
    /// State.
    pub state: State,
    /// Colour group of the state (as on the map).
    pub class: &'static str,
    /// Street · community.
    pub place: String,
    /// Filed at, district time.
    pub filed: String,
    /// Has a point on the map.
    pub on_map: bool,
}

/// The public board.
#[derive(askama::Template)]
#[template(path = "board/board.html")]
pub struct BoardPage {
    /// Page context.
    pub ctx: Ctx,
    /// Filter fields (a GET form).
    pub filters: Vec<Field>,
    /// The map of every case found (up to the map's limit).
    pub map: Map,
    /// The legend: (class, key).
    pub legend: &'static [(&'static str, &'static str)],
    /// This page of the list.
    pub rows: Vec<BoardRow>,
    /// "12 cases found".
    pub found: String,
    /// "Page 1 of 3".
    pub page_of: String,
    /// "2 cases are not on the map", when some are not.
    pub off_map: Option<String>,
    /// Link to the previous page.
    pub prev: Option<String>,
    /// Link to the next page.
    pub next: Option<String>,
}

/// A step on a public case's timeline.
pub struct BoardStep {
    /// When, district time.
    pub at: String,
    /// What happened.
    pub action_key: &'static str,
    /// The department it was sent to.
    pub department: Option<LocalName>,
}

impl BoardStep {
    /// From the stored step, named as the case page names it.
    pub fn new(state: &AppState, ctx: &Ctx, s: PublicStep) -> Self {
        Self {
            at: ctx.when(s.at),
            action_key: crate::cases::case_views::step_key(state, &s.action),
            department: s.department.map(|d| LocalName::pick(ctx.locale, &d, s.department_en.as_deref())),
        }
    }
}

/// One public case.
#[derive(askama::Template)]
#[template(path = "board/board_case.html")]
pub struct BoardCasePage {
    /// Page context.
    pub ctx: Ctx,
    /// The case.
    pub case: PublicCase,
    /// The category's name.
    pub category: LocalName,
    /// The department it is with.
    pub department: Option<LocalName>,
    /// Colour group of its state (as on the map).
    pub class: &'static str,
    /// Street · community.
    pub place: String,
    /// Filed at.
    pub filed: String,
    /// Deadline, once dispatched.
    pub deadline: Option<String>,
    /// Its timeline, oldest first.
    pub steps: Vec<BoardStep>,
    /// Reviewed photos: (image id, kind).
    pub photos: Vec<(i64, String)>,
}
