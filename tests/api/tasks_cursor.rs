//! Cursors are client input: one naming an instant PostgreSQL cannot store
//! is a 400, never a database error.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sqlx::PgPool;

use crate::helpers::{error_code, spawn_app};

fn cursor(micros: i128) -> String {
    URL_SAFE_NO_PAD.encode(format!("{micros}|{}", uuid::Uuid::new_v4()))
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_cursor_outside_postgres_timestamp_range_is_400_invalid_cursor(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    browser.upload_ok("notes.txt", "minutes").await;

    // Year -9999 (before 4713 BC), a microsecond before PostgreSQL's first
    // instant, year 300000 (after 294276 AD), and an absurd number.
    let before_4713_bc = -377_705_116_800_000_000;
    let first_instant = -210_866_803_200_000_000;
    let year_300000 = 9_404_592_000_000_000_000;
    for micros in [before_4713_bc, first_instant - 1, year_300000, i128::MAX] {
        let res = browser
            .tasks_page(&format!("?cursor={}", cursor(micros)))
            .await;
        assert_eq!(res.status(), 400, "{micros}");
        assert_eq!(error_code(res).await, "invalid_cursor");
    }

    // The first instant PostgreSQL holds is a valid (if empty) page boundary.
    let res = browser
        .tasks_page(&format!("?cursor={}", cursor(first_instant)))
        .await;
    assert_eq!(res.status(), 200);
}
