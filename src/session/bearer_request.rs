//! A request that presents `Authorization: Bearer <token>`: it is that
//! token's user with at most the token's scopes, and nothing else. Its
//! cookies are not read (a cookie and a token together never add up to more
//! than the token), none are set, and no CSRF token is asked for: a browser
//! never attaches this header on its own, so a forged cross-site request
//! cannot carry it.

use axum::{
    RequestExt as _,
    extract::{MatchedPath, RawPathParams, Request},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use uuid::Uuid;

use super::{Rule, Scope, SessionHandle, Sessions, errors, rule};
use crate::error::ApiError;

/// The token of an `Authorization: Bearer` header, if there is one; an
/// empty one is presented too (and refused), never ignored.
pub(super) fn presented(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?;
    let value = String::from_utf8_lossy(value.as_bytes());
    let value = value.trim();
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

pub(super) async fn serve(
    sessions: &Sessions,
    handle: SessionHandle,
    token: &str,
    mut req: Request,
    next: Next,
) -> Response {
    let ctx = match sessions.load_token(token).await {
        Ok(Some(ctx)) => ctx,
        Ok(None) => return invalid_token(),
        Err(e) => return ApiError::Internal(e).into_response(),
    };
    let Some(grant) = ctx.token.clone() else {
        return invalid_token();
    };
    let rule = req
        .extensions()
        .get::<MatchedPath>()
        .map_or(Rule::Refused, |route| rule(req.method(), route.as_str()));
    match rule {
        Rule::Refused => {
            return ApiError::forbidden(
                errors::TOKEN_NOT_ALLOWED,
                "this endpoint cannot be called with an API token",
            )
            .into_response();
        }
        Rule::Needs(scope) if !grant.scopes.contains(&scope) => return insufficient(scope),
        Rule::Needs(_) | Rule::Open => {}
    }
    if let (Some(task), Rule::Needs(_)) = (grant.task_id, rule) {
        let params = req.extract_parts::<RawPathParams>().await.ok();
        let on_task = params.iter().flat_map(|p| p.iter()).any(|(name, value)| {
            name == "task_id" && value.parse::<Uuid>().is_ok_and(|id| id == task)
        });
        if !on_task {
            return ApiError::forbidden(
                errors::TOKEN_TASK_LIMITED,
                "this API token is limited to another task",
            )
            .into_response();
        }
    }
    sessions.note_token_use(&ctx, &handle.client()).await;
    handle.set_current(ctx);
    req.extensions_mut().insert(handle);
    next.run(req).await
}

fn invalid_token() -> Response {
    let mut response = ApiError::unauthorized(
        errors::INVALID_TOKEN,
        "the API token is unknown, revoked or expired",
    )
    .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer error=\"invalid_token\""),
    );
    response
}

/// 403 naming the scope the token lacks, in the body and in the
/// `WWW-Authenticate` challenge (RFC 6750).
fn insufficient(scope: Scope) -> Response {
    let mut response = ApiError::new(
        StatusCode::FORBIDDEN,
        errors::INSUFFICIENT_SCOPE,
        format!("this API token lacks the scope {}", scope.as_str()),
    )
    .into_response();
    if let Ok(challenge) = HeaderValue::from_str(&format!(
        "Bearer error=\"insufficient_scope\", scope=\"{}\"",
        scope.as_str()
    )) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, challenge);
    }
    response
}
