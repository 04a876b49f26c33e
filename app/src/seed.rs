//! Loading the district's real structure and the demo accounts; the demo's content (articles,
//! activities, services written for the demo) is in [`content`].
//!
//! Source: `data/shinan.json` (copied from the shared reference data): 市南区 with its 11
//! streets and 50 communities and their official codes (国家统计局 2023 统计用区划代码), and
//! landmark venues with approximate WGS84 coordinates. Each community gets its
//! 新时代文明实践站; their addresses and coordinates are not in the data, so they are left empty
//! rather than invented.

mod cases;
pub mod challenge;
pub mod content;
pub mod names_en;

use std::collections::HashMap;

use anyhow::Context as _;
use serde::Deserialize;

use crate::accounts::model::Phone;
use crate::accounts::service::{self, NewAccount, RESIDENT};
use crate::app::AppState;
use crate::audit::{self, Change};
use crate::authz::{Grant, Role, Scope};
use crate::crypto::random_token;
use crate::ids::{CommunityId, DepartmentId, StreetId};
use crate::org::model::{
    CommunityInput, DepartmentInput, DepartmentKind, District, StreetInput, VenueInput, VenueKind,
};
use crate::org::store;

/// The embedded reference data.
pub const SHINAN_JSON: &str = include_str!("../../data/shinan.json");

#[derive(Debug, Deserialize)]
struct Data {
    district: DistrictData,
    streets: Vec<StreetData>,
    venues: Vec<VenueData>,
}

#[derive(Debug, Deserialize)]
struct DistrictData {
    name: String,
    code: String,
    city: String,
    province: String,
    area_km2: Option<f64>,
    population_2020: Option<i64>,
    center: Center,
}

#[derive(Debug, Deserialize)]
struct Center {
    lat: f64,
    lng: f64,
}

#[derive(Debug, Deserialize)]
struct StreetData {
    code: String,
    name: String,
    communities: Vec<CommunityData>,
}

#[derive(Debug, Deserialize)]
struct CommunityData {
    code: String,
    name: String,
}

#[derive(Debug, Deserialize)]
struct VenueData {
    name: String,
    street: String,
    address: String,
    lat: Option<f64>,
    lng: Option<f64>,
}

/// The departments the district works with (from the brief), beside one office per street.
const DEPARTMENTS: [(&str, DepartmentKind); 6] = [
    ("区委宣传部", DepartmentKind::District),
    ("区教体局", DepartmentKind::District),
    ("区行政审批局", DepartmentKind::District),
    ("市南公安分局", DepartmentKind::Other),
    ("区综合行政执法局", DepartmentKind::District),
    ("区卫健局", DepartmentKind::District),
];

/// The department city-appearance cases go to first.
const ENFORCEMENT: &str = "区综合行政执法局";

/// Guesses a landmark's kind from its name; the data does not say.
fn venue_kind(name: &str) -> VenueKind {
    let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
    if has(&["博物馆", "故居", "旧址", "天后宫", "纪念馆"]) {
        VenueKind::Museum
    } else if has(&["大学", "学校", "中学", "小学"]) {
        VenueKind::School
    } else if has(&["广场"]) {
        VenueKind::Square
    } else if has(&["公园", "浴场", "风景区", "山", "栈桥", "帆船", "燕儿岛"]) {
        VenueKind::Park
    } else {
        VenueKind::Other
    }
}

/// Finds the street a landmark's free-text street field names first ("八大关街道（未核实）"),
/// and a community if the note names one ("（太平角社区）").
fn locate(
    text: &str,
    streets: &[(String, StreetId)],
    communities: &[(String, CommunityId, StreetId)],
) -> Option<(StreetId, Option<CommunityId>)> {
    let street = streets
        .iter()
        .filter_map(|(name, id)| text.find(name.as_str()).map(|pos| (pos, *id)))
        .min_by_key(|(pos, _)| *pos)
        .map(|(_, id)| id)?;
    let community =
        communities.iter().find(|(name, _, s)| *s == street && text.contains(name.as_str())).map(|(_, id, _)| *id);
    Some((street, community))
}

