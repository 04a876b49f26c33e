//! SQL for the district's structure. One copy for both engines.

use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::db::Conn;
use crate::ids::{CommunityId, DepartmentId, DistrictId, StreetId, VenueId};
use crate::org::model::*;

type Result<T> = std::result::Result<T, sqlx::Error>;

/// sqlx 0.8's `Any` driver sends a NULL `f64` to PostgreSQL typed as `real` (float4; fixed
/// upstream after 0.8.6). A cached statement first prepared with that NULL then rejects a real
/// `f64`. Statements binding optional floats are therefore not cached (`persistent(false)`):
/// they are back-office writes, so the extra prepare costs nothing that matters.
const OPTIONAL_FLOATS_UNCACHED: bool = false;

fn district_from(row: &AnyRow) -> Result<District> {
    Ok(District {
        id: DistrictId(row.try_get("district_id")?),
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        city: row.try_get("city")?,
        province: row.try_get("province")?,
        population: row.try_get("population")?,
        area_km2: row.try_get("area_km2")?,
    })
}

fn street_from(row: &AnyRow) -> Result<Street> {
    Ok(Street { id: StreetId(row.try_get("street_id")?), code: row.try_get("code")?, name: row.try_get("name")? })
}

fn community_from(row: &AnyRow) -> Result<Community> {
    Ok(Community {
        id: CommunityId(row.try_get("community_id")?),
        street_id: StreetId(row.try_get("street_id")?),
        code: row.try_get("code")?,
        name: row.try_get("name")?,
    })
}

fn department_from(row: &AnyRow) -> Result<Department> {
    let kind: String = row.try_get("kind")?;
    Ok(Department {
        id: DepartmentId(row.try_get("department_id")?),
        name: row.try_get("name")?,
        // A name the back office cleared is stored as '' (so the start's catch-up leaves it);
        // readers see none.
        name_en: row.try_get::<Option<String>, _>("name_en")?.filter(|n| !n.is_empty()),
        kind: DepartmentKind::parse(&kind).unwrap_or(DepartmentKind::Other),
        street_id: row.try_get::<Option<i64>, _>("street_id")?.map(StreetId),
    })
}

fn venue_from(row: &AnyRow) -> Result<Venue> {
    let kind: String = row.try_get("kind")?;
    Ok(Venue {
        id: VenueId(row.try_get("venue_id")?),
        name: row.try_get("name")?,
        kind: VenueKind::parse(&kind).unwrap_or(VenueKind::Other),
        address: row.try_get("address")?,
        lat: row.try_get("lat")?,
        lng: row.try_get("lng")?,
        street_id: StreetId(row.try_get("street_id")?),
        community_id: row.try_get::<Option<i64>, _>("community_id")?.map(CommunityId),
        capacity: row.try_get("capacity")?,
    })
}

/// The district record.
pub async fn district(conn: &mut Conn) -> Result<Option<District>> {
    let row = sqlx::query(
        "select district_id, code, name, city, province, population, area_km2 from districts order by district_id limit 1",
    )
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(district_from).transpose()
}

/// Inserts the district record.
pub async fn insert_district(conn: &mut Conn, d: &District, lat: f64, lng: f64, now: i64) -> Result<DistrictId> {
    let id: i64 = sqlx::query_scalar(
        "insert into districts (code, name, city, province, population, area_km2, lat, lng, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) returning district_id",
    )
    .persistent(OPTIONAL_FLOATS_UNCACHED)
    .bind(&d.code)
    .bind(&d.name)
    .bind(&d.city)
    .bind(&d.province)
    .bind(d.population)
    .bind(d.area_km2)
    .bind(lat)
    .bind(lng)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(DistrictId(id))
}

/// Streets, optionally only `only`, by code; after `after` (keyset pagination), at most `limit`.
pub async fn list_streets(conn: &mut Conn, only: Option<StreetId>, after: i64, limit: i64) -> Result<Vec<Street>> {
    let rows = sqlx::query(
        "select street_id, code, name from streets \
         where ($1 = 0 or street_id = $1) and street_id > $2 order by street_id limit $3",
    )
    .bind(only.map_or(0, |s| s.0))
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(street_from).collect()
}

/// One street.
pub async fn street(conn: &mut Conn, id: StreetId) -> Result<Option<Street>> {
    let row = sqlx::query("select street_id, code, name from streets where street_id = $1")
        .bind(id.0)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(street_from).transpose()
}

/// Creates a street.
pub async fn insert_street(conn: &mut Conn, district: DistrictId, s: &StreetInput, now: i64) -> Result<StreetId> {
    let id: i64 = sqlx::query_scalar(
        "insert into streets (district_id, code, name, created_at, updated_at) values ($1, $2, $3, $4, $4) returning street_id",
    )
    .bind(district.0)
    .bind(&s.code)
    .bind(&s.name)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(StreetId(id))
}

