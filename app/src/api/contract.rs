//! The answers an operation gives because of its shape, documented in one place.
//!
//! Some statuses follow from what an operation takes, not from what it does: every operation
//! checks a bearer token if one is sent, reads its body, query and path through the extractors of
//! `web::extract`, and runs under the API's timeout. [`GenericAnswers`] walks the generated
//! document once and adds those answers to every operation whose shape gives them, so a new
//! operation is documented for them without a line of its own:
//!
//! | shape | status | why |
//! |---|---|---|
//! | every operation | 401 | a missing token where one is required; a malformed or unknown one anywhere (`authenticate`) |
//! | every operation | 408 | the request took longer than `request_timeout_secs` (the timeout layer) |
//! | a JSON body | 400 | not JSON, not of the body's shape, or text holding U+0000 (`web::extract::Json`, or the optional bodies' reader) |
//! | a required JSON body | 415 | sent without `Content-Type: application/json` |
//! | any body | 413 | larger than the route takes (`max_body_bytes`, 10 MB for pictures) |
//! | query or header parameters | 400 | a parameter that cannot be read or holds U+0000 (`web::extract::Query`, a bad cursor or limit) |
//! | path parameters | 404 | no such object, not one the caller may see, or a malformed id (`web::extract::Path`) |
//!
//! What an operation answers for reasons of its own — 403 for a role that may not, 409 for a
//! state that conflicts, 422 for a rule or a field that says no, 404 for an object named in the
//! body, 503 when the picture decoders are busy — its handler's annotation says, with the
//! reason; an operation that documents one of the statuses above itself keeps its own
//! description, which then covers the generic reason too. No API operation is throttled (429):
//! the throttled steps — logins, codes, password changes — are pages of the site.
//!
//! Every error answer of the API is RFC 9457 problem+json (the `problems` middleware), so every
//! error response in the document, generic or not, is given the `Problem` schema under
//! `application/problem+json`. A connection over the server's cap is refused before any request
//! is read (an empty `503`, see `server`); that is no operation's answer and is said once, in the
//! document's description.

use utoipa::Modify;
use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::request_body::RequestBody;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required};

/// The media type of every error answer.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Adds the answers that follow from each operation's shape (see the module's table).
#[derive(Debug, Clone, Copy)]
pub struct GenericAnswers;

impl Modify for GenericAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let shared: Vec<ParameterIn> = item.parameters.iter().flatten().filter_map(parameter_in).collect();
            for operation in operations_mut(item) {
                // Every operation reads a token if one is sent: where none is required, say so
                // as OpenAPI does, with an empty requirement beside the bearer one.
                let security = operation.security.get_or_insert_with(Vec::new);
                if security.is_empty() {
                    security.extend([SecurityRequirement::default(), bearer()]);
                }
                let mut places = shared.clone();
                places.extend(operation.parameters.iter().flatten().filter_map(parameter_in));
                for (status, description) in generic_answers(operation, &places) {
                    operation.responses.responses.entry(status.to_string()).or_insert_with(|| problem(description));
                }
                for (status, response) in &mut operation.responses.responses {
                    if let (true, RefOr::T(response)) = (status.starts_with('4') || status.starts_with('5'), response) {
                        as_problem(response);
                    }
                }
            }
        }
    }
}

/// The generic answers one operation gives, as (status, description).
fn generic_answers(operation: &Operation, parameters: &[ParameterIn]) -> Vec<(u16, &'static str)> {
    let requirements = operation.security.as_deref().unwrap_or_default();
    let secured = !requirements.is_empty() && !requirements.contains(&SecurityRequirement::default());
    let mut out = vec![
        if secured {
            (401, "No bearer token, or a malformed, unknown, revoked or expired one")
        } else {
            (401, "A bearer token was sent and it is malformed, unknown, revoked or expired (none is needed)")
        },
        (408, "The request took longer than the server allows; try again"),
    ];
    if let Some(RefOr::T(body)) = &operation.request_body {
        if takes_json(body) {
            out.push((400, "The body is not JSON, not of the documented shape, or has text holding U+0000"));
            if body.required == Some(Required::True) {
                out.push((415, "The body was not sent as `Content-Type: application/json`"));
            }
        }
        out.push((413, "The body is larger than this operation takes"));
    }
    if parameters.iter().any(|p| matches!(p, ParameterIn::Query | ParameterIn::Header)) {
        out.push((400, "A query or header parameter cannot be read"));
    }
    if parameters.contains(&ParameterIn::Path) {
        out.push((404, "Nothing at this address: no such object, not one you may see, or a malformed id"));
    }
    out
}

