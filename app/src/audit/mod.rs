//! The audit log: who changed what, when, with the record before and after.
//!
//! Every back-office change calls [`record`] inside the same transaction as the change, so
//! the log and the data can never disagree. Entries carry the street they concern, so a street
//! admin reads their street's history and nothing else.

use serde::Serialize;
use sqlx::Row as _;

use crate::db::Conn;
use crate::ids::{StreetId, UserId};

pub mod routes;
mod views;
pub mod wording;

use crate::app::Domain;
use crate::authz::{Principal, Role};
use crate::web::backoffice::Tile;

/// The domain: the audit log's page, and its tile for the admins who read it.
pub const DOMAIN: Domain = Domain { name: "audit", pages: routes::router, tiles, ..Domain::NONE };

/// The district's and the streets' admins read the log (of their area).
fn tiles(principal: &Principal) -> Vec<Tile> {
    if principal.has_role(Role::DistrictAdmin) || principal.has_role(Role::StreetAdmin) {
        vec![Tile::new("nav.audit", "/manage/audit")]
    } else {
        Vec::new()
    }
}

/// How a domain words the entries it records, for the log's page: its object kinds and actions,
/// each with its message key. The page knows the platform's own (streets, users, cases, ...);
/// a domain that records others declares them in its `DOMAIN` (`app::Domain::audit`), so the
/// audit page names no domain and an entry never reads as "other".
///
/// Every action a domain records must be worded here: `tests/it/audit/wording.rs` reads the
/// sources for the actions recorded and fails on one without a sentence.
#[derive(Debug)]
pub struct Wording {
    /// Object kinds (`Change::new`'s first argument) and their keys.
    pub objects: &'static [(&'static str, &'static str)],
    /// Actions (`record`'s) and their keys: a sentence without a subject ("created a street"),
    /// shown after who did it.
    pub actions: &'static [(&'static str, &'static str)],
    /// Where an object kind is seen, `{id}` standing for its id (back office first).
    pub links: &'static [(&'static str, &'static str)],
    /// Labels of the fields its records' before and after hold (serialised names → keys);
    /// a field named nowhere reads as `audit.fields.other`, never as a column name.
    pub fields: &'static [(&'static str, &'static str)],
}

impl Wording {
    /// Nothing worded: the base a domain's wording completes (`..Wording::NONE`).
    pub const NONE: Wording = Wording { objects: &[], actions: &[], links: &[], fields: &[] };
}

/// One change, built up before it is recorded.
#[derive(Debug, Clone)]
pub struct Change {
    object_kind: &'static str,
    object_id: i64,
    street: Option<StreetId>,
    before: Option<String>,
    after: Option<String>,
}

impl Change {
    /// A change to `kind` #`id`, concerning `street` (None: district-wide).
    pub fn new(object_kind: &'static str, object_id: i64, street: Option<StreetId>) -> Self {
        Self { object_kind, object_id, street, before: None, after: None }
    }

    /// The record before the change.
    pub fn before<T: Serialize>(mut self, value: &T) -> Self {
        self.before = serde_json::to_string(value).ok();
        self
    }

    /// The record after the change.
    pub fn after<T: Serialize>(mut self, value: &T) -> Self {
        self.after = serde_json::to_string(value).ok();
        self
    }
}

/// An entry (shared with writers that do not go through sqlx, e.g. `cases/filing/store.rs`; the
/// summary is `<object_kind>#<object_id>`).
pub(crate) const INSERT: &str = "insert into audit_log (at, actor_user_id, action, object_kind, object_id, street_id, \
     summary, before_json, after_json) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// Appends an entry. `actor` is None for the system (demo seeding, CLI).
pub async fn record(
    conn: &mut Conn,
    at: i64,
    actor: impl Into<Option<UserId>>,
    action: &'static str,
    change: Change,
) -> Result<(), sqlx::Error> {
    sqlx::query(INSERT)
        .bind(at)
        .bind(actor.into().map(|u| u.0))
        .bind(action)
        .bind(change.object_kind)
        .bind(change.object_id)
        .bind(change.street.map(|s| s.0))
        .bind(format!("{}#{}", change.object_kind, change.object_id))
        .bind(change.before)
        .bind(change.after)
        .execute(conn)
        .await?;
    Ok(())
}

