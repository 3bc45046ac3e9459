//! The share flows, shared by the owner's endpoints (`/api/tasks/{id}/shares`)
//! and the admin's (`/api/admin/tasks/{id}/shares`): both authorize the
//! caller with `Right::Manage` (an owner, or an admin on any task), so one
//! function serves both and there is nothing to keep in step.

use sqlx::PgPool;
use uuid::Uuid;

use super::{
    errors::ShareError,
    extract::LoggedIn,
    model::{Permission, Share},
    queries,
};
use crate::{audit, outbox, tasks};

type Result<T> = std::result::Result<T, ShareError>;

/// The task's shares; `Task` errors without access, or for a grantee.
pub(crate) async fn list(db: &PgPool, by: &LoggedIn, task_id: Uuid) -> Result<Vec<Share>> {
    let mut tx = db.begin().await?;
    by.viewer
        .authorize(&mut tx, task_id, tasks::Right::Manage)
        .await?;
    let shares = queries::list(&mut tx, task_id).await?;
    tx.commit().await?;
    Ok(shares)
}

/// Shares the task with `username`, or changes the permission in place.
/// Granting what is already granted changes nothing and records nothing.
pub(crate) async fn grant(
    db: &PgPool,
    by: &LoggedIn,
    task_id: Uuid,
    username: &str,
    permission: Permission,
) -> Result<Share> {
    let mut tx = db.begin().await?;
    by.viewer
        .authorize(&mut tx, task_id, tasks::Right::Manage)
        .await?;
    let owner = queries::owner(&mut tx, task_id)
        .await?
        .ok_or(ShareError::AnonymousTask)?;
    let grantee = queries::enabled_user(&mut tx, username)
        .await?
        .ok_or(ShareError::UserNotFound)?;
    if grantee.id == owner {
        return Err(ShareError::ShareWithOwner);
    }
    let before = queries::permission(&mut tx, task_id, grantee.id).await?;
    let share = queries::upsert(&mut tx, task_id, &grantee, permission, by.user_id).await?;
    let kind = match before {
        Some(p) if p == permission => {
            tx.commit().await?;
            return Ok(share);
        }
        Some(_) => audit::Kind::ShareChanged,
        None => audit::Kind::ShareGranted,
    };
    record(&mut tx, kind, by, task_id, &grantee.username, permission).await?;
    let data = serde_json::json!({
        "grantee": grantee.username, "permission": permission.as_str(),
    });
    outbox::emit(&mut tx, outbox::Event::TaskShared, task_id, data).await?;
    tasks::notify_access(&mut tx, task_id).await?;
    tx.commit().await?;
    Ok(share)
}

/// Takes the task from `username`; `ShareNotFound` when it was not shared
/// with them.
pub(crate) async fn revoke(
    db: &PgPool,
    by: &LoggedIn,
    task_id: Uuid,
    username: &str,
) -> Result<()> {
    let mut tx = db.begin().await?;
    by.viewer
        .authorize(&mut tx, task_id, tasks::Right::Manage)
        .await?;
    let (grantee, permission) = queries::delete(&mut tx, task_id, username)
        .await?
        .ok_or(ShareError::ShareNotFound)?;
    record(
        &mut tx,
        audit::Kind::ShareRevoked,
        by,
        task_id,
        &grantee,
        permission,
    )
    .await?;
    tasks::notify_access(&mut tx, task_id).await?;
    tx.commit().await?;
    Ok(())
}

async fn record(
    conn: &mut sqlx::PgConnection,
    kind: audit::Kind,
    by: &LoggedIn,
    task_id: Uuid,
    grantee: &str,
    permission: Permission,
) -> sqlx::Result<()> {
    let detail = serde_json::json!({
        "task_id": task_id, "grantee": grantee, "permission": permission.as_str(),
    });
    audit::record(conn, kind, &by.actor, Some(grantee), detail).await
}
