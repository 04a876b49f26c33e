//! One builder for test worlds: Shinan's district, the people a test names, and what it asks
//! them to make — cases here, services with slots and events with sessions in `bookings.rs`.
//!
//! ```ignore
//! let w = World::district()
//!     .await
//!     .with([
//!         Person::new(RESIDENT, "王女士").lives_in(YUNXIAOLU).api(),
//!         Person::new(DISPATCHER, "调度员").dispatcher().api(),
//!         Person::new(HANDLER, "执法队员").handler_of(ENFORCEMENT),
//!     ])
//!     .await;
//! let id = w.case(ILLEGAL_BUILDING).in_community(YUNXIAOLU).file(w.api(RESIDENT)).await;
//! act(w.api(DISPATCHER), id, json!({"action": "dispatch", "department_id": w.department(ENFORCEMENT)})).await;
//! w.app.login(HANDLER).await;
//! ```
//!
//! A world's people are its cast, found again by phone number ([`World::id`], [`World::api`]);
//! [`World::user`] and [`World::client`] make one more person where a test needs them halfway.
//! Places are named as people name them — streets, communities and categories by code,
//! departments by name — and read once when the world starts. Everything is made the way the
//! tests made it before there was a builder: people through the accounts service, tokens through
//! the credentials service, cases, services, slots, events and sessions through the API.

use std::collections::HashMap;

use ejia::authz::{Role, Scope};
use ejia::ids::{CommunityId, DepartmentId, StreetId, UserId};
use serde_json::{Value, json};

use super::{Api, BADAXIA, TestApp, XIANGGANG_ZHONGLU, grant};

/// 区综合行政执法局: city-appearance cases go there.
pub const ENFORCEMENT: &str = "区综合行政执法局";
/// 区卫健局.
pub const HEALTH: &str = "区卫健局";
/// 区委宣传部, the first department.
pub const PUBLICITY: &str = "区委宣传部";
/// 区行政审批局: its agents assist enterprises.
pub const APPROVAL: &str = "区行政审批局";
/// 私搭乱建: 4 working hours, to 区综合行政执法局, photos required on the report page, public.
pub const ILLEGAL_BUILDING: &str = "0101";
/// 流浪乞讨: a category the public board does not show case by case.
pub const BEGGING: &str = "0502";

/// The people of [`World::for_cases`], by phone number.
pub mod case_cast {
    /// A resident (用户0), of no community.
    pub const RESIDENT: &str = "13600000000";
    /// An inspector of 香港中路街道 (用户1).
    pub const INSPECTOR: &str = "13600000001";
    /// A dispatcher of the district (用户2).
    pub const DISPATCHER: &str = "13600000002";
    /// A handler of 区综合行政执法局 (用户3).
    pub const HANDLER: &str = "13600000003";
    /// A handler of 区卫健局 (用户4).
    pub const OTHER_HANDLER: &str = "13600000004";
    /// An admin of 八大峡街道 (用户5).
    pub const OTHER_STREET_ADMIN: &str = "13600000005";
}