/// What [`structure`] loaded.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Streets.
    pub streets: usize,
    /// Communities.
    pub communities: usize,
    /// Venues.
    pub venues: usize,
    /// Departments.
    pub departments: usize,
    /// Case categories.
    pub categories: usize,
}

/// Loads the district's structure into an empty database. Returns None, changing nothing,
/// when a district is already there.
pub async fn structure(state: &AppState) -> anyhow::Result<Option<Loaded>> {
    let data: Data = serde_json::from_str(SHINAN_JSON).context("data/shinan.json is invalid")?;
    let now = state.clock.unix();
    let mut tx = state.db.begin().await?;
    if store::district(&mut tx).await?.is_some() {
        return Ok(None);
    }
    let d = &data.district;
    let district = District {
        id: crate::ids::DistrictId(0),
        code: d.code.clone(),
        name: d.name.clone(),
        city: d.city.clone(),
        province: d.province.clone(),
        population: d.population_2020,
        area_km2: d.area_km2,
    };
    let district_id = store::insert_district(&mut tx, &district, d.center.lat, d.center.lng, now).await?;
    let mut loaded = Loaded::default();
    let mut streets = Vec::new();
    let mut communities = Vec::new();
    for s in &data.streets {
        let street = store::insert_street(
            &mut tx,
            district_id,
            &StreetInput { code: s.code.clone(), name: s.name.clone() },
            now,
        )
        .await?;
        streets.push((s.name.clone(), street));
        loaded.streets += 1;
        for c in &s.communities {
            let input = CommunityInput { street_id: street, code: c.code.clone(), name: c.name.clone() };
            let community = store::insert_community(&mut tx, &input, now).await?;
            communities.push((c.name.clone(), community, street));
            let station = VenueInput {
                name: format!("{}新时代文明实践站", c.name),
                kind: VenueKind::PracticeStation,
                address: String::new(),
                coords: None,
                street_id: street,
                community_id: Some(community),
                capacity: None,
            };
            store::insert_venue(&mut tx, &station, now).await?;
            loaded.communities += 1;
            loaded.venues += 1;
        }
    }
    for v in &data.venues {
        let Some((street, community)) = locate(&v.street, &streets, &communities) else {
            tracing::warn!(venue = v.name, "landmark without a known street skipped");
            continue;
        };
        let input = VenueInput {
            name: v.name.clone(),
            kind: venue_kind(&v.name),
            address: v.address.clone(),
            coords: v.lat.zip(v.lng),
            street_id: street,
            community_id: community,
            capacity: None,
        };
        store::insert_venue(&mut tx, &input, now).await?;
        loaded.venues += 1;
    }
    let mut enforcement = None;
    let mut approval = None;
    for (name, kind) in DEPARTMENTS {
        let id = store::insert_department(
            &mut tx,
            &DepartmentInput { name: name.into(), name_en: None, kind, street_id: None },
            now,
        )
        .await?;
        if name == ENFORCEMENT {
            enforcement = Some(id);
        }
        if name == crate::enterprise::model::APPROVAL_DEPARTMENT {
            approval = Some(id);
        }
        loaded.departments += 1;
    }
    // City-appearance cases go to the law-enforcement bureau first; dispatchers redirect.
    let categories = crate::cases::settings::catalog::city_categories()?;
    loaded.categories =
        crate::cases::settings::service::seed_categories(&mut tx, &categories, enforcement, now).await?;
    // Enterprise assistance items go to the approval bureau, with their checklists.
    let items = &crate::enterprise::model::ITEMS;
    loaded.categories += crate::enterprise::store::seed(&mut tx, items, approval, now).await?;
    let (departments, requests) = request_categories(&mut tx, now).await?;
    (loaded.departments, loaded.categories) = (loaded.departments + departments, loaded.categories + requests);
    crate::cases::calendar::store::set_work_week(&mut tx, &crate::cases::calendar::model::WorkCalendar::office(), now)
        .await?;
    for (name, street) in &streets {
        let office = DepartmentInput {
            name: format!("{name}办事处"),
            name_en: None,
            kind: DepartmentKind::StreetOffice,
            street_id: Some(*street),
        };
        store::insert_department(&mut tx, &office, now).await?;
        loaded.departments += 1;
    }
    names_en::fill(&mut tx).await?;
    audit::record(&mut tx, now, None, "district.import", Change::new("district", district_id.0, None)).await?;
    tx.commit().await?;
    state.structure.invalidate().await;
    Ok(Some(loaded))
}

