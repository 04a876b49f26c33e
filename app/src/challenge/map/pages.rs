//! The map and the cards over HTTP: `/challenges/{id}/map.svg` (every team on the route, the
//! viewer's highlighted), `/challenges/{id}/milestones/{seq}/card.png` and `card.svg`.
//! Anyone may look, as at the challenge page; a signed-in participant sees their own team.
//!
//! The map is drawn for each request from the teams as the boards keep them (`team_sums`), and
//! cached by the browser for 30 seconds, with an ETag to answer 304 after that.
//! Cards are rendered on the blocking pool and kept by their SVG's hash (see `render`).

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::get;

use crate::app::AppState;
use crate::challenge::map::card::{self, CardWords};
use crate::challenge::map::draw::{self, MAP, TeamMark, Words};
use crate::challenge::map::render::{self, CARDS, Cache, RENDERING, Rendered};
use crate::challenge::model::team_mean_m;
use crate::challenge::route::{LONG_MARCH, Milestone, Route};
use crate::challenge::service;
use crate::challenge::store::{self, Challenge, Team};
use crate::challenge::team_sums;
use crate::challenge::views::km_text;
use crate::error::{AppError, AppResult};
use crate::web::Ctx;
use crate::web::extract::Path;

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/challenges/{id}/map.svg", get(map))
        .route("/challenges/{id}/milestones/{seq}/card.png", get(card_png))
        .route("/challenges/{id}/milestones/{seq}/card.svg", get(card_svg))
}

/// The challenge, if it follows a route we can draw.
async fn drawable(state: &AppState, id: i64) -> AppResult<(Challenge, &'static Route)> {
    let mut conn = state.db.conn().await?;
    let c = store::challenge(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let route = route_of(&c)?;
    Ok((c, route))
}

/// The route a challenge follows, if we can draw it.
fn route_of(c: &Challenge) -> AppResult<&'static Route> {
    Route::named(&c.route).filter(|_| c.route == LONG_MARCH).ok_or(AppError::NotFound)
}

async fn map(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<i64>) -> AppResult<Response> {
    // The teams as kept for the boards (`team_sums::teams`): the map is read as often.
    let kept = team_sums::teams(&state, id, ctx.user.as_ref().map(|u| u.id)).await?;
    let (c, route) = (&kept.challenge, route_of(&kept.challenge)?);
    let sketch = MAP.as_ref().ok_or(AppError::NotFound)?;
    let mine = match &ctx.user {
        Some(u) => store::participant(&mut *state.db.conn().await?, id, u.id).await?.and_then(|p| p.team_id),
        None => None,
    };
    // Best first, as on the board.
    let mut teams: Vec<&Team> = kept.teams.iter().collect();
    teams.sort_by_key(|t| (std::cmp::Reverse(team_mean_m(t.counted_m, t.members)), t.id));
    let (per, unit) = (ctx.t("challenge.page.per_member"), ctx.t("challenge.page.km_unit"));
    let marks: Vec<TeamMark> = teams
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let s = service::team_standing(c, t);
            TeamMark {
                km: format!("{per} {} {unit}", km_text(s.real_m)),
                route_m: s.route_m,
                rank: i + 1,
                mine: Some(t.id) == mine,
                name: t.name.clone(),
            }
        })
        .collect();
    let words = Words {
        lang: ctx.locale.tag(),
        title: ctx.t("challenge.map.title").into(),
        desc: ctx.tf("challenge.map.desc", &[("n", &marks.len().to_string())]),
        north: ctx.t("challenge.map.north").into(),
        legend: [
            "challenge.map.legend_teams",
            "challenge.map.legend_mine",
            "challenge.map.legend_leaders",
            "challenge.map.legend_bonus",
        ]
        .map(|k| ctx.t(k).to_owned()),
    };
    let svg = draw::map(route, sketch, &marks, &words);
    Ok(svg_answer(svg, &headers))
}

/// An SVG with a 30-second private cache and an ETag (304 when it has not changed).
fn svg_answer(svg: String, headers: &HeaderMap) -> Response {
    let tag = format!("\"{}\"", hex::encode(&Cache::key(&svg)[..12]));
    let same = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v == tag);
    let mut r = if same {
        Response::builder().status(StatusCode::NOT_MODIFIED).body(Body::empty())
    } else {
        Response::builder().header(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8").body(Body::from(svg))
    }
    .unwrap_or_default();
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=30"));
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, v);
    }
    r
}

