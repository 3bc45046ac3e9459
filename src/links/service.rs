//! The owner's side of links: who may make and manage them, creating (the
//! passphrase hashed on the password-hashing threads, the secret shown
//! once), listing with their views, revoking, and the task's policy on
//! editors. Each creation and revocation is audited in its transaction.

use std::collections::BTreeMap;

use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use super::{
    LinksState, errors,
    model::{CreatedLink, LinkList, LinkPolicy, NewLinkRequest},
    queries, secret,
};
use crate::{
    error::{ApiError, Result},
    sharing::LoggedIn,
    tasks::{Access, Right, TaskError},
};

const PASSPHRASE_MIN: usize = 8;
const PASSPHRASE_MAX: usize = 128;
/// Live links one task may have at once.
const MAX_LIVE: i64 = 100;

/// Locks the task and checks that `by` may make and manage its links: its
/// owner or an admin, or an editor when the owner allows editors to. A
/// task of an anonymous session has no links. A task the caller cannot
/// see at all is `missing()`.
async fn authorize(
    conn: &mut sqlx::PgConnection,
    by: &LoggedIn,
    task_id: Uuid,
    missing: impl FnOnce() -> ApiError,
) -> Result<Access> {
    let access = by
        .viewer
        .authorize(conn, task_id, Right::EditMinutes)
        .await
        .map_err(|e| match e {
            TaskError::NotFound => missing(),
            e => e.into(),
        })?;
    let (owner, editors_may_link) = queries::task_policy(conn, task_id).await?;
    if owner.is_none() {
        return Err(errors::anonymous_task());
    }
    if access == Access::Edit && !editors_may_link {
        return Err(errors::editors_may_not_link());
    }
    Ok(access)
}

fn validate(body: &NewLinkRequest, max_days: u32) -> Result<()> {
    let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if !(1..=max_days).contains(&body.expires_in_days) {
        fields.insert("expires_in_days".into(), vec!["out_of_range".into()]);
    }
    if let Some(phrase) = &body.passphrase {
        let len = phrase.chars().take(PASSPHRASE_MAX + 1).count();
        if len < PASSPHRASE_MIN {
            fields.insert("passphrase".into(), vec!["too_short".into()]);
        } else if len > PASSPHRASE_MAX {
            fields.insert("passphrase".into(), vec!["too_long".into()]);
        }
    }
    if fields.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(fields))
    }
}

pub(super) async fn create(
    state: &LinksState,
    by: &LoggedIn,
    task_id: Uuid,
    body: NewLinkRequest,
) -> Result<CreatedLink> {
    validate(&body, state.link_max_days)?;
    // Hashed before the task is locked: an argon2 run holds no row lock.
    let passphrase_hash = match &body.passphrase {
        Some(phrase) => Some(state.accounts.hash_passphrase(phrase).await?),
        None => None,
    };
    let new = secret::generate();
    let mut tx = state.db.begin().await?;
    authorize(&mut tx, by, task_id, task_not_found).await?;
    if queries::count_live(&mut tx, task_id).await? >= MAX_LIVE {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            errors::TOO_MANY_LINKS,
            format!("at most {MAX_LIVE} live links per meeting; revoke one first"),
        ));
    }
    let link = queries::insert(
        &mut tx,
        queries::NewRow {
            id: Uuid::new_v4(),
            task_id,
            created_by: by.user_id,
            prefix: &new.prefix,
            secret_hash: &new.hash,
            passphrase_hash: passphrase_hash.as_deref(),
            include_transcript: body.include_transcript,
            include_recording: body.include_recording,
            expires_in_days: body.expires_in_days,
        },
    )
    .await?;
    crate::audit::record(
        &mut tx,
        crate::audit::Kind::LinkCreated,
        &by.actor,
        Some(&link.id.to_string()),
        serde_json::json!({
            "task_id": task_id, "prefix": link.prefix, "expires_at": link.expires_at.format(&Rfc3339).ok(),
            "passphrase": link.has_passphrase, "include_transcript": link.include_transcript,
            "include_recording": link.include_recording,
        }),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(link_id = %link.id, "share link created");
    Ok(CreatedLink {
        url: format!(
            "{}/l#{}",
            state.public_origin.trim_end_matches('/'),
            new.secret
        ),
        secret: new.secret,
        link,
    })
}

pub(super) async fn list(state: &LinksState, by: &LoggedIn, task_id: Uuid) -> Result<LinkList> {
    let mut tx = state.db.begin().await?;
    authorize(&mut tx, by, task_id, task_not_found).await?;
    let links = queries::list(&mut tx, task_id, None).await?;
    let (_, editors_may_create) = queries::task_policy(&mut tx, task_id).await?;
    tx.commit().await?;
    Ok(LinkList {
        links,
        editors_may_create,
    })
}

/// Revokes a link at once: every use checks the database, so no instance
/// serves it afterwards. Revoking a revoked link changes nothing. A link
/// on a task the caller may not manage is 404, as one that does not exist.
pub(super) async fn revoke(state: &LinksState, by: &LoggedIn, link_id: Uuid) -> Result<()> {
    let task_id = queries::task_of(&state.db, link_id)
        .await?
        .ok_or_else(errors::link_not_found)?;
    let mut tx = state.db.begin().await?;
    authorize(&mut tx, by, task_id, errors::link_not_found).await?;
    if let Some(prefix) = queries::revoke(&mut tx, link_id, task_id).await? {
        crate::audit::record(
            &mut tx,
            crate::audit::Kind::LinkRevoked,
            &by.actor,
            Some(&link_id.to_string()),
            serde_json::json!({ "task_id": task_id, "prefix": prefix }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Sets whether editors may make links; the owner's (or an admin's) say.
pub(super) async fn set_policy(
    state: &LinksState,
    by: &LoggedIn,
    task_id: Uuid,
    policy: &LinkPolicy,
) -> Result<()> {
    let mut tx = state.db.begin().await?;
    by.viewer.authorize(&mut tx, task_id, Right::Manage).await?;
    if queries::task_policy(&mut tx, task_id).await?.0.is_none() {
        return Err(errors::anonymous_task());
    }
    queries::set_policy(&mut tx, task_id, policy.editors_may_create).await?;
    tx.commit().await?;
    Ok(())
}

fn task_not_found() -> ApiError {
    TaskError::NotFound.into()
}
