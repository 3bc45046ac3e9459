//! The search statement. The viewer's own meetings are searched by one
//! lookup of the passages' index, which holds each passage's owner (a copy
//! of its task's) beside its two-character strings (`bigrams`) and English
//! stems: only the viewer's passages that hold the query's bigrams (then
//! `ILIKE` for the query itself) or its stems are read. Of the query's
//! bigrams only the two rarest are looked up (by the table's statistics,
//! `pg_stats`; `ILIKE` checks the rest): a common bigram's entry is long to
//! read, even for one owner. A one-character query has no bigrams: it reads
//! the viewer's passages by owner alone.
//! The other meetings the viewer may search — their anonymous series',
//! those shared with them, every task for an admin who asks — are walked
//! one by one, each one's passages by the primary key (the `MATERIALIZED`
//! list and the `OFFSET 0` keep PostgreSQL from starting from the text
//! instead: a common word's passages across every meeting cost seconds to
//! read). Both only narrow the search: whether the viewer may open a task
//! is decided by `task_access` over the rows it reads (the task's owner,
//! the viewer's share) exactly as the task lists do, with the admin's
//! every-task access only when `everything` asks for it. Every meeting
//! found is ranked, but only the page's are given their passages.

use sqlx::PgPool;

use super::cursor::Cursor;
use crate::tasks::{Access, ErrorCode, Stage, Status, TaskRow, Viewer};

/// A passage a meeting was found by.
pub(super) struct Passage {
    pub part: String,
    pub index: i32,
    pub segment: Option<i32>,
    pub body: String,
}

/// A meeting found: the task as its list shows it, its rank, and its best
/// passages (at most `PASSAGES`, the most telling first).
pub(super) struct Found {
    pub task: TaskRow,
    pub score: i32,
    pub meeting_date: time::Date,
    pub passages: Vec<Passage>,
}

impl Found {
    /// Its position in the results.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            score: self.score,
            meeting_date: self.meeting_date,
            id: self.task.id,
        }
    }
}

/// Passages shown per meeting at most.
const PASSAGES: i32 = 3;

/// What a search asks.
pub(super) struct Query<'a> {
    /// As typed, trimmed.
    pub text: &'a str,
    /// Every task an admin may open, not only their own and shared.
    pub everything: bool,
    pub after: Option<Cursor>,
    pub limit: i64,
}

