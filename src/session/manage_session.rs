//! `manage_session`, the per-request session middleware, and the extractors
//! handlers use to say who may call them.
//!
//! A valid session ID gives the request its series. Without one, a refresh
//! token rotates transparently on this very request. CSRF is checked here for
//! unsafe methods of requests that carry a session. Whatever pair a handler
//! or the middleware issues is written to the response's cookies in one place.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex, MutexGuard},
};

use axum::{
    extract::{ConnectInfo, FromRequestParts, Request, State},
    http::{HeaderMap, Method, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Response},
};
use subtle::ConstantTimeEq;

use super::{
    ClientMeta, Issued, RefreshFailure, RefreshToken, Refreshed, SessionContext, Sessions,
    bearer_request, client_ip::client_ip, errors, origin::CSRF_HEADER,
};
use crate::{
    config::TrustedProxy,
    error::{ApiError, Result},
};

#[derive(Debug, Default)]
enum CookieUpdate {
    #[default]
    Keep,
    Issue(Issued),
    Clear,
}

#[derive(Debug, Default)]
struct Slot {
    current: Option<SessionContext>,
    cookies: CookieUpdate,
    refresh_failure: Option<RefreshFailure>,
    refresh_token: Option<RefreshToken>,
    client: ClientMeta,
}

/// The request's session state, shared between the middleware and handlers.
/// The lock is never held across an await.
#[derive(Clone, Default)]
pub struct SessionHandle(Arc<Mutex<Slot>>);

impl SessionHandle {
    fn lock(&self) -> MutexGuard<'_, Slot> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn current(&self) -> Option<SessionContext> {
        self.lock().current.clone()
    }

    pub fn client(&self) -> ClientMeta {
        self.lock().client.clone()
    }

    /// Whether this request already rotated its pair (transparently).
    pub fn rotated(&self) -> bool {
        matches!(self.lock().cookies, CookieUpdate::Issue(_))
    }

    /// Why a refresh token presented with this request was refused, if it was.
    pub fn refresh_failure(&self) -> Option<RefreshFailure> {
        self.lock().refresh_failure
    }

    pub fn refresh_token(&self) -> Option<RefreshToken> {
        self.lock().refresh_token.clone()
    }

    /// The request is this caller's (a bearer token's), with no cookies.
    pub(super) fn set_current(&self, ctx: SessionContext) {
        self.lock().current = Some(ctx);
    }

    /// Installs a newly issued pair: the request continues as that session and
    /// the response sets its cookies.
    pub fn issue(&self, ctx: SessionContext, issued: Issued) {
        let mut slot = self.lock();
        slot.current = Some(ctx);
        slot.cookies = CookieUpdate::Issue(issued);
    }

    /// Forgets the session: the response clears both cookies.
    pub fn clear(&self) {
        let mut slot = self.lock();
        slot.current = None;
        slot.cookies = CookieUpdate::Clear;
    }
}

fn client_meta(req: &Request, trusted: &[TrustedProxy]) -> ClientMeta {
    ClientMeta {
        user_agent: req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(512).collect()),
        ip: req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| client_ip(addr.ip(), req.headers(), trusted).to_string()),
    }
}

fn csrf_ok(headers: &HeaderMap, ctx: &SessionContext) -> bool {
    headers
        .get(CSRF_HEADER)
        .is_some_and(|v| bool::from(v.as_bytes().ct_eq(ctx.csrf_token.as_bytes())))
}

