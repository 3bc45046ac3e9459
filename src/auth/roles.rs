//! Setting an account's roles, for the admin endpoints and the command
//! line (which keep one enabled admin first) and for a single sign-on
//! provider's claim→admin mapping.

use sqlx::PgConnection;
use uuid::Uuid;

use super::users::Role;
use crate::{audit, error::Result, tasks};

/// An account and the roles it holds now.
pub struct RoleHolder<'a> {
    pub id: Uuid,
    pub username: &'a str,
    pub roles: &'a [Role],
}

/// Whether an enabled account other than `user_id` holds the admin role,
/// counted under a lock of the admin role rows held until the caller's
/// transaction ends, so two changes cannot each remove the other admin.
pub async fn another_enabled_admin(conn: &mut PgConnection, user_id: Uuid) -> Result<bool> {
    sqlx::query!("SELECT user_id FROM user_roles WHERE role = 'admin' FOR UPDATE")
        .fetch_all(&mut *conn)
        .await?;
    let others = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM user_roles r JOIN users u ON u.id = r.user_id
           WHERE r.role = 'admin' AND u.disabled_at IS NULL AND u.id <> $1"#,
        user_id,
    )
    .fetch_one(conn)
    .await?;
    Ok(others > 0)
}

/// Gives `target` exactly `roles` (plus `member`, which every account
/// keeps), one audit event per role granted or removed; a role removed
/// tells the user's task sockets to check their access again.
pub async fn set_roles(
    conn: &mut PgConnection,
    target: &RoleHolder<'_>,
    roles: &[Role],
    actor: &audit::Actor,
) -> Result<()> {
    let wanted = |r: Role| r == Role::Member || roles.contains(&r);
    for role in [Role::Admin, Role::Member] {
        let (has, wants) = (target.roles.contains(&role), wanted(role));
        let kind = match (has, wants) {
            (false, true) => {
                sqlx::query!(
                    "INSERT INTO user_roles (user_id, role) VALUES ($1, $2)",
                    target.id,
                    role.as_str(),
                )
                .execute(&mut *conn)
                .await?;
                audit::Kind::RoleGranted
            }
            (true, false) => {
                sqlx::query!(
                    "DELETE FROM user_roles WHERE user_id = $1 AND role = $2",
                    target.id,
                    role.as_str(),
                )
                .execute(&mut *conn)
                .await?;
                // Sockets on others' tasks the role opened close on every
                // instance, as HTTP answers 404 at once.
                tasks::notify_user_access(conn, target.id).await?;
                audit::Kind::RoleRemoved
            }
            _ => continue,
        };
        let detail = serde_json::json!({ "role": role.as_str() });
        audit::record(conn, kind, actor, Some(target.username), detail).await?;
    }
    Ok(())
}