/// The query's distinct lower-case two-character strings, as
/// `search_bigrams` makes a passage's.
fn bigrams(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.to_lowercase().chars().collect();
    let mut all: Vec<String> = chars.windows(2).map(|w| w.iter().collect()).collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// `text` as an `ILIKE` pattern matching it anywhere, literally.
fn contains_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[tracing::instrument(skip(db, viewer, query), err)]
pub(super) async fn search(
    db: &PgPool,
    viewer: &Viewer,
    query: Query<'_>,
) -> sqlx::Result<Vec<Found>> {
    let rows = sqlx::query!(
        r#"WITH candidates AS MATERIALIZED (
               SELECT id FROM tasks WHERE $2::uuid IS NULL AND series_id = $1 AND user_id IS NULL
               UNION
               SELECT task_id FROM task_shares WHERE grantee_user_id = $2
               UNION
               SELECT id FROM tasks WHERE $6 AND (SELECT user_is_admin($2))
           ),
           rarest AS (
               SELECT coalesce(array_agg(b), '{}') AS bigrams
               FROM (SELECT b FROM unnest($3::text[]) b
                     LEFT JOIN pg_stats s ON s.schemaname = current_schema()
                          AND s.tablename = 'search_passages' AND s.attname = 'bigrams'
                     ORDER BY s.most_common_elem_freqs[
                                  array_position(s.most_common_elems::text::text[], b)]
                              NULLS FIRST, b
                     LIMIT 2) r
           ),
           hits AS (
               SELECT p.task_id, p.part, p.ordinal, p.segment, p.body
               FROM search_passages p
               WHERE p.user_id = $2 AND cardinality($3::text[]) > 0
                 AND ((p.bigrams @> (SELECT bigrams FROM rarest) AND p.body ILIKE $4)
                      OR p.english @@ plainto_tsquery('english', $5))
               UNION ALL
               SELECT p.task_id, p.part, p.ordinal, p.segment, p.body
               FROM search_passages p
               WHERE p.user_id = $2 AND cardinality($3::text[]) = 0
                 AND (p.body ILIKE $4 OR p.english @@ plainto_tsquery('english', $5))
               UNION ALL
               SELECT p.task_id, p.part, p.ordinal, p.segment, p.body
               FROM candidates c
               CROSS JOIN LATERAL (
                   SELECT p.task_id, p.part, p.ordinal, p.segment, p.body
                   FROM search_passages p
                   WHERE p.task_id = c.id AND coalesce(p.user_id <> $2, true)
                     AND ((p.bigrams @> $3 AND p.body ILIKE $4)
                          OR p.english @@ plainto_tsquery('english', $5))
                   OFFSET 0
               ) p
           ),
           weighed AS (
               SELECT h.*, CASE h.part WHEN 'title' THEN 8 WHEN 'decision' THEN 4
                                       WHEN 'action_item' THEN 4 WHEN 'summary' THEN 3 ELSE 1 END AS weight
               FROM hits h
           ),
           found AS (
               SELECT h.task_id, least(sum(h.weight), 1000000)::int AS score
               FROM weighed h
               GROUP BY h.task_id
           ),
           page AS (
               SELECT t.id, t.filename, t.content_type, t.size_bytes, t.storage_key,
                      t.status, t.stage, t.progress, t.error, t.error_code,
                      t.upload_timestamp, t.updated_at, t.state_version, a.access, t.title,
                      to_char(t.meeting_date, 'YYYY-MM-DD') AS meeting_date,
                      CASE WHEN a.access <> 'owner' THEN u.username::text END AS owner,
                      f.score, t.meeting_date AS meeting_day
               FROM found f
               JOIN tasks t ON t.id = f.task_id
               LEFT JOIN users u ON u.id = t.user_id
               LEFT JOIN task_shares s ON s.task_id = t.id AND s.grantee_user_id = $2
               CROSS JOIN LATERAL
                   (SELECT task_access(t, $1, $2, $6 AND (SELECT user_is_admin($2)), u, s) AS access
                    OFFSET 0) a
               WHERE a.access IS NOT NULL
                 AND ($7::int IS NULL OR (f.score, t.meeting_date, t.id) < ($7, $8::date, $9::uuid))
               ORDER BY f.score DESC, t.meeting_date DESC, t.id DESC
               LIMIT $11
           ),
           shown AS (
               SELECT h.task_id,
                      jsonb_agg(jsonb_build_object('part', h.part, 'index', h.ordinal,
                                                   'segment', h.segment, 'body', h.body)
                                ORDER BY h.rank) AS passages
               FROM (SELECT h.*, row_number() OVER (PARTITION BY h.task_id
                                                    ORDER BY h.weight DESC, h.part, h.ordinal) AS rank
                     FROM weighed h WHERE h.task_id IN (SELECT id FROM page)) h
               WHERE h.rank <= $10::int
               GROUP BY h.task_id
           )
           SELECT p.id AS "id!", p.filename AS "filename!", p.content_type AS "content_type!",
                  p.size_bytes AS "size_bytes!", p.storage_key AS "storage_key!",
                  p.status AS "status!: Status", p.stage AS "stage: Stage", p.progress AS "progress!",
                  p.error, p.error_code AS "error_code: ErrorCode",
                  p.upload_timestamp AS "upload_timestamp!", p.updated_at AS "updated_at!",
                  p.state_version AS "state_version!", p.access AS "access!: Access",
                  p.title, p.meeting_date AS "meeting_date!", p.owner,
                  p.score AS "score!", p.meeting_day AS "meeting_day!",
                  s.passages AS "passages!"
           FROM page p
           JOIN shown s ON s.task_id = p.id
           ORDER BY p.score DESC, p.meeting_day DESC, p.id DESC"#,
        viewer.series_id,
        viewer.user_id,
        &bigrams(query.text),
        contains_pattern(query.text),
        query.text,
        query.everything,
        query.after.as_ref().map(|c| c.score),
        query.after.as_ref().map(|c| c.meeting_date),
        query.after.as_ref().map(|c| c.id),
        PASSAGES,
        query.limit,
    )
    .fetch_all(db)
    .await?;
    rows.into_iter()
        .map(|r| {
            let passages: Vec<serde_json::Value> =
                serde_json::from_value(r.passages).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            let passages = passages
                .into_iter()
                .map(|p| Passage {
                    part: p["part"].as_str().unwrap_or_default().to_owned(),
                    index: p["index"]
                        .as_i64()
                        .and_then(|n| i32::try_from(n).ok())
                        .unwrap_or(0),
                    segment: p["segment"].as_i64().and_then(|n| i32::try_from(n).ok()),
                    body: p["body"].as_str().unwrap_or_default().to_owned(),
                })
                .collect();
            Ok(Found {
                task: TaskRow {
                    id: r.id,
                    filename: r.filename,
                    content_type: r.content_type,
                    size_bytes: r.size_bytes,
                    storage_key: r.storage_key,
                    status: r.status,
                    stage: r.stage,
                    progress: r.progress,
                    error: r.error,
                    error_code: r.error_code,
                    error_detail: None,
                    upload_timestamp: r.upload_timestamp,
                    updated_at: r.updated_at,
                    state_version: r.state_version,
                    access: r.access,
                    title: r.title,
                    meeting_date: r.meeting_date,
                    owner: r.owner,
                },
                score: r.score,
                meeting_date: r.meeting_day,
                passages,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_looked_up_by_its_bigrams_and_matched_literally() {
        assert_eq!(bigrams("予算会議予算"), ["予算", "会議", "算会", "議予"]);
        assert_eq!(bigrams("予"), Vec::<String>::new());
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
