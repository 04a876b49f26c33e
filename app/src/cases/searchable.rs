//! What search holds of cases: a case as the public board shows it, handed to the search index
//! whenever it moves, and taken out when the public may no longer read it.
//!
//! Only what the board shows is indexed, by the core's own rules (`model::description_shown`,
//! `model::public_place`): a case of a public category once a dispatcher accepted it — its
//! category as the title, what the reporter wrote and the address as the body, never who
//! reported it. A report not yet accepted holds nothing vetted to search in, so it enters on
//! acceptance; a rejected or voided (merged) one leaves. `search` is a lower domain than the
//! core, so the core calls it without naming any add-on.

use crate::cases::model::{Case, description_shown, public_place};
use crate::cases::store;
use crate::db::Conn;
use crate::search::{self, Document, Kind};

/// Writes a case's move (see `store::move_case`: false when someone moved it meanwhile, and
/// nothing was written) and what search holds of it, in the same transaction.
pub async fn move_case(
    conn: &mut Conn,
    next: &Case,
    from: crate::cases::workflow::State,
    now: i64,
) -> Result<bool, sqlx::Error> {
    if !store::move_case(conn, next, from, now).await? {
        return Ok(false);
    }
    index(conn, next, now).await?;
    Ok(true)
}

/// Hands a case to search as the board shows it, or takes it out; whether it is in now.
pub async fn index(conn: &mut Conn, case: &Case, now: i64) -> Result<bool, sqlx::Error> {
    let public = store::category(conn, case.category_id).await?.filter(|k| k.public);
    let Some(category) = public.filter(|_| description_shown(case.state) && case.merged_into.is_none()) else {
        search::remove(conn, Kind::Case, case.id).await?;
        return Ok(false);
    };
    let (address, _) = public_place(case.state, category.precise, case.address.clone(), None);
    let doc = Document {
        kind: Kind::Case,
        id: case.id,
        title: category.name,
        url: format!("/board/{}", case.id),
        body: format!("{}\n{address}", case.description),
        street_id: case.street_id.map(|s| s.0),
        community_id: case.community_id.map(|c| c.0),
    };
    search::index(conn, &doc, now).await?;
    Ok(true)
}

/// Hands every case (of one category, when it is given: its `public` setting changed) to search
/// again; how many are in it now.
pub async fn index_all(conn: &mut Conn, category: Option<i64>, now: i64) -> Result<u64, sqlx::Error> {
    let (mut after, mut public) = (0, 0);
    loop {
        let batch = store::cases_after(conn, category, after, 500).await?;
        let Some(last) = batch.last() else { return Ok(public) };
        after = last.id;
        for case in &batch {
            public += u64::from(index(conn, case, now).await?);
        }
    }
}
