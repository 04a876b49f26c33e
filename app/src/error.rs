//! One error type for every handler.
//!
//! An `AppError` does not render itself: it becomes an empty response carrying an
//! [`ErrorInfo`] extension. A middleware on each URL tree turns that into the right body — a
//! translated HTML page on the site, RFC 9457 problem+json on the API — and logs server
//! errors once. Internal error text lives only in the log, never in a response.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A field-level validation problem: which field, and the catalog key of the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Form or JSON field name.
    pub field: &'static str,
    /// Translation key of the message.
    pub key: &'static str,
}

/// Everything that can go wrong in a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such page or object (or not visible to this user).
    #[error("not found")]
    NotFound,
    /// The action needs a logged-in user.
    #[error("login required")]
    Unauthorized,
    /// The user may not do this.
    #[error("forbidden")]
    Forbidden,
    /// The CSRF token or Origin check failed.
    #[error("csrf check failed")]
    Csrf,
    /// Too many attempts; try again later.
    #[error("too many requests")]
    TooManyRequests {
        /// Seconds until the limit resets.
        retry_after: u64,
    },
    /// Too much of something is under way (message key): try again in a few seconds.
    #[error("busy: {key}")]
    Busy {
        /// Translation key of the detail.
        key: &'static str,
        /// Seconds to wait.
        retry_after: u64,
    },
    /// The request could not be understood (message key).
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// The body is larger than this route takes.
    #[error("payload too large")]
    TooLarge,
    /// The body is not of a media type this route reads (message key).
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(&'static str),
    /// The request conflicts with the current state (message key).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// Input failed validation.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// A business rule says no (message key), e.g. "booking has not opened yet".
    #[error("rule: {0}")]
    Rule(&'static str),
    /// A database failure.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// A template failed to render.
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    /// Anything else unexpected.
    #[error("internal: {0:#}")]
    Internal(#[from] anyhow::Error),
}

/// Shorthand for handler results.
pub type AppResult<T> = Result<T, AppError>;

/// What the error middlewares need to render an error; attached as a response extension.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// Translation key of the title.
    pub title_key: &'static str,
    /// Translation key of a detail message, if any.
    pub detail_key: Option<&'static str>,
    /// Field errors, for 422.
    pub fields: Vec<FieldError>,
    /// For 429.
    pub retry_after: Option<u64>,
    /// For the log only; never rendered.
    pub internal: Option<String>,
}

impl ErrorInfo {
    /// What to say about a bare error status that came without an `AppError`.
    pub fn for_status(status: StatusCode) -> Self {
        Self {
            title_key: title_for_status(status),
            detail_key: None,
            fields: Vec::new(),
            retry_after: None,
            internal: None,
        }
    }
}

impl AppError {
    /// HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Invalid(_) | AppError::Rule(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Db(_) | AppError::Template(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn info(self) -> ErrorInfo {
        let base = |title_key| ErrorInfo {
            title_key,
            detail_key: None,
            fields: Vec::new(),
            retry_after: None,
            internal: None,
        };
        match self {
            AppError::NotFound => base("error.not_found"),
            AppError::Unauthorized => base("error.unauthorized"),
            AppError::Forbidden => base("error.forbidden"),
            AppError::Csrf => ErrorInfo { detail_key: Some("error.csrf_detail"), ..base("error.csrf") },
            AppError::TooManyRequests { retry_after } => ErrorInfo {
                retry_after: Some(retry_after),
                detail_key: Some("error.too_many_detail"),
                ..base("error.too_many")
            },
            AppError::Busy { key, retry_after } => {
                ErrorInfo { retry_after: Some(retry_after), detail_key: Some(key), ..base("error.busy") }
            }
            AppError::BadRequest(key) => ErrorInfo { detail_key: Some(key), ..base("error.bad_request") },
            AppError::TooLarge => base("error.too_large"),
            AppError::UnsupportedMediaType(key) => ErrorInfo { detail_key: Some(key), ..base("error.bad_request") },
            AppError::Conflict(key) => ErrorInfo { detail_key: Some(key), ..base("error.conflict") },
            AppError::Invalid(fields) => ErrorInfo { fields, ..base("error.invalid") },
            AppError::Rule(key) => ErrorInfo { detail_key: Some(key), ..base("error.rule") },
            other @ (AppError::Db(_) | AppError::Template(_) | AppError::Internal(_)) => {
                ErrorInfo { internal: Some(other.to_string()), ..base("error.internal") }
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut response = status.into_response();
        response.extensions_mut().insert(self.info());
        response
    }
}

/// Title key for a bare status produced outside our handlers (axum rejections, timeouts,
/// body limits, panics, unknown routes).
pub fn title_for_status(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "error.not_found",
        StatusCode::METHOD_NOT_ALLOWED => "error.method_not_allowed",
        StatusCode::UNAUTHORIZED => "error.unauthorized",
        StatusCode::FORBIDDEN => "error.forbidden",
        StatusCode::PAYLOAD_TOO_LARGE => "error.too_large",
        StatusCode::REQUEST_TIMEOUT => "error.timeout",
        StatusCode::TOO_MANY_REQUESTS => "error.too_many",
        StatusCode::SERVICE_UNAVAILABLE => "error.busy",
        StatusCode::UNSUPPORTED_MEDIA_TYPE | StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => {
            "error.bad_request"
        }
        s if s.is_server_error() => "error.internal",
        _ => "error.bad_request",
    }
}
