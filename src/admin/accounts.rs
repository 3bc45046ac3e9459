//! Changing an account's roles and disabled flag, for `PATCH
//! /api/admin/users/{id}` and `minutes user set-admin`. The service always
//! keeps one enabled admin: every change first locks the admin role rows,
//! so two changes that would each leave one admin cannot both pass — the
//! second waits for the first and then counts what it left.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::errors;
use crate::{
    audit,
    auth::{self, Role},
    error::Result,
    session::{Selector, Sessions},
    sharing,
};

/// The account being changed, locked for the transaction.
pub(super) struct Target {
    pub id: Uuid,
    pub username: String,
    pub roles: Vec<Role>,
    pub disabled: bool,
}

impl Target {
    fn enabled_admin(&self) -> bool {
        !self.disabled && self.roles.contains(&Role::Admin)
    }
}

/// Locks the admin role rows (so no other change of admins runs until this
/// transaction ends), then the target's row; 404 `user_not_found`.
pub(super) async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Target> {
    sqlx::query!("SELECT user_id FROM user_roles WHERE role = 'admin' FOR UPDATE")
        .fetch_all(&mut *conn)
        .await?;
    let target = sqlx::query_as!(
        Target,
        r#"SELECT id, username::text AS "username!", disabled_at IS NOT NULL AS "disabled!",
                  ARRAY(SELECT role FROM user_roles WHERE user_id = users.id ORDER BY role)
                      AS "roles!: Vec<Role>"
           FROM users WHERE id = $1 FOR UPDATE"#,
        id,
    )
    .fetch_optional(conn)
    .await?;
    target.ok_or_else(sharing::user_not_found)
}

/// 409 `last_admin` when `target` is the only enabled admin and would stop
/// being one. Runs after `lock`, so the count is current.
pub(super) async fn keep_an_admin(
    conn: &mut PgConnection,
    target: &Target,
    stays_admin: bool,
) -> Result<()> {
    if !target.enabled_admin() || stays_admin {
        return Ok(());
    }
    if auth::another_enabled_admin(conn, target.id).await? {
        Ok(())
    } else {
        Err(errors::last_admin())
    }
}

/// Gives `target` exactly `roles` (plus `member`, which every account
/// keeps), audited (`auth::set_roles`).
pub(super) async fn set_roles(
    conn: &mut PgConnection,
    target: &Target,
    roles: &[Role],
    actor: &audit::Actor,
) -> Result<()> {
    let account = auth::RoleHolder {
        id: target.id,
        username: &target.username,
        roles: &target.roles,
    };
    auth::set_roles(conn, &account, roles, actor).await
}

/// Disables or enables `target`. Disabling revokes every series of theirs
/// (their next request is anonymous everywhere, their sockets close),
/// retires their device cookies, and
/// tells watchers of their shared tasks, which grantees lose at once;
/// enabling gives back login and those tasks, not the revoked sessions.
pub(super) async fn set_disabled(
    conn: &mut PgConnection,
    sessions: &Sessions,
    target: &Target,
    disabled: bool,
    actor: &audit::Actor,
) -> Result<()> {
    if target.disabled == disabled {
        return Ok(());
    }
    sqlx::query!(
        "UPDATE users SET disabled_at = CASE WHEN $2 THEN now() END, updated_at = now()
         WHERE id = $1",
        target.id,
        disabled,
    )
    .execute(&mut *conn)
    .await?;
    let kind = if disabled {
        auth::forget_devices(conn, target.id).await?;
        sessions
            .revoke_in(
                conn,
                Selector::all_of_user(target.id, None),
                "user_disabled",
                actor,
            )
            .await?;
        audit::Kind::UserDisabled
    } else {
        audit::Kind::UserEnabled
    };
    sharing::notify_owner_access_changed(conn, target.id).await?;
    audit::record(
        conn,
        kind,
        actor,
        Some(&target.username),
        serde_json::json!({}),
    )
    .await?;
    Ok(())
}

/// `minutes user set-admin USERNAME [--revoke]`: grants or removes the
/// admin role from the command line (for an operator locked out of the
/// API); removing the last enabled admin's role is refused.
pub async fn set_admin(db: &PgPool, username: &str, admin: bool) -> anyhow::Result<()> {
    let mut tx = db.begin().await?;
    let id = super::queries::user_id(&mut tx, username)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no user named {username}"))?;
    let target = lock(&mut tx, id).await?;
    keep_an_admin(&mut tx, &target, admin).await?;
    let mut roles = target.roles.clone();
    roles.retain(|r| *r != Role::Admin);
    if admin {
        roles.push(Role::Admin);
    }
    let via_cli = audit::Actor::default();
    set_roles(&mut tx, &target, &roles, &via_cli).await?;
    tx.commit().await?;
    Ok(())
}
