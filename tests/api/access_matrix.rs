//! The access table of docs/api.md ("Sharing and roles"), cell by cell: for
//! every task endpoint, what the owner, an admin, an `edit` grantee, a
//! `view` grantee, a stranger and an anonymous browser get. An IDOR sweep
//! in one place: a stranger never learns that a task exists (404), a view
//! grantee is refused changes (403).

use reqwest::{Method, RequestBuilder};
use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{Browser, TestApp, spawn_app};
use crate::people::{admin, completed, failed, member, share};
use crate::tasks_ws::{connect, expect_close, next_event};

/// Who calls, in the order of the table's columns.
const CALLERS: [&str; 6] = ["owner", "admin", "edit", "view", "stranger", "anonymous"];

/// What a caller may get from one endpoint: the exact status for a refusal,
/// or "allowed" (past the access check: 2xx, or a state conflict such as
/// 409 `not_failed` once someone else retried first).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Allowed,
    Status(u16),
}

use Expect::{Allowed, Status};

struct Cast {
    callers: Vec<Browser>,
}

impl Cast {
    async fn new(app: &TestApp) -> (Self, String, String) {
        let owner = member(app, "olive").await;
        let admin = admin(app, "ada").await;
        let edit = member(app, "eddie").await;
        let view = member(app, "vera").await;
        let stranger = member(app, "sam").await;
        let anonymous = app.browser();
        anonymous.session().await;
        let done = completed(app, &owner).await;
        let broken = failed(app, &owner).await;
        for task in [&done, &broken] {
            assert_eq!(share(&owner, task, "eddie", "edit").await.status(), 200);
            assert_eq!(share(&owner, task, "vera", "view").await.status(), 200);
        }
        let callers = vec![owner, admin, edit, view, stranger, anonymous];
        (Self { callers }, done, broken)
    }

    fn owner(&self) -> &Browser {
        &self.callers[0]
    }

    /// Sends `request` as each caller and checks each answer against `row`.
    async fn check<F>(&self, endpoint: &str, row: [Expect; 6], request: F)
    where
        F: Fn(usize, &Browser) -> RequestBuilder,
    {
        for (i, (caller, expect)) in self.callers.iter().zip(row).enumerate() {
            let res = request(i, caller).send().await.unwrap();
            let status = res.status().as_u16();
            let body = res.text().await.unwrap_or_default();
            match expect {
                Allowed => assert!(
                    (200..300).contains(&status) || status == 409,
                    "{endpoint} as {}: {status} {body}",
                    CALLERS[i]
                ),
                Status(want) => assert_eq!(status, want, "{endpoint} as {}: {body}", CALLERS[i]),
            }
            if status == 404 {
                let code = serde_json::from_str::<Value>(&body).unwrap()["error"]["code"].clone();
                assert_ne!(code, "not_found", "{endpoint}: the route itself exists");
            }
        }
    }
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn every_task_endpoint_answers_each_kind_of_caller_as_the_table_says(db: PgPool) {
    let app = spawn_app(db).await;
    let (cast, done, broken) = Cast::new(&app).await;
    let read = [Allowed, Allowed, Allowed, Allowed, Status(404), Status(404)];

    for path in [
        format!("/api/tasks/{done}"),
        format!("/api/tasks/{done}/media"),
        format!("/api/tasks/{done}/minutes"),
        format!("/api/tasks/{done}/minutes?format=json&version=1"),
        format!("/api/tasks/{done}/minutes/revisions"),
    ] {
        cast.check(&format!("GET {path}"), read, |_, b| {
            b.request(Method::GET, &path)
        })
        .await;
    }

    let minutes: Value = cast
        .owner()
        .get(&format!("/api/tasks/{done}/minutes?format=json"))
        .await
        .json()
        .await
        .unwrap();
    // `If-Match: *` saves over whatever version is current (RFC 9110), so
    // every allowed caller's save goes through whoever saved before.
    cast.check(
        "PUT minutes",
        [
            Allowed,
            Allowed,
            Allowed,
            Status(403),
            Status(404),
            Status(404),
        ],
        |_, b| {
            b.request(Method::PUT, &format!("/api/tasks/{done}/minutes"))
                .header("if-match", "*")
                .json(&minutes)
        },
    )
    .await;

    cast.check(
        "POST retry",
        [
            Allowed,
            Allowed,
            Allowed,
            Status(403),
            Status(404),
            Status(404),
        ],
        |_, b| b.request(Method::POST, &format!("/api/tasks/{broken}/retry")),
    )
    .await;

    cast.check(
        "GET shares",
        [
            Allowed,
            Allowed,
            Status(403),
            Status(403),
            Status(404),
            Status(401),
        ],
        |_, b| b.request(Method::GET, &format!("/api/tasks/{done}/shares")),
    )
    .await;
    cast.check(
        "PUT share",
        [
            Allowed,
            Allowed,
            Status(403),
            Status(403),
            Status(404),
            Status(401),
        ],
        |_, b| {
            b.request(Method::PUT, &format!("/api/tasks/{done}/shares/vera"))
                .json(&serde_json::json!({"permission": "view"}))
        },
    )
    .await;
    cast.check(
        "DELETE share",
        [
            Status(404),
            Status(404),
            Status(403),
            Status(403),
            Status(404),
            Status(401),
        ],
        |_, b| b.request(Method::DELETE, &format!("/api/tasks/{done}/shares/sam")),
    )
    .await;

    // Deletion last: the owner and the admin each delete a task of their
    // own choosing; the others try the shared one, which survives.
    let mine = cast.owner().upload_ok("mine.txt", "a note").await["task_id"]
        .as_str()
        .unwrap()
        .to_owned();
    cast.check(
        "DELETE task",
        [
            Allowed,
            Allowed,
            Status(403),
            Status(403),
            Status(404),
            Status(404),
        ],
        |i, b| {
            let task = match i {
                0 => &mine,
                1 => &broken,
                _ => &done,
            };
            b.request(Method::DELETE, &format!("/api/tasks/{task}"))
        },
    )
    .await;
    let left: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM tasks")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].to_string(), done);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn the_task_socket_opens_for_every_kind_of_access_and_4004_for_the_rest(db: PgPool) {
    let app = spawn_app(db).await;
    let (cast, done, _) = Cast::new(&app).await;
    for (i, caller) in cast.callers.iter().enumerate() {
        let mut socket = connect(&app, caller, &done, None).await.unwrap();
        if i < 4 {
            assert_eq!(
                next_event(&mut socket).await["status"],
                "completed",
                "{}",
                CALLERS[i]
            );
        } else {
            expect_close(&mut socket, 4004, "Task not found for session").await;
        }
    }
}