/// The card's SVG for this viewer.
async fn card_source(state: &AppState, ctx: &Ctx, id: i64, seq: u32) -> AppResult<String> {
    let (c, route) = drawable(state, id).await?;
    let m = route.milestones.iter().find(|m| m.seq == seq).ok_or(AppError::NotFound)?;
    let mine = match &ctx.user {
        Some(user) => {
            let p = service::progress(state, user, id).await?;
            match (p.participant, p.team) {
                (None, _) => None,
                (Some(_), Some((team, s))) => Some(ctx.tf(
                    "challenge.card.mine_team",
                    &[("team", &crate::challenge::map::svg::clip(&team.name, 10.0)), ("km", &km_text(s.real_m))],
                )),
                (Some(_), None) => Some(ctx.tf("challenge.card.mine", &[("km", &km_text(p.mine.real_m))])),
            }
        }
        None => None,
    };
    let words = card_words(ctx, route, m, mine);
    Ok(card::card(route, m, &c.name, &words))
}

/// The card's words in the viewer's language.
fn card_words(ctx: &Ctx, route: &Route, m: &Milestone, mine: Option<String>) -> CardWords {
    let date = match chrono::NaiveDate::parse_from_str(&m.date, "%Y-%m-%d") {
        Ok(d) => {
            use chrono::Datelike as _;
            let (y, mo, da) = (d.year().to_string(), d.month().to_string(), d.day().to_string());
            ctx.tf("challenge.card.date", &[("y", &y), ("m", &mo), ("d", &da), ("iso", &m.date)])
        }
        Err(_) => m.date.clone(),
    };
    CardWords {
        lang: ctx.locale.tag(),
        brand: ctx.t("challenge.card.brand").into(),
        stop: ctx
            .tf("challenge.card.stop", &[("n", &m.seq.to_string()), ("total", &route.milestones.len().to_string())]),
        date,
        today: ctx.t("challenge.card.today").into(),
        mine,
        title: ctx.tf("challenge.card.title", &[("name", &m.name)]),
    }
}

async fn card_svg(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((id, seq)): Path<(i64, u32)>,
) -> AppResult<Response> {
    let svg = card_source(&state, &ctx, id, seq).await?;
    Ok(svg_answer(svg, &headers))
}

async fn card_png(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((id, seq)): Path<(i64, u32)>,
) -> AppResult<Response> {
    let svg = card_source(&state, &ctx, id, seq).await?;
    let key = Cache::key(&svg);
    let rendered = match CARDS.get(&key) {
        Some(r) => r,
        None => {
            let _turn = RENDERING.acquire().await.map_err(|e| AppError::Internal(e.into()))?;
            match CARDS.get(&key) {
                // Rendered by another request while this one waited.
                Some(r) => r,
                None => {
                    let source = svg.clone();
                    let r = tokio::task::spawn_blocking(move || render::rendered(&render::system_fonts(), &source))
                        .await
                        .map_err(|e| AppError::Internal(e.into()))?;
                    CARDS.put(key, r.clone());
                    r
                }
            }
        }
    };
    Ok(card_answer(rendered, svg, &headers, seq))
}

/// The PNG, or the SVG when there was no font for it.
fn card_answer(rendered: Rendered, svg: String, headers: &HeaderMap, seq: u32) -> Response {
    match rendered {
        Rendered::Svg => svg_answer(svg, headers),
        Rendered::Png(png) => {
            let mut r = Response::new(Body::from(png));
            let h = r.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=300"));
            if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"long-march-{seq}.png\"")) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            r
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use resvg::usvg::fontdb;

    #[test]
    fn without_a_chinese_font_the_card_is_answered_as_svg() {
        let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text y="9">遵义</text></svg>"#;
        let empty = Arc::new(fontdb::Database::new());
        let r = card_answer(render::rendered(&empty, svg), svg.into(), &HeaderMap::new(), 10);
        assert_eq!(r.headers()[header::CONTENT_TYPE], "image/svg+xml; charset=utf-8");
        let r = card_answer(Rendered::Png(vec![1, 2].into()), svg.into(), &HeaderMap::new(), 10);
        assert_eq!(r.headers()[header::CONTENT_TYPE], "image/png");
    }
}