/// Where a role holds.
#[derive(Clone, Copy, Debug)]
pub enum At {
    /// The whole district.
    District,
    /// A street, by code.
    Street(&'static str),
    /// A community, by code.
    Community(&'static str),
    /// A department, by name.
    Department(&'static str),
    /// A scope the test has looked up itself.
    Scope(Scope),
}

/// Someone for a world to make: a resident, with the roles given beside.
#[derive(Clone, Debug)]
pub struct Person {
    phone: String,
    name: String,
    community: Option<&'static str>,
    grants: Vec<(Role, At)>,
    api: bool,
}

impl Person {
    /// A resident with this phone number and name, living in no community, with no API client.
    pub fn new(phone: impl Into<String>, name: impl Into<String>) -> Self {
        Self { phone: phone.into(), name: name.into(), community: None, grants: Vec::new(), api: false }
    }

    /// Living in the community with this code.
    pub fn lives_in(mut self, community: &'static str) -> Self {
        self.community = Some(community);
        self
    }

    /// A role beside resident.
    pub fn grant(mut self, role: Role, at: At) -> Self {
        self.grants.push((role, at));
        self
    }

    /// A dispatcher of the district's command centre.
    pub fn dispatcher(self) -> Self {
        self.grant(Role::Dispatcher, At::District)
    }

    /// A district admin.
    pub fn district_admin(self) -> Self {
        self.grant(Role::DistrictAdmin, At::District)
    }

    /// A handler of the department with this name.
    pub fn handler_of(self, department: &'static str) -> Self {
        self.grant(Role::Handler, At::Department(department))
    }

    /// An inspector of the street with this code.
    pub fn inspector_of(self, street: &'static str) -> Self {
        self.grant(Role::Inspector, At::Street(street))
    }

    /// An admin of the street with this code.
    pub fn street_admin_of(self, street: &'static str) -> Self {
        self.grant(Role::StreetAdmin, At::Street(street))
    }

    /// An organiser for the department with this name.
    pub fn organiser_of(self, department: &'static str) -> Self {
        self.grant(Role::Organizer, At::Department(department))
    }

    /// With an API client (a personal token), when made in a world's cast.
    pub fn api(mut self) -> Self {
        self.api = true;
        self
    }
}

/// The district's places, by the names tests give them.
struct Places {
    departments: HashMap<String, DepartmentId>,
    streets: HashMap<String, StreetId>,
    communities: HashMap<String, CommunityId>,
    categories: HashMap<String, i64>,
    /// Every venue's id, in id order.
    venues: Vec<i64>,
}

impl Places {
    async fn read(app: &TestApp) -> Self {
        use ejia::org::store;
        let mut conn = app.state.db.conn().await.unwrap();
        let departments = store::list_departments(&mut conn, 0, 1000).await.unwrap();
        let streets = store::list_streets(&mut conn, None, 0, 1000).await.unwrap();
        let communities = store::list_communities(&mut conn, None, 0, 1000).await.unwrap();
        let venues = store::list_venues(&mut conn, Default::default(), 0, 1000).await.unwrap();
        let categories = ejia::cases::store::categories(&mut conn).await.unwrap();
        Self {
            departments: departments.into_iter().map(|d| (d.name, d.id)).collect(),
            streets: streets.into_iter().map(|s| (s.code, s.id)).collect(),
            communities: communities.into_iter().map(|c| (c.code, c.id)).collect(),
            categories: categories.into_iter().map(|c| (c.code, c.id)).collect(),
            venues: venues.iter().map(|v| v.id.0).collect(),
        }
    }
}

/// A running ejia with Shinan's structure, and the people and things a test asked for.
pub struct World {
    /// The running app.
    pub app: TestApp,
    places: Places,
    /// The cast by phone number: the user and, when asked for, their API client.
    cast: HashMap<String, (UserId, Option<Api>)>,
}

impl World {
    /// Shinan's district (streets, communities, venues, departments, case categories, the
    /// working calendar), nobody in it yet.
    pub async fn district() -> Self {
        let app = TestApp::with_district().await;
        let places = Places::read(&app).await;
        Self { app, places, cast: HashMap::new() }
    }

    /// Makes these people, in this order, as the world's cast.
    pub async fn with(mut self, people: impl IntoIterator<Item = Person>) -> Self {
        for person in people {
            let (phone, wants_api) = (person.phone.clone(), person.api);
            let id = self.user(person).await;
            let api = if wants_api { Some(Api::new(&self.app, id).await) } else { None };
            assert!(self.cast.insert(phone.clone(), (id, api)).is_none(), "{phone} is in the cast twice");
        }
        self
    }

    /// Makes one more person, outside the cast; their id.
    pub async fn user(&self, person: Person) -> UserId {
        let grants: Vec<_> = person.grants.iter().map(|(role, at)| grant(*role, self.scope(*at))).collect();
        let community = person.community.map(|code| self.community(code));
        self.app.user(&person.phone, &person.name, community, &grants).await
    }

    /// Makes one more person, outside the cast; their API client.
    pub async fn client(&self, person: Person) -> Api {
        Api::new(&self.app, self.user(person).await).await
    }

    /// The id of the cast member with this phone number.
    pub fn id(&self, phone: &str) -> UserId {
        self.member(phone).0
    }

    /// The API client of the cast member with this phone number.
    pub fn api(&self, phone: &str) -> &Api {
        self.member(phone).1.as_ref().unwrap_or_else(|| panic!("{phone} has no API client: ask for Person::api()"))
    }

    fn member(&self, phone: &str) -> &(UserId, Option<Api>) {
        self.cast.get(phone).unwrap_or_else(|| panic!("{phone} is not in the world's cast"))
    }

    /// The department with this name.
    pub fn department(&self, name: &str) -> DepartmentId {
        *self.places.departments.get(name).unwrap_or_else(|| panic!("no department {name}"))
    }

    /// The street with this code.
    pub fn street(&self, code: &str) -> StreetId {
        *self.places.streets.get(code).unwrap_or_else(|| panic!("no street {code}"))
    }

    /// The community with this code.
    pub fn community(&self, code: &str) -> CommunityId {
        *self.places.communities.get(code).unwrap_or_else(|| panic!("no community {code}"))
    }

    /// The case category with this code.
    pub fn category(&self, code: &str) -> i64 {
        *self.places.categories.get(code).unwrap_or_else(|| panic!("no category {code}"))
    }

    /// The first `n` venues, in id order.
    pub fn venues(&self, n: usize) -> &[i64] {
        &self.places.venues[..n]
    }

    fn scope(&self, at: At) -> Scope {
        match at {
            At::District => Scope::District,
            At::Street(code) => Scope::Street(self.street(code)),
            At::Community(code) => Scope::Community(self.community(code)),
            At::Department(name) => Scope::Department(self.department(name)),
            At::Scope(scope) => scope,
        }
    }

    /// A case of the category with this code, to file over the API: "违建", nowhere in
    /// particular until told.
    pub fn case(&self, category: &str) -> NewCase<'_> {
        NewCase { world: self, body: json!({"category_id": self.category(category), "description": "违建"}) }
    }

    /// A district for case tests: the people of [`case_cast`], each with an API client.
    pub async fn for_cases() -> Self {
        use case_cast::*;
        Self::district()
            .await
            .with([
                Person::new(RESIDENT, "用户0").api(),
                Person::new(INSPECTOR, "用户1").inspector_of(XIANGGANG_ZHONGLU).api(),
                Person::new(DISPATCHER, "用户2").dispatcher().api(),
                Person::new(HANDLER, "用户3").handler_of(ENFORCEMENT).api(),
                Person::new(OTHER_HANDLER, "用户4").handler_of(HEALTH).api(),
                Person::new(OTHER_STREET_ADMIN, "用户5").street_admin_of(BADAXIA).api(),
            ])
            .await
    }
}

/// A case being described, to file with [`NewCase::file`].
pub struct NewCase<'w> {
    world: &'w World,
    body: Value,
}

impl NewCase<'_> {
    /// What the reporter writes.
    pub fn description(mut self, text: &str) -> Self {
        self.body["description"] = json!(text);
        self
    }

    /// In the community with this code.
    pub fn in_community(mut self, code: &str) -> Self {
        self.body["community_id"] = json!(self.world.community(code));
        self
    }

    /// At this address.
    pub fn address(mut self, address: &str) -> Self {
        self.body["address"] = json!(address);
        self
    }

    /// At this position.
    pub fn at(mut self, lat: f64, lng: f64) -> Self {
        self.body["lat"] = json!(lat);
        self.body["lng"] = json!(lng);
        self
    }

    /// Reported anonymously, or by name.
    pub fn anonymous(mut self, anonymous: bool) -> Self {
        self.body["anonymous"] = json!(anonymous);
        self
    }

    /// Files it as `by`; the new case's id.
    pub async fn file(self, by: &Api) -> i64 {
        let (status, filed) = by.post("/cases", self.body).await;
        assert_eq!(status, 201, "{filed}");
        filed["id"].as_i64().unwrap()
    }
}

/// A case action over the API, as `who`.
pub async fn act(who: &Api, case: i64, body: Value) -> (u16, Value) {
    who.post(&format!("/cases/{case}/actions"), body).await
}
