//! The whole district structure at once — streets, communities, departments — for filling
//! selects and naming places. The district has tens of streets and communities, so loading
//! them together is cheaper and simpler than asking for each name.

use crate::authz::{Grant, Scope};
use crate::db::Conn;
use crate::ids::{CommunityId, StreetId};
use crate::org::model::{Community, Department, Street};
use crate::org::store;
use crate::web::Ctx;
use crate::web::backoffice::{Opt, OptGroup};

/// Everything above the level of a venue.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    /// Streets, by id.
    pub streets: Vec<Street>,
    /// Communities, by id.
    pub communities: Vec<Community>,
    /// Departments, by id.
    pub departments: Vec<Department>,
}

const ALL: i64 = 100_000;

impl Directory {
    /// Loads it.
    pub async fn load(conn: &mut Conn) -> Result<Self, sqlx::Error> {
        Ok(Self {
            streets: store::list_streets(conn, None, 0, ALL).await?,
            communities: store::list_communities(conn, None, 0, ALL).await?,
            departments: store::list_departments(conn, 0, ALL).await?,
        })
    }

    /// Community options grouped by street, for the streets in `only` (all when None),
    /// after a first empty option labelled by `first_key` ("请选择", "无").
    pub fn community_options(
        &self,
        ctx: &Ctx,
        only: Option<&[StreetId]>,
        first_key: Option<&'static str>,
    ) -> Vec<OptGroup> {
        let mut groups = Vec::new();
        if let Some(key) = first_key {
            groups
                .push(OptGroup { label: None, options: vec![Opt { value: String::new(), label: ctx.t(key).into() }] });
        }
        for s in self.streets.iter().filter(|s| only.is_none_or(|ids| ids.contains(&s.id))) {
            let options: Vec<Opt> = self
                .communities
                .iter()
                .filter(|c| c.street_id == s.id)
                .map(|c| Opt { value: c.id.to_string(), label: c.name.clone() })
                .collect();
            if !options.is_empty() {
                groups.push(OptGroup { label: Some(s.name.clone()), options });
            }
        }
        groups
    }

    /// A street's name.
    pub fn street_name(&self, id: StreetId) -> Option<&str> {
        self.streets.iter().find(|s| s.id == id).map(|s| s.name.as_str())
    }

    /// A community's name.
    pub fn community_name(&self, id: CommunityId) -> Option<&str> {
        self.communities.iter().find(|c| c.id == id).map(|c| c.name.as_str())
    }

    /// "街道管理员 · 香港中路街道".
    pub fn describe(&self, ctx: &Ctx, g: &Grant) -> GrantText {
        // A department has an English name; streets and communities are place names.
        let name = match g.scope {
            Scope::District => None,
            Scope::Street(id) => self.street_name(id).map(|n| (n.to_owned(), true)),
            Scope::Community(id) => self.community_name(id).map(|n| (n.to_owned(), true)),
            Scope::Department(id) => self.departments.iter().find(|d| d.id == id).map(|d| {
                let n = ctx.name(&d.name, d.name_en.as_deref());
                (n.text, n.zh)
            }),
        };
        let (place, place_is_name) = name.unwrap_or_else(|| (ctx.t("scope.district").to_owned(), false));
        GrantText { role: ctx.t(g.role.label_key()).to_owned(), place, place_is_name }
    }
}

/// A grant as people read it: the role, and where it applies. The place is a street's,
/// community's or department's name (data in the district's language, which templates mark
/// `lang="zh-CN"`) or the translated word for the whole district.
#[derive(Debug, Clone)]
pub struct GrantText {
    /// The role's name, translated.
    pub role: String,
    /// Where it applies.
    pub place: String,
    /// Whether `place` is a name rather than translated wording.
    pub place_is_name: bool,
}

impl std::fmt::Display for GrantText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} · {}", self.role, self.place)
    }
}