/// Seeds the residents' request categories (急难愁盼, kind `request`) with the departments
/// they go to first, adding those departments the district list lacks. Returns (departments
/// added, categories written).
async fn request_categories(tx: &mut crate::db::Conn, now: i64) -> anyhow::Result<(usize, usize)> {
    use crate::cases::settings::catalog::{self, REQUESTS};
    use crate::cases::store::KIND_REQUEST;
    let mut known: HashMap<String, DepartmentId> =
        store::list_departments(tx, 0, 10_000).await?.into_iter().map(|d| (d.name, d.id)).collect();
    let mut added = 0;
    for name in [catalog::CIVIL_AFFAIRS, catalog::HOUSING] {
        if !known.contains_key(name) {
            let input =
                DepartmentInput { name: name.into(), name_en: None, kind: DepartmentKind::District, street_id: None };
            known.insert(name.to_owned(), store::insert_department(tx, &input, now).await?);
            added += 1;
        }
    }
    let seeds = catalog::request_categories();
    for c in &seeds {
        let department =
            REQUESTS.iter().find(|r| r.code == c.code).and_then(|r| r.department).and_then(|n| known.get(n));
        sqlx::query(
            "insert into case_categories (code, name, parent_code, kind, department_id, time_limit, photos_required, \
             public, active, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)",
        )
        .bind(&c.code)
        .bind(&c.name)
        .bind(c.parent.as_deref())
        .bind(KIND_REQUEST)
        .bind(department.map(|d| d.0))
        .bind(c.limit.map(|l| l.as_code()))
        .bind(i64::from(c.photos_required))
        .bind(i64::from(c.public))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    Ok((added, seeds.len()))
}

/// A demo account, as printed at start.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    /// Phone.
    pub phone: &'static str,
    /// Name.
    pub name: &'static str,
    /// Role.
    pub role: Role,
    /// Where the role applies (a description).
    pub scope: String,
}

/// The phone number of the demo account of `role` (what the demo content signs in as, too).
pub fn demo_phone(role: Role) -> &'static str {
    match role {
        Role::DistrictAdmin => "13800000001",
        Role::StreetAdmin => "13800000002",
        Role::Organizer => "13800000003",
        Role::Editor => "13800000004",
        Role::Dispatcher => "13800000005",
        Role::Handler => "13800000006",
        Role::Inspector => "13800000007",
        Role::Enterprise => "13800000008",
        Role::Resident => "13800000009",
    }
}