/// An entry as read back.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// Id.
    pub id: i64,
    /// When (Unix seconds).
    pub at: i64,
    /// Who (None: the system).
    pub actor: Option<UserId>,
    /// The actor's display name, when there is one.
    pub actor_name: Option<String>,
    /// What, e.g. `venue.update`.
    pub action: String,
    /// Kind of object.
    pub object_kind: String,
    /// Its id.
    pub object_id: i64,
    /// Street concerned.
    pub street: Option<StreetId>,
    /// JSON before.
    pub before: Option<String>,
    /// JSON after.
    pub after: Option<String>,
}

/// Filter for reading the log. Empty strings and None mean "any".
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only entries of this street (street admins always pass theirs).
    pub street: Option<StreetId>,
    /// Entries older than this id (keyset pagination, newest first).
    pub before_id: Option<i64>,
    /// Who: part of the actor's display name.
    pub actor: String,
    /// What: one action name, e.g. `venue.update`.
    pub action: String,
    /// When: from this instant (Unix seconds, inclusive).
    pub from: Option<i64>,
    /// When: before this instant (Unix seconds, exclusive).
    pub to: Option<i64>,
    /// Object kind, e.g. `venue`.
    pub object_kind: String,
    /// Object id (with or without a kind).
    pub object_id: Option<i64>,
}

/// Newest entries first.
pub async fn list(conn: &mut Conn, filter: Filter, limit: i64) -> Result<Vec<Entry>, sqlx::Error> {
    let rows = sqlx::query(
        "select a.audit_id, a.at, a.actor_user_id, u.display_name, a.action, a.object_kind, a.object_id, \
         a.street_id, a.before_json, a.after_json \
         from audit_log a left join users u on u.user_id = a.actor_user_id \
         where ($1 = 0 or a.street_id = $1) and ($2 = 0 or a.audit_id < $2) \
         and ($4 = '' or u.display_name like '%' || $4 || '%') and ($5 = '' or a.action = $5) \
         and ($6 = 0 or a.at >= $6) and ($7 = 0 or a.at < $7) \
         and ($8 = '' or a.object_kind = $8) and ($9 = 0 or a.object_id = $9) \
         order by a.audit_id desc limit $3",
    )
    .bind(filter.street.map_or(0, |s| s.0))
    .bind(filter.before_id.unwrap_or(0))
    .bind(limit)
    // `like`'s own wildcards in a name are taken literally enough for a filter: at worst wider.
    .bind(filter.actor.trim())
    .bind(&filter.action)
    .bind(filter.from.unwrap_or(0))
    .bind(filter.to.unwrap_or(0))
    .bind(&filter.object_kind)
    .bind(filter.object_id.unwrap_or(0))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Entry {
                id: row.try_get("audit_id")?,
                at: row.try_get("at")?,
                actor: row.try_get::<Option<i64>, _>("actor_user_id")?.map(UserId),
                actor_name: row.try_get("display_name")?,
                action: row.try_get("action")?,
                object_kind: row.try_get("object_kind")?,
                object_id: row.try_get("object_id")?,
                street: row.try_get::<Option<i64>, _>("street_id")?.map(StreetId),
                before: row.try_get("before_json")?,
                after: row.try_get("after_json")?,
            })
        })
        .collect()
}

/// Lines that differ between two JSON objects: (field, before, after).
pub fn diff(before: Option<&str>, after: Option<&str>) -> Vec<(String, String, String)> {
    let parse = |s: Option<&str>| -> serde_json::Map<String, serde_json::Value> {
        s.and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default()
    };
    let (b, a) = (parse(before), parse(after));
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    let show = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => "—".to_owned(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    keys.into_iter().filter(|k| b.get(*k) != a.get(*k)).map(|k| (k.clone(), show(b.get(k)), show(a.get(k)))).collect()
}

#[cfg(test)]
mod tests {
    use super::diff;

    #[test]
    fn diff_lists_changed_fields_only() {
        let d = diff(Some(r#"{"name":"旧","code":"1","lat":null}"#), Some(r#"{"name":"新","code":"1","lat":36.1}"#));
        assert_eq!(d, vec![("lat".into(), "—".into(), "36.1".into()), ("name".into(), "旧".into(), "新".into())]);
        let created = diff(None, Some(r#"{"name":"x"}"#));
        assert_eq!(created, vec![("name".into(), "—".into(), "x".into())]);
    }
}
