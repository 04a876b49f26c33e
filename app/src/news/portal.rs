//! What the news adds to the portal: the campaign (the newest topic column, until topics get a
//! "featured" flag) and the latest published articles. Both are public, so the portal keeps
//! them in memory; a publication, withdrawal or correction passes through search, which tells
//! the portal to read them again.

use std::sync::Arc;

use askama::Template as _;

use crate::app::AppState;
use crate::db::Conn;
use crate::error::AppResult;
use crate::news::model::Topic;
use crate::news::store;
use crate::portal::{Part, PartFuture, Section, Slot};
use crate::web::Ctx;

/// How many articles the portal lists.
const LATEST: i64 = 5;

/// The campaign banner.
pub static CAMPAIGN: Campaign = Campaign;
/// The latest news.
pub static LATEST_NEWS: LatestNews = LatestNews;

/// The newest topic column, as the portal's banner.
pub struct Campaign;

impl Section for Campaign {
    fn slot(&self) -> Slot {
        Slot::Campaign
    }

    fn public<'a>(&'a self, _state: &'a AppState, conn: &'a mut Conn, _now: i64) -> PartFuture<'a, Arc<dyn Part>> {
        Box::pin(async move {
            let newest = store::topics(conn).await?.into_iter().max_by_key(|t| t.id);
            Ok(newest.map(|topic| Arc::new(CampaignPart { topic }) as Arc<dyn Part>))
        })
    }
}

struct CampaignPart {
    topic: Topic,
}

impl Part for CampaignPart {
    fn render(&self, ctx: &Ctx) -> AppResult<String> {
        Ok(CampaignView { ctx, topic: &self.topic }.render()?)
    }
}

#[derive(askama::Template)]
#[template(path = "news/_portal_campaign.html")]
struct CampaignView<'a> {
    ctx: &'a Ctx,
    topic: &'a Topic,
}

/// The latest published articles, with their day.
pub struct LatestNews;

impl Section for LatestNews {
    fn slot(&self) -> Slot {
        Slot::News
    }

    fn public<'a>(&'a self, _state: &'a AppState, conn: &'a mut Conn, _now: i64) -> PartFuture<'a, Arc<dyn Part>> {
        Box::pin(async move {
            let rows = store::published(conn, None, None, 0, LATEST).await?;
            let items = rows
                .into_iter()
                .map(|r| Item {
                    id: r.id,
                    title: r.title,
                    day: r.published_at.map(|t| crate::clock::local_day(t).to_string()).unwrap_or_default(),
                    corrected: r.corrected_at.is_some(),
                })
                .collect();
            Ok(Some(Arc::new(LatestPart { items }) as Arc<dyn Part>))
        })
    }
}

struct Item {
    id: i64,
    title: String,
    day: String,
    corrected: bool,
}

struct LatestPart {
    items: Vec<Item>,
}

impl Part for LatestPart {
    fn render(&self, ctx: &Ctx) -> AppResult<String> {
        Ok(LatestView { ctx, items: &self.items }.render()?)
    }
}

#[derive(askama::Template)]
#[template(path = "news/_portal_latest.html")]
struct LatestView<'a> {
    ctx: &'a Ctx,
    items: &'a [Item],
}
