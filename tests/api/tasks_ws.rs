use minutes::{
    jobs::progress::{self, Progress},
    tasks::{Stage, Status},
};
use serde_json::Value;
use sqlx::PgPool;
use tokio_tungstenite::tungstenite;
use uuid::Uuid;

pub use crate::common::ws::{Socket, expect_close, next_event, ready};
use crate::helpers::{Browser, TestApp, spawn_app};

/// Opens `/ws/{task_id}` with the browser's cookies and the given Origin
/// (the app's own when `None`, as a browser sends it).
pub async fn connect(
    app: &TestApp,
    browser: &Browser,
    task_id: &str,
    origin: Option<&str>,
) -> Result<Socket, tungstenite::Error> {
    open(app, browser, &format!("/ws/{task_id}"), origin).await
}

/// Opens the WebSocket at `path` on `app` with the browser's cookies and
/// the given Origin (the app's own when `None`, as a browser sends it).
pub async fn open(
    app: &TestApp,
    browser: &Browser,
    path: &str,
    origin: Option<&str>,
) -> Result<Socket, tungstenite::Error> {
    let own = app.base.as_str().trim_end_matches('/').to_owned();
    open_with(app, browser, path, Some(origin.unwrap_or(&own))).await
}

/// `open`, with no `Origin` header at all when `origin` is `None`.
async fn open_with(
    app: &TestApp,
    browser: &Browser,
    path: &str,
    origin: Option<&str>,
) -> Result<Socket, tungstenite::Error> {
    crate::common::ws::open(&browser.at(&app.base), path, origin).await
}

async fn upload(browser: &Browser) -> String {
    let res = browser
        .upload(
            "meeting.txt",
            "text/plain",
            b"Alice: hello.\nBob: we agreed.\n",
        )
        .await;
    assert_eq!(res.status(), 201);
    let task: Value = res.json().await.unwrap();
    task["task_id"].as_str().unwrap().to_owned()
}

fn processing(pct: u8) -> Progress {
    Progress {
        status: Status::Processing,
        stage: Some(Stage::Transcribing),
        progress: pct,
    }
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn owner_socket_gets_the_current_state_then_each_change(db: PgPool) {
    let app = spawn_app(db).await;
    let a = app.browser();
    let task_id = upload(&a).await;
    let mut socket = connect(&app, &a, &task_id, None).await.unwrap();

    let first = next_event(&mut socket).await;
    assert_eq!(first["type"], "progress");
    assert_eq!(first["task_id"], task_id.as_str());
    assert_eq!(first["status"], "queued");

    let id: Uuid = task_id.parse().unwrap();
    assert!(
        progress::update(&app.db, id, &processing(40))
            .await
            .unwrap()
    );
    let changed = next_event(&mut socket).await;
    assert_eq!(changed["status"], "processing");
    assert_eq!(changed["stage"], "transcribing");
    assert_eq!(changed["progress"], 40);

    let done = Progress {
        status: Status::Completed,
        stage: None,
        progress: 100,
    };
    progress::update(&app.db, id, &done).await.unwrap();
    let last = next_event(&mut socket).await;
    assert_eq!(last["status"], "completed");
    expect_close(&mut socket, 1000, "Task finished").await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn another_browsers_socket_on_my_task_is_closed_4004(db: PgPool) {
    let app = spawn_app(db).await;
    let a = app.browser();
    let task_id = upload(&a).await;
    let b = app.browser();
    b.session().await;
    let mut socket = connect(&app, &b, &task_id, None).await.unwrap();
    expect_close(&mut socket, 4004, "Task not found for session").await;

    let nobody = app.browser();
    let mut socket = connect(&app, &nobody, &task_id, None).await.unwrap();
    expect_close(&mut socket, 4004, "Task not found for session").await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_socket_from_a_foreign_origin_is_refused_before_upgrade(db: PgPool) {
    let app = spawn_app(db).await;
    let a = app.browser();
    let task_id = upload(&a).await;
    let err = connect(&app, &a, &task_id, Some("https://evil.example"))
        .await
        .unwrap_err();
    match err {
        tungstenite::Error::Http(res) => assert_eq!(res.status(), 403),
        other => panic!("expected an HTTP refusal, got {other:?}"),
    }
    let own = app.base.as_str().trim_end_matches('/').to_owned();
    assert!(connect(&app, &a, &task_id, Some(&own)).await.is_ok());
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_socket_without_an_origin_is_refused_unless_configured(db: PgPool) {
    let app = spawn_app(db.clone()).await;
    let a = app.browser();
    let task_id = upload(&a).await;
    for path in [format!("/ws/{task_id}"), "/ws".to_owned()] {
        match open_with(&app, &a, &path, None).await {
            Err(tungstenite::Error::Http(res)) => {
                assert_eq!(res.status(), 403, "{path}");
                let body: Value = serde_json::from_slice(res.body().as_deref().unwrap()).unwrap();
                assert_eq!(body["error"]["code"], "origin_not_allowed", "{path}");
            }
            other => panic!("{path}: expected an HTTP refusal, got {other:?}"),
        }
    }

    // A deployment that serves clients other than browsers may allow them.
    let tools = crate::helpers::spawn_app_with(db, |s| {
        s.server.allow_websockets_without_origin = true;
    })
    .await;
    let b = tools.browser();
    let task_id = upload(&b).await;
    let mut socket = open_with(&tools, &b, &format!("/ws/{task_id}"), None)
        .await
        .unwrap();
    assert_eq!(next_event(&mut socket).await["status"], "queued");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_change_on_one_instance_reaches_a_socket_on_another(db: PgPool) {
    // Instance one writes through its own pool; instance two only listens.
    let own_pool = PgPool::connect_with((*db.connect_options()).clone())
        .await
        .unwrap();
    let one = spawn_app(own_pool).await;
    let two = spawn_app(db).await;
    let a = one.browser();
    let task_id = upload(&a).await;
    let mut socket = connect(&two, &a, &task_id, None).await.unwrap();
    assert_eq!(next_event(&mut socket).await["status"], "queued");

    progress::update(&one.db, task_id.parse().unwrap(), &processing(10))
        .await
        .unwrap();
    assert_eq!(next_event(&mut socket).await["progress"], 10);
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn revoking_the_session_closes_its_sockets(db: PgPool) {
    let app = spawn_app(db).await;
    let a = app.browser();
    let task_id = upload(&a).await;
    let mut socket = connect(&app, &a, &task_id, None).await.unwrap();
    next_event(&mut socket).await;

    a.session().await;
    let series = a.sessions().await["sessions"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        a.delete(&format!("/api/sessions/{series}")).await.status(),
        204
    );
    expect_close(&mut socket, 4001, "Session revoked").await;
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn deleting_the_task_closes_its_sockets_4004(db: PgPool) {
    let app = spawn_app(db).await;
    let a = app.browser();
    let task_id = upload(&a).await;
    let mut socket = connect(&app, &a, &task_id, None).await.unwrap();
    next_event(&mut socket).await;

    a.session().await;
    assert_eq!(
        a.delete(&format!("/api/tasks/{task_id}")).await.status(),
        204
    );
    expect_close(&mut socket, 4004, "Task not found for session").await;
    socket.close(None).await.ok();
}