pub async fn manage_session(
    State(sessions): State<Arc<Sessions>>,
    mut req: Request,
    next: Next,
) -> Response {
    let handle = SessionHandle::default();
    {
        let mut slot = handle.lock();
        slot.client = client_meta(&req, &sessions.trusted_proxies);
    }
    if let Some(token) = bearer_request::presented(req.headers()) {
        return bearer_request::serve(&sessions, handle, &token, req, next).await;
    }
    let names = &sessions.cookies;
    let (sid, rt) = names.read(req.headers());
    let carries_session = sid.is_some() || rt.is_some();

    if let Err(response) = resolve(&sessions, &handle, sid, rt).await {
        return finish(&sessions, &handle, response);
    }

    let unsafe_method = !matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    // Verifying the refresh token costs an HMAC, so a request whose session
    // ID resolved pays it only when a handler may use the token (an explicit
    // refresh, a logout): never on a safe method.
    if unsafe_method && rt.is_some() {
        let mut slot = handle.lock();
        if slot.refresh_token.is_none() {
            slot.refresh_token = rt.and_then(|rt| sessions.keys.parse(rt));
        }
    }
    if unsafe_method && carries_session {
        if let Some(ctx) = handle.current() {
            if !csrf_ok(req.headers(), &ctx) {
                let err = ApiError::forbidden(
                    errors::CSRF_FAILED,
                    "missing or wrong X-CSRF-Token header",
                );
                return finish(&sessions, &handle, err.into_response());
            }
        }
    }

    req.extensions_mut().insert(handle.clone());
    let response = next.run(req).await;
    finish(&sessions, &handle, response)
}

/// Finds the request's session from its cookies, rotating when only the
/// refresh token is still good.
async fn resolve(
    sessions: &Sessions,
    handle: &SessionHandle,
    sid: Option<&str>,
    rt: Option<&str>,
) -> std::result::Result<(), Response> {
    if let Some(sid) = sid {
        match sessions.load(sid).await {
            Ok(Some(ctx)) => {
                handle.lock().current = Some(ctx);
                return Ok(());
            }
            Ok(None) => {}
            Err(e) => return Err(ApiError::Internal(e).into_response()),
        }
    }
    let Some(rt) = rt else {
        if sid.is_some() {
            handle.clear();
        }
        return Ok(());
    };
    let parsed = sessions.keys.parse(rt);
    handle.lock().refresh_token = parsed.clone();
    let Some(token) = parsed else {
        handle.lock().refresh_failure = Some(RefreshFailure::Unknown);
        handle.clear();
        return Ok(());
    };
    match sessions.refresh(&token, &handle.client()).await {
        Ok(Refreshed::Rotated(ctx, issued) | Refreshed::Replayed(ctx, issued)) => {
            handle.issue(ctx, issued);
        }
        Ok(Refreshed::Failed(RefreshFailure::Reused)) => {
            handle.clear();
            return Err(ApiError::from(RefreshFailure::Reused).into_response());
        }
        Ok(Refreshed::Failed(failure)) => {
            handle.lock().refresh_failure = Some(failure);
            handle.clear();
        }
        Err(e) => return Err(ApiError::Internal(e).into_response()),
    }
    Ok(())
}

fn finish(sessions: &Sessions, handle: &SessionHandle, mut response: Response) -> Response {
    let names = &sessions.cookies;
    match &handle.lock().cookies {
        CookieUpdate::Keep => {}
        CookieUpdate::Issue(issued) => names.issue(response.headers_mut(), issued),
        CookieUpdate::Clear => names.clear(response.headers_mut()),
    }
    response
}

fn handle_of(parts: &Parts) -> SessionHandle {
    // Routes outside `manage_session` (none today) see an empty session.
    parts
        .extensions
        .get::<SessionHandle>()
        .cloned()
        .unwrap_or_default()
}

impl<S: Send + Sync> FromRequestParts<S> for SessionHandle {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(handle_of(parts))
    }
}

/// The caller's session, if it has one; never starts one.
pub struct MaybeSession(pub Option<SessionContext>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeSession {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(handle_of(parts).current()))
    }
}

/// The caller's session; 401 `no_session` without one.
pub struct CurrentSession(pub SessionContext);

impl<S: Send + Sync> FromRequestParts<S> for CurrentSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        handle_of(parts)
            .current()
            .map(Self)
            .ok_or_else(|| ApiError::unauthorized(errors::NO_SESSION, "no session"))
    }
}
