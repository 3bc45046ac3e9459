//! All template SQL. Every statement carries the owner in its `WHERE`: the
//! user when one is logged in, else the anonymous series (whose templates
//! no user has adopted yet).

use sqlx::{PgConnection, PgPool, types::Json};
use uuid::Uuid;

use super::{
    Owner,
    model::{SectionInput, Stored, TemplateInput},
};

#[tracing::instrument(skip(db), err)]
pub(super) async fn list(db: &PgPool, owner: Owner) -> sqlx::Result<Vec<Stored>> {
    sqlx::query_as!(
        Stored,
        r#"SELECT id, name, sections AS "sections: Json<Vec<SectionInput>>", instructions, updated_at
           FROM minutes_templates
           WHERE user_id = $2 OR ($2::uuid IS NULL AND series_id = $1)
           ORDER BY created_at, id"#,
        owner.series_id,
        owner.user_id,
    )
    .fetch_all(db)
    .await
}

#[tracing::instrument(skip(db), err)]
pub(super) async fn get(db: &PgPool, owner: Owner, id: Uuid) -> sqlx::Result<Option<Stored>> {
    sqlx::query_as!(
        Stored,
        r#"SELECT id, name, sections AS "sections: Json<Vec<SectionInput>>", instructions, updated_at
           FROM minutes_templates
           WHERE id = $3 AND (user_id = $2 OR ($2::uuid IS NULL AND series_id = $1))"#,
        owner.series_id,
        owner.user_id,
        id,
    )
    .fetch_optional(db)
    .await
}

/// Stores a new template unless the owner has `max` already (`None`). The
/// owner's row is locked for the count, so concurrent creations cannot all
/// squeeze under it.
#[tracing::instrument(skip(db, input), err)]
pub(super) async fn insert(
    db: &PgPool,
    owner: Owner,
    input: &TemplateInput,
    max: i64,
) -> sqlx::Result<Option<Stored>> {
    let mut tx = db.begin().await?;
    match owner.user_id {
        Some(user_id) => {
            sqlx::query!("SELECT id FROM users WHERE id = $1 FOR UPDATE", user_id)
                .fetch_optional(&mut *tx)
                .await?;
        }
        None => {
            sqlx::query!(
                "SELECT id FROM session_series WHERE id = $1 FOR UPDATE",
                owner.series_id
            )
            .fetch_optional(&mut *tx)
            .await?;
        }
    }
    let count = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM minutes_templates
           WHERE user_id = $2 OR ($2::uuid IS NULL AND series_id = $1)"#,
        owner.series_id,
        owner.user_id,
    )
    .fetch_one(&mut *tx)
    .await?;
    if count >= max {
        return Ok(None);
    }
    // A user's template must not hang off a series: its purge would take it.
    let series_id = owner.user_id.is_none().then_some(owner.series_id);
    let stored = sqlx::query_as!(
        Stored,
        r#"INSERT INTO minutes_templates (id, user_id, series_id, name, sections, instructions)
           VALUES ($1, $2, $3, $4, $5, $6)
           RETURNING id, name, sections AS "sections: Json<Vec<SectionInput>>", instructions, updated_at"#,
        Uuid::new_v4(),
        owner.user_id,
        series_id,
        input.name.trim(),
        Json(&input.sections) as _,
        input.instructions.as_deref(),
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(stored))
}

/// Replaces one of the owner's templates; `None` when they have no such one.
#[tracing::instrument(skip(db, input), err)]
pub(super) async fn update(
    db: &PgPool,
    owner: Owner,
    id: Uuid,
    input: &TemplateInput,
) -> sqlx::Result<Option<Stored>> {
    sqlx::query_as!(
        Stored,
        r#"UPDATE minutes_templates
           SET name = $4, sections = $5, instructions = $6, updated_at = now()
           WHERE id = $3 AND (user_id = $2 OR ($2::uuid IS NULL AND series_id = $1))
           RETURNING id, name, sections AS "sections: Json<Vec<SectionInput>>", instructions, updated_at"#,
        owner.series_id,
        owner.user_id,
        id,
        input.name.trim(),
        Json(&input.sections) as _,
        input.instructions.as_deref(),
    )
    .fetch_optional(db)
    .await
}

/// Deletes one of the owner's templates; false when they have no such one.
#[tracing::instrument(skip(db), err)]
pub(super) async fn delete(db: &PgPool, owner: Owner, id: Uuid) -> sqlx::Result<bool> {
    let deleted = sqlx::query!(
        "DELETE FROM minutes_templates
         WHERE id = $3 AND (user_id = $2 OR ($2::uuid IS NULL AND series_id = $1))",
        owner.series_id,
        owner.user_id,
        id,
    )
    .execute(db)
    .await?
    .rows_affected();
    Ok(deleted == 1)
}

/// At login, hands the anonymous series' templates to the user, in the
/// login's transaction, as its tasks are (`tasks::adopt`).
#[tracing::instrument(skip(conn), err)]
pub(crate) async fn adopt(
    conn: &mut PgConnection,
    series_id: Uuid,
    user_id: Uuid,
) -> sqlx::Result<u64> {
    sqlx::query!(
        "UPDATE minutes_templates SET user_id = $2, series_id = NULL
         WHERE series_id = $1 AND user_id IS NULL",
        series_id,
        user_id,
    )
    .execute(conn)
    .await
    .map(|r| r.rows_affected())
}