/// The bearer token requirement (the scheme is declared in `api::BearerAuth`).
pub fn bearer() -> SecurityRequirement {
    SecurityRequirement::new("bearer", Vec::<String>::new())
}

fn takes_json(body: &RequestBody) -> bool {
    body.content.keys().any(|media| media == "application/json" || media.ends_with("+json"))
}

fn parameter_in(parameter: &RefOr<utoipa::openapi::path::Parameter>) -> Option<ParameterIn> {
    match parameter {
        RefOr::T(p) => Some(p.parameter_in.clone()),
        RefOr::Ref(_) => None,
    }
}

/// Every operation of a path item.
pub fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.options.as_mut(),
        item.head.as_mut(),
        item.patch.as_mut(),
        item.trace.as_mut(),
        item.query.as_mut(),
    ]
    .into_iter()
    .flatten()
    .chain(item.additional_operations.values_mut())
}

/// An error response: a problem, whatever the handler's annotation gave as its content.
fn problem(description: &str) -> RefOr<Response> {
    let mut response = ResponseBuilder::new().description(description).build();
    as_problem(&mut response);
    RefOr::T(response)
}

fn as_problem(response: &mut Response) {
    response.content.clear();
    response.content.insert(
        PROBLEM_JSON.to_owned(),
        RefOr::T(ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build()),
    );
}

#[cfg(test)]
mod tests {
    use utoipa::openapi::path::OperationBuilder;
    use utoipa::openapi::request_body::RequestBodyBuilder;

    use super::*;

    fn statuses(operation: &Operation, parameters: &[ParameterIn]) -> Vec<u16> {
        let mut s: Vec<u16> = generic_answers(operation, parameters).into_iter().map(|(s, _)| s).collect();
        s.sort_unstable();
        s.dedup();
        s
    }

    #[test]
    fn each_shape_gives_its_answers() {
        let bare = OperationBuilder::new().build();
        assert_eq!(statuses(&bare, &[]), [401, 408]);
        assert_eq!(statuses(&bare, &[ParameterIn::Path]), [401, 404, 408]);
        assert_eq!(statuses(&bare, &[ParameterIn::Query]), [400, 401, 408]);
        let json = |required| {
            RequestBodyBuilder::new()
                .content("application/json", ContentBuilder::new().build())
                .required(Some(required))
                .build()
        };
        let posted = OperationBuilder::new().request_body(Some(json(Required::True))).build();
        assert_eq!(statuses(&posted, &[]), [400, 401, 408, 413, 415]);
        let optional = OperationBuilder::new().request_body(Some(json(Required::False))).build();
        assert_eq!(statuses(&optional, &[]), [400, 401, 408, 413], "an optional body is read whatever its type");
        let picture = RequestBodyBuilder::new().content("image/jpeg", ContentBuilder::new().build()).build();
        let upload = OperationBuilder::new().request_body(Some(picture)).build();
        assert_eq!(statuses(&upload, &[]), [401, 408, 413]);
        let secured = OperationBuilder::new().security(bearer()).build();
        assert!(generic_answers(&secured, &[])[0].1.starts_with("No bearer token"));
        let optional = OperationBuilder::new().security(SecurityRequirement::default()).security(bearer()).build();
        assert!(generic_answers(&optional, &[])[0].1.starts_with("A bearer token was sent"));
    }
}
