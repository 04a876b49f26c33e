//! Pages for what a person holds besides their password ([`credentials`]): their API tokens
//! (list, make, revoke), their calendar URL (rotate), and the back office's long-lived service
//! tokens, which only district administrators make.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use crate::accounts::credentials;
use crate::accounts::views::TokensPage;
use crate::app::AppState;
use crate::authz::gate::DistrictAdmin;
use crate::error::{AppError, AppResult};
use crate::ids::UserId;
use crate::web::backoffice::Field;
use crate::web::extract::{Form, Path, Query};
use crate::web::forms::Errors;
use crate::web::guard::Staff;
use crate::web::{Ctx, render, render_status, see_other};

/// Routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me/tokens", get(tokens).post(create))
        .route("/me/tokens/{id}/revoke", post(revoke))
        .route("/me/calendar/rotate", post(rotate_calendar))
        .route("/manage/users/{id}/service-token", post(create_service_token))
}

async fn page(
    state: &AppState,
    ctx: Ctx,
    new_token: Option<String>,
    errors: Errors,
    notice: Option<&'static str>,
) -> AppResult<TokensPage> {
    let user = ctx.user()?;
    let tokens = credentials::list(state, user.id)
        .await?
        .into_iter()
        .map(|t| (t.id, t.label, ctx.when(t.created_at), t.long_lived))
        .collect();
    let fields = vec![Field::text("label", "field.token_label", "").hint("hint.token_label").required()];
    Ok(TokensPage { ctx, tokens, new_token, fields, errors, notice })
}

/// A page showing a token must not be kept by any cache, private ones included.
fn shown_once(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[derive(Debug, Default, Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn tokens(State(state): State<AppState>, ctx: Ctx, Query(q): Query<DoneQuery>) -> AppResult<Response> {
    let notice = (q.done.as_deref() == Some("revoked")).then_some("tokens.revoked");
    render(&page(&state, ctx, None, Errors::none(), notice).await?)
}

#[derive(Debug, Deserialize)]
struct LabelForm {
    #[serde(default)]
    label: String,
}

async fn create(State(state): State<AppState>, ctx: Ctx, Form(f): Form<LabelForm>) -> AppResult<Response> {
    let user = ctx.user()?.id;
    match credentials::issue(&state, Some(user), user, &f.label, false).await {
        Ok(made) => Ok(shown_once(render(&page(&state, ctx, Some(made.token), Errors::none(), None).await?)?)),
        Err(AppError::Invalid(errors)) => {
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page(&state, ctx, None, errors.into(), None).await?)
        }
        Err(other) => Err(other),
    }
}

async fn revoke(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    credentials::revoke(&state, ctx.user()?.id, id).await?;
    Ok(see_other("/me/tokens?done=revoked"))
}

async fn rotate_calendar(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    credentials::rotate_feed(&state, ctx.user()?.id).await?;
    Ok(crate::web::flash::redirect("/me/bookings", crate::web::flash::Flash::CalendarRotated))
}

/// A long-lived service token for an integration's account: district administrators only,
/// since it outlives the account's password changes.
async fn create_service_token(
    State(state): State<AppState>,
    Staff { ctx, user: admin, .. }: Staff<DistrictAdmin>,
    Path(id): Path<i64>,
    Form(f): Form<LabelForm>,
) -> AppResult<Response> {
    crate::accounts::store::user(&mut *state.db.conn().await?, UserId(id)).await?.ok_or(AppError::NotFound)?;
    let made = credentials::issue(&state, Some(admin.id), UserId(id), &f.label, true).await?;
    let page = crate::accounts::views::ServiceTokenPage { ctx, user: UserId(id), token: made.token };
    Ok(shown_once(render(&page)?))
}