/// Changes a street.
pub async fn update_street(conn: &mut Conn, id: StreetId, s: &StreetInput, now: i64) -> Result<()> {
    sqlx::query("update streets set code = $1, name = $2, updated_at = $3 where street_id = $4")
        .bind(&s.code)
        .bind(&s.name)
        .bind(now)
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// Communities, optionally of one street, in id order after `after`.
pub async fn list_communities(
    conn: &mut Conn,
    street: Option<StreetId>,
    after: i64,
    limit: i64,
) -> Result<Vec<Community>> {
    let rows = sqlx::query(
        "select community_id, street_id, code, name from communities \
         where ($1 = 0 or street_id = $1) and community_id > $2 order by community_id limit $3",
    )
    .bind(street.map_or(0, |s| s.0))
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(community_from).collect()
}

/// One community.
pub async fn community(conn: &mut Conn, id: CommunityId) -> Result<Option<Community>> {
    let row = sqlx::query("select community_id, street_id, code, name from communities where community_id = $1")
        .bind(id.0)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(community_from).transpose()
}

/// Creates a community.
pub async fn insert_community(conn: &mut Conn, c: &CommunityInput, now: i64) -> Result<CommunityId> {
    let id: i64 = sqlx::query_scalar(
        "insert into communities (street_id, code, name, created_at, updated_at) values ($1, $2, $3, $4, $4) returning community_id",
    )
    .bind(c.street_id.0)
    .bind(&c.code)
    .bind(&c.name)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(CommunityId(id))
}

/// Changes a community.
pub async fn update_community(conn: &mut Conn, id: CommunityId, c: &CommunityInput, now: i64) -> Result<()> {
    sqlx::query("update communities set street_id = $1, code = $2, name = $3, updated_at = $4 where community_id = $5")
        .bind(c.street_id.0)
        .bind(&c.code)
        .bind(&c.name)
        .bind(now)
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(())
}

/// Departments in id order after `after`.
pub async fn list_departments(conn: &mut Conn, after: i64, limit: i64) -> Result<Vec<Department>> {
    let rows = sqlx::query(
        "select department_id, name, name_en, kind, street_id from departments where department_id > $1 order by department_id limit $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(department_from).collect()
}

/// One department.
pub async fn department(conn: &mut Conn, id: DepartmentId) -> Result<Option<Department>> {
    let row =
        sqlx::query("select department_id, name, name_en, kind, street_id from departments where department_id = $1")
            .bind(id.0)
            .fetch_optional(conn)
            .await?;
    row.as_ref().map(department_from).transpose()
}

/// Creates a department.
pub async fn insert_department(conn: &mut Conn, d: &DepartmentInput, now: i64) -> Result<DepartmentId> {
    let id: i64 = sqlx::query_scalar(
        "insert into departments (name, kind, street_id, created_at, updated_at, name_en) \
         values ($1, $2, $3, $4, $4, $5) returning department_id",
    )
    .bind(&d.name)
    .bind(d.kind.as_str())
    .bind(d.street_id.map(|s| s.0))
    .bind(now)
    .bind(d.name_en.as_deref())
    .fetch_one(conn)
    .await?;
    Ok(DepartmentId(id))
}

/// Changes a department.
pub async fn update_department(conn: &mut Conn, id: DepartmentId, d: &DepartmentInput, now: i64) -> Result<()> {
    sqlx::query(
        "update departments set name = $1, kind = $2, street_id = $3, updated_at = $4, name_en = $6 \
         where department_id = $5",
    )
    .bind(&d.name)
    .bind(d.kind.as_str())
    .bind(d.street_id.map(|s| s.0))
    .bind(now)
    .bind(id.0)
    .bind(d.name_en.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

/// Filter for venue lists.
#[derive(Debug, Clone, Copy, Default)]
pub struct VenueFilter {
    /// Only this street.
    pub street: Option<StreetId>,
    /// Only this kind.
    pub kind: Option<VenueKind>,
}

/// Venues by street, then id, after `after`.
pub async fn list_venues(conn: &mut Conn, filter: VenueFilter, after: i64, limit: i64) -> Result<Vec<Venue>> {
    let rows = sqlx::query(
        "select venue_id, name, kind, address, lat, lng, street_id, community_id, capacity from venues \
         where ($1 = 0 or street_id = $1) and ($2 = '' or kind = $2) and venue_id > $3 \
         order by venue_id limit $4",
    )
    .bind(filter.street.map_or(0, |s| s.0))
    .bind(filter.kind.map_or("", |k| k.as_str()))
    .bind(after)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(venue_from).collect()
}

/// One venue.
pub async fn venue(conn: &mut Conn, id: VenueId) -> Result<Option<Venue>> {
    let row = sqlx::query(
        "select venue_id, name, kind, address, lat, lng, street_id, community_id, capacity from venues where venue_id = $1",
    )
    .bind(id.0)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(venue_from).transpose()
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds a venue's fields as `$1`…`$8` (the insert and the update share them).
fn bind_venue<'q>(query: AnyQuery<'q>, v: &'q VenueInput) -> AnyQuery<'q> {
    query
        .persistent(OPTIONAL_FLOATS_UNCACHED)
        .bind(&v.name)
        .bind(v.kind.as_str())
        .bind(&v.address)
        .bind(v.coords.map(|c| c.0))
        .bind(v.coords.map(|c| c.1))
        .bind(v.street_id.0)
        .bind(v.community_id.map(|c| c.0))
        .bind(v.capacity)
}

/// Creates a venue.
pub async fn insert_venue(conn: &mut Conn, v: &VenueInput, now: i64) -> Result<VenueId> {
    let sql = "insert into venues (name, kind, address, lat, lng, street_id, community_id, capacity, created_at, updated_at) \
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) returning venue_id";
    let row = bind_venue(sqlx::query(sql), v).bind(now).fetch_one(conn).await?;
    Ok(VenueId(row.try_get("venue_id")?))
}

/// Changes a venue.
pub async fn update_venue(conn: &mut Conn, id: VenueId, v: &VenueInput, now: i64) -> Result<()> {
    let sql = "update venues set name = $1, kind = $2, address = $3, lat = $4, lng = $5, street_id = $6, \
               community_id = $7, capacity = $8, updated_at = $9 where venue_id = $10";
    bind_venue(sqlx::query(sql), v).bind(now).bind(id.0).execute(conn).await?;
    Ok(())
}
