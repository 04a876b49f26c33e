//! What the appointments add to the portal: the services open for booking, each with its next
//! free slot's day — one grouped query over the slots' index, kept in memory by the portal
//! (a slot filling up shows within the portal's TTL).

use std::sync::Arc;

use askama::Template as _;

use crate::app::AppState;
use crate::appointments::store;
use crate::db::Conn;
use crate::error::AppResult;
use crate::portal::{Part, PartFuture, Section, Slot};
use crate::web::Ctx;

/// How many services the portal lists.
const SHOWN: i64 = 6;

/// Services open for booking.
pub static OPEN_SERVICES: OpenServices = OpenServices;

/// The section.
pub struct OpenServices;

impl Section for OpenServices {
    fn slot(&self) -> Slot {
        Slot::Services
    }

    fn public<'a>(&'a self, _state: &'a AppState, conn: &'a mut Conn, now: i64) -> PartFuture<'a, Arc<dyn Part>> {
        Box::pin(async move {
            let items = store::open_for_booking(conn, now, SHOWN)
                .await?
                .into_iter()
                .map(|(s, next)| Item { id: s.id, name: s.name, next_day: crate::clock::local_day(next).to_string() })
                .collect();
            Ok(Some(Arc::new(ServicesPart { items }) as Arc<dyn Part>))
        })
    }
}

struct Item {
    id: i64,
    name: String,
    next_day: String,
}

struct ServicesPart {
    items: Vec<Item>,
}

impl Part for ServicesPart {
    fn render(&self, ctx: &Ctx) -> AppResult<String> {
        Ok(ServicesView { ctx, items: &self.items }.render()?)
    }
}

#[derive(askama::Template)]
#[template(path = "appointments/_portal_services.html")]
struct ServicesView<'a> {
    ctx: &'a Ctx,
    items: &'a [Item],
}