/// Creates one account per role, all with one fresh random password, which is returned so it
/// can be printed once.
pub async fn demo_users(state: &AppState) -> anyhow::Result<(String, Vec<DemoAccount>)> {
    let mut conn = state.db.conn().await?;
    let streets = store::list_streets(&mut conn, None, 0, 1000).await?;
    let communities = store::list_communities(&mut conn, None, 0, 10_000).await?;
    let departments = store::list_departments(&mut conn, 0, 1000).await?;
    drop(conn);
    let street = streets.first().context("no streets loaded")?;
    let community = communities.iter().find(|c| c.street_id == street.id).context("no communities loaded")?;
    let dept = |name: &str| departments.iter().find(|d| d.name == name).map(|d| d.id).unwrap_or(DepartmentId(0));
    let plan: Vec<(&'static str, &'static str, Role, Scope, String)> = vec![
        (demo_phone(Role::DistrictAdmin), "区管理员", Role::DistrictAdmin, Scope::District, "市南区".into()),
        (demo_phone(Role::StreetAdmin), "街道管理员", Role::StreetAdmin, Scope::Street(street.id), street.name.clone()),
        (
            demo_phone(Role::Organizer),
            "活动组织者",
            Role::Organizer,
            Scope::Department(dept("区委宣传部")),
            "区委宣传部".into(),
        ),
        (demo_phone(Role::Editor), "编辑", Role::Editor, Scope::District, "市南区".into()),
        (demo_phone(Role::Dispatcher), "指挥中心", Role::Dispatcher, Scope::District, "市南区".into()),
        (
            demo_phone(Role::Handler),
            "执法队员",
            Role::Handler,
            Scope::Department(dept("区综合行政执法局")),
            "区综合行政执法局".into(),
        ),
        (demo_phone(Role::Inspector), "网格员", Role::Inspector, Scope::Street(street.id), street.name.clone()),
        (demo_phone(Role::Enterprise), "企业用户", Role::Enterprise, Scope::District, "市南区".into()),
        (demo_phone(Role::Resident), "居民", Role::Resident, Scope::District, "市南区".into()),
    ];
    // A password people can type on a phone: 12 characters from a fresh random token.
    let demo_password: String = random_token().chars().filter(char::is_ascii_alphanumeric).take(12).collect();
    // Hash in parallel (one per core): each takes tens of milliseconds and start-up time matters.
    let hashes = futures_hashes(state, &demo_password, plan.len()).await?;
    let mut tx = state.db.begin().await?;
    let mut accounts = Vec::new();
    for ((phone, name, role, scope, place), hash) in plan.into_iter().zip(hashes) {
        let account = NewAccount {
            phone: Phone::parse(phone).context("demo phone")?,
            display_name: name.into(),
            community_id: Some(community.id),
            password_hash: Some(hash),
        };
        let mut grants = vec![RESIDENT];
        if role != Role::Resident {
            grants.push(Grant { role, scope });
        }
        service::create_account(state, &mut tx, None, account, &grants).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        accounts.push(DemoAccount { phone, name, role, scope: place });
    }
    tx.commit().await?;
    Ok((demo_password, accounts))
}

async fn futures_hashes(state: &AppState, password_text: &str, n: usize) -> anyhow::Result<Vec<String>> {
    // Through the server's hashing, so no more run at once than there are cores: each holds
    // 19 MiB, which the allocator keeps a while after (all nine at once left the server at
    // 215 MB idle after start).
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (state, password) = (state.clone(), password_text.to_owned());
            tokio::spawn(async move { state.hashing.hash_waiting(password).await })
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for t in tasks {
        out.push(t.await.context("hashing task")??);
    }
    Ok(out)
}

/// Counts by street name, for tests and the CLI summary.
pub fn street_names() -> anyhow::Result<HashMap<String, usize>> {
    let data: Data = serde_json::from_str(SHINAN_JSON)?;
    Ok(data.streets.into_iter().map(|s| (s.name, s.communities.len())).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_data_has_eleven_streets_and_fifty_communities() {
        let streets = street_names().unwrap();
        assert_eq!(streets.len(), 11);
        assert_eq!(streets.values().sum::<usize>(), 50);
    }

    #[test]
    fn landmark_kinds_and_streets_are_read_from_names_and_notes() {
        assert_eq!(venue_kind("五四广场"), VenueKind::Square);
        assert_eq!(venue_kind("海军博物馆"), VenueKind::Museum);
        assert_eq!(venue_kind("大学路/中国海洋大学鱼山校区"), VenueKind::School);
        assert_eq!(venue_kind("中山公园"), VenueKind::Park);
        let streets = vec![("八大关街道".to_owned(), StreetId(6)), ("湛山街道".to_owned(), StreetId(7))];
        let communities = vec![("太平角社区".to_owned(), CommunityId(30), StreetId(6))];
        assert_eq!(locate("湛山街道或八大关街道（未核实）", &streets, &communities), Some((StreetId(7), None)));
        assert_eq!(
            locate("八大关街道（太平角社区）", &streets, &communities),
            Some((StreetId(6), Some(CommunityId(30))))
        );
        assert_eq!(locate("崂山区", &streets, &communities), None);
    }
}
