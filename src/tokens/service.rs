//! Creating and revoking tokens. A creation needs a recent sign-in (or the
//! password again), runs under the user's row lock so a disable cannot
//! race it, and is audited with its scopes; a revocation is the token's
//! series' revocation, so it reaches every instance's cache by `NOTIFY`.

use std::collections::BTreeMap;

use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::{
    TokensState, errors,
    model::{CreatedToken, NewTokenRequest},
    queries,
};
use crate::{
    audit,
    auth::{AccountError, CurrentUser},
    error::{ApiError, Result},
    session::{ClientMeta, NewToken, Selector, Sessions},
    tasks::Viewer,
};

const NAME_MAX: usize = 100;
const DAYS_MAX: u32 = 3650;
/// Live tokens a user may hold at once.
const MAX_LIVE: i64 = 100;

/// The request's fields checked; the scopes deduplicated in a fixed order.
fn validate(body: &NewTokenRequest) -> Result<(String, Vec<String>)> {
    let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let name = body.name.as_str();
    let len = name.chars().take(NAME_MAX + 1).count();
    if len == 0 {
        fields.insert("name".into(), vec!["required".into()]);
    } else if len > NAME_MAX {
        fields.insert("name".into(), vec!["too_long".into()]);
    }
    if body.scopes.is_empty() {
        fields.insert("scopes".into(), vec!["required".into()]);
    }
    if body.expires_in_days.is_some_and(|d| d == 0 || d > DAYS_MAX) {
        fields.insert("expires_in_days".into(), vec!["out_of_range".into()]);
    }
    if !fields.is_empty() {
        return Err(ApiError::Validation(fields));
    }
    let scopes = crate::session::Scope::ALL
        .into_iter()
        .filter(|s| body.scopes.contains(s))
        .map(|s| s.as_str().to_owned())
        .collect();
    Ok((name.to_owned(), scopes))
}

fn actor(user: &CurrentUser, client: &ClientMeta) -> audit::Actor {
    audit::Actor {
        user_id: Some(user.id),
        series_id: Some(user.session.series_id),
        ip: client.ip.clone(),
    }
}

pub(super) async fn create(
    state: &TokensState,
    user: &CurrentUser,
    client: &ClientMeta,
    body: NewTokenRequest,
) -> Result<CreatedToken> {
    if user.session.token.is_some() {
        // `bearer_policy` refuses this route to tokens; a token never mints one.
        return Err(ApiError::forbidden(
            crate::session::errors::TOKEN_NOT_ALLOWED,
            "an API token cannot create tokens",
        ));
    }
    let (name, scopes) = validate(&body)?;
    match &body.password {
        Some(password) => {
            state
                .accounts
                .confirm_password(user.id, password, None, client, &user.session)
                .await?;
        }
        None => state.sessions.require_fresh(&user.session).await?,
    }
    if let Some(task_id) = body.task_id {
        Viewer::from(&user.session).read(&state.db, task_id).await?;
    }
    let expires_at = body
        .expires_in_days
        .map(|d| OffsetDateTime::now_utc() + Duration::days(i64::from(d)));
    let new = NewToken::generate();
    let mut tx = state.db.begin().await?;
    let series_id = state
        .sessions
        .start_token_series(&mut tx, user.id, expires_at, client)
        .await
        .map_err(AccountError::from)?;
    if queries::count_live(&mut tx, user.id).await? >= MAX_LIVE {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            errors::TOO_MANY_TOKENS,
            format!("at most {MAX_LIVE} live API tokens per user; revoke one first"),
        ));
    }
    let token = queries::insert(
        &mut tx,
        queries::NewRow {
            id: Uuid::new_v4(),
            series_id,
            user_id: user.id,
            name: &name,
            prefix: &new.prefix,
            secret_hash: &new.hash,
            scopes: &scopes,
            task_id: body.task_id,
            expires_at,
        },
    )
    .await?;
    audit::record(
        &mut tx,
        audit::Kind::TokenCreated,
        &actor(user, client),
        Some(&token.id.to_string()),
        serde_json::json!({
            "name": name, "scopes": scopes, "task_id": body.task_id, "expires_at": expires_at,
        }),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(token_id = %token.id, "API token created");
    Ok(CreatedToken {
        secret: new.token,
        token,
    })
}

/// Revokes a token: the caller's own (`owner`), or anyone's for an admin
/// (`None`). 404 `token_not_found` when there is no such token; revoking
/// an already revoked token changes nothing.
pub async fn revoke(
    db: &sqlx::PgPool,
    sessions: &Sessions,
    token_id: Uuid,
    owner: Option<Uuid>,
    actor: &audit::Actor,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let found = queries::find(&mut tx, token_id, owner)
        .await?
        .ok_or_else(errors::token_not_found)?;
    let revoked = sessions
        .revoke_in(
            &mut tx,
            Selector::series(found.series_id),
            "token_revoked",
            actor,
        )
        .await?;
    if !revoked.is_empty() {
        audit::record(
            &mut tx,
            audit::Kind::TokenRevoked,
            actor,
            Some(&token_id.to_string()),
            serde_json::json!({ "name": found.name, "user_id": found.user_id }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
