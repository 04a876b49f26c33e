//! Extractors whose rejections are our own errors: axum's default rejections answer with
//! English text naming internal types, which must never reach a resident.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// PostgreSQL's text cannot hold U+0000, SQLite's can: text carrying it is refused here, as a
/// 400 on either engine, instead of reaching the database and failing there as a 500 on one.
const NUL_REFUSED: AppError = AppError::BadRequest("error.text_nul");

/// Whether a urlencoded string (a query or a form body) encodes U+0000; a raw one cannot occur.
fn encodes_nul(urlencoded: &[u8]) -> bool {
    urlencoded.windows(3).any(|w| w == b"%00")
}

/// Whether any string of a JSON value, or any key, holds U+0000.
fn holds_nul(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(items) => items.iter().any(holds_nul),
        serde_json::Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || holds_nul(v)),
        _ => false,
    }
}

/// A urlencoded form body.
#[derive(Debug, Clone)]
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if req.uri().query().is_some_and(|q| encodes_nul(q.as_bytes())) {
            return Err(NUL_REFUSED);
        }
        let (parts, body) = req.into_parts();
        let bytes = axum::body::Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(|_| AppError::BadRequest("error.form_unreadable"))?;
        if encodes_nul(&bytes) {
            return Err(NUL_REFUSED);
        }
        let req = Request::from_parts(parts, axum::body::Body::from(bytes));
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|f| Form(f.0))
            .map_err(|_| AppError::BadRequest("error.form_unreadable"))
    }
}

/// A JSON body, as request or response. A body over the route's limit is a 413, one sent
/// without `Content-Type: application/json` a 415, and one that is not JSON or not of the
/// expected shape a 400 (422 is kept for values that are read but refused, with their fields).
#[derive(Debug, Clone)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(value) =
            axum::Json::<serde_json::Value>::from_request(req, state).await.map_err(|rejection| {
                match rejection.status() {
                    StatusCode::PAYLOAD_TOO_LARGE => AppError::TooLarge,
                    StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType("error.json_content_type"),
                    _ => AppError::BadRequest("error.json_unreadable"),
                }
            })?;
        if holds_nul(&value) {
            return Err(NUL_REFUSED);
        }
        serde_json::from_value(value).map(Json).map_err(|_| AppError::BadRequest("error.json_unreadable"))
    }
}

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

/// The query string.
#[derive(Debug, Clone)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if parts.uri.query().is_some_and(|q| encodes_nul(q.as_bytes())) {
            return Err(NUL_REFUSED);
        }
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|_| AppError::BadRequest("error.query_unreadable"))
    }
}

/// Path parameters; a malformed id is simply "not found".
#[derive(Debug, Clone)]
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|_| AppError::NotFound)
    }
}

/// Reads a form that may carry one file in the field `file_field`: multipart when a file can come
/// (an upload form), urlencoded otherwise. The text fields are decoded as [`Form`] decodes them, so
/// one struct serves both encodings; the file's bytes (empty when none came) come beside it.
pub async fn form_with_file<T: DeserializeOwned, S: Send + Sync>(
    request: Request,
    state: &S,
    file_field: &str,
) -> Result<(T, Vec<u8>), AppError> {
    use axum::http::header::CONTENT_TYPE;
    let unreadable = |_| AppError::BadRequest("error.form_unreadable");
    let multipart = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let Form(f) = Form::<T>::from_request(request, state).await?;
        return Ok((f, Vec::new()));
    }
    let mut form = axum::extract::Multipart::from_request(request, state)
        .await
        .map_err(|_| AppError::BadRequest("error.form_unreadable"))?;
    // Gathered first and encoded after the last await: the encoder is not `Send`.
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut file = Vec::new();
    while let Some(field) = form.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == file_field {
            file = field.bytes().await.map_err(unreadable)?.to_vec();
        } else {
            pairs.push((name, field.text().await.map_err(unreadable)?));
        }
    }
    // A POST: for a GET the form decoder would read the (empty) query string instead.
    let urlencoded = Request::builder()
        .method(axum::http::Method::POST)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()))
        .map_err(|_| AppError::BadRequest("error.form_unreadable"))?;
    let Form(f) = Form::<T>::from_request(urlencoded, state).await?;
    Ok((f, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_is_found_wherever_text_can_carry_it() {
        assert!(encodes_nul(b"name=a%00b"));
        assert!(!encodes_nul(b"name=a%2500b"), "a typed `%00` is encoded as `%2500`");
        assert!(!encodes_nul(b"name=%0"));
        assert!(holds_nul(&serde_json::json!({"a": [1, {"b": "x\u{0}y"}]})));
        assert!(holds_nul(&serde_json::json!({"a\u{0}": 1})));
        assert!(!holds_nul(&serde_json::json!({"a": ["\\u0000", 0, null, true]})));
    }
}
