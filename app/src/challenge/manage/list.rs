//! `/manage/challenges`: the challenges the user runs (the district's, their street's or their
//! department's), each with its dates, who takes part, the held check-ins waiting, and the ways
//! to its form, teams, review queue and exports.

use axum::extract::State;
use axum::response::Response;

use crate::app::AppState;
use crate::authz::gate::Organising;
use crate::challenge::manage::store as mstore;
use crate::challenge::manage::views::{ListPage, ListRow};
use crate::challenge::service::runs;
use crate::challenge::store;
use crate::error::AppResult;
use crate::ids::StreetId;
use crate::web::guard::Staff;
use crate::web::render;

/// The newest challenges looked at: a district runs a few a year.
const LOOKED_AT: i64 = 200;

/// The list.
pub async fn list(State(state): State<AppState>, Staff { ctx, user, .. }: Staff<Organising>) -> AppResult<Response> {
    let mut conn = state.db.conn().await?;
    let dir = crate::org::Directory::load(&mut conn).await?;
    let mut rows = Vec::new();
    for c in store::challenges(&mut conn, LOOKED_AT).await? {
        if !runs(&mut conn, &user, &c).await? {
            continue;
        }
        let figures = mstore::figures(&mut conn, c.id).await?;
        let place = match c.street_id {
            Some(s) => dir.street_name(StreetId(s)).unwrap_or_default().to_owned(),
            None => ctx.t("challenge_manage.district").to_owned(),
        };
        let dates = format!("{} – {}", ctx.day(&c.starts_on), ctx.day(&c.ends_on));
        let counts = ctx.tf(
            "challenge_manage.counts",
            &[("people", &figures.participants.to_string()), ("held", &figures.held.to_string())],
        );
        rows.push(ListRow { id: c.id, name: c.name, place, dates, counts, held: figures.held });
    }
    let strip = crate::authz::start::Strip::links(&user.principal, &ctx.path);
    render(&ListPage { ctx, rows, strip })
}
