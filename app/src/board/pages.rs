//! The public board's pages, open to everyone without logging in: the board (filters, the
//! map, a page of the list), one public case, and its reviewed photos.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use crate::app::AppState;
use crate::board::map::LEGEND;
use crate::board::store::{self as board, Narrow, Query as BoardFilter};
use crate::board::views::{BoardCasePage, BoardPage, BoardQuery, BoardStep, Names, PAGE_SIZE};
use crate::cases;
use crate::error::{AppError, AppResult};
use crate::web::extract::{Path, Query};
use crate::web::{Ctx, render};

/// Most cases drawn on the map (the newest; the list pages through all).
const MAP_LIMIT: i64 = 1000;

/// Routes of the board.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/board", get(board_page))
        .route("/board/{id}", get(case_page))
        .route("/board/{id}/photos/{file}", get(picture))
}

/// The board: filters, the map of what they find, and a page of the list.
async fn board_page(State(state): State<AppState>, ctx: Ctx, Query(q): Query<BoardQuery>) -> AppResult<Response> {
    let now = state.clock.unix();
    let code = q.category.trim();
    let (major, code) = match code.len() {
        0 => (None, None),
        2 => (Some(code.to_owned()), None),
        _ => (None, Some(code.to_owned())),
    };
    let filter = BoardFilter {
        code,
        from: q.days().map_or(0, |d| now - d * 86_400),
        to: i64::MAX,
        open: match q.state.as_str() {
            "open" => Some(true),
            "closed" => Some(false),
            _ => None,
        },
        limit: MAP_LIMIT,
        ..BoardFilter::default()
    };
    let page = q.page();
    let narrow = Narrow { major, street: q.street_id(), offset: 0 };
    let mut conn = state.db.conn().await?;
    let on_map = board::search(&mut conn, &filter, &narrow).await?;
    let total = board::count(&mut conn, &filter, &narrow).await?;
    let listed = board::search(
        &mut conn,
        &BoardFilter { limit: PAGE_SIZE, ..filter.clone() },
        &Narrow { offset: (page - 1) * PAGE_SIZE, ..narrow },
    )
    .await?;
    let categories = cases::categories(&mut conn).await?;
    drop(conn);
    let names = Names::new(state.structure.get(&state).await?);
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let map = names.map(&ctx, &on_map);
    let off_map = (map.off_map > 0).then(|| ctx.tf("board.off_map", &[("n", &map.off_map.to_string())]));
    render(&BoardPage {
        filters: names.filters(&ctx, &q, &categories),
        found: ctx.tf("board.found", &[("n", &total.to_string())]),
        page_of: ctx.tf("board.page_of", &[("page", &page.to_string()), ("pages", &pages.to_string())]),
        off_map,
        map,
        legend: &LEGEND,
        rows: listed.iter().map(|c| names.row(&ctx, c)).collect(),
        prev: (page > 1).then(|| q.url(page - 1)),
        next: (page < pages).then(|| q.url(page + 1)),
        ctx,
    })
}

/// One public case (404 for a case of a category the public does not see).
async fn case_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let mut conn = state.db.conn().await?;
    let case = board::one(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let steps = board::steps(&mut conn, id).await?;
    let photos = board::photos(&mut conn, id).await?;
    drop(conn);
    let names = Names::new(state.structure.get(&state).await?);
    render(&BoardCasePage {
        category: names.category(ctx.locale, &case),
        department: case.department.as_deref().map(|d| ctx.name(d, case.department_en.as_deref())),
        class: crate::board::map::class(case.state),
        place: names.place(case.street_id, case.community_id),
        filed: ctx.when(case.created_at),
        deadline: case.deadline_at.map(|t| ctx.when(t)),
        steps: steps.into_iter().map(|s| BoardStep::new(&state, &ctx, s)).collect(),
        photos,
        case,
        ctx,
    })
}

/// A reviewed photo of a public case. Public, but cached only briefly: a dispatcher may
/// take the review back.
async fn picture(State(state): State<AppState>, Path((id, file)): Path<(i64, String)>) -> AppResult<Response> {
    use axum::response::IntoResponse as _;
    let image: i64 = file.strip_suffix(".jpg").and_then(|n| n.parse().ok()).ok_or(AppError::NotFound)?;
    let stored = board::photo(&mut *state.db.conn().await?, id, image).await?.ok_or(AppError::NotFound)?;
    let headers = [
        (axum::http::header::CONTENT_TYPE, stored.content_type),
        (axum::http::header::CACHE_CONTROL, "public, max-age=300".to_owned()),
    ];
    Ok((headers, stored.bytes).into_response())
}
