//! `GET /api/tasks/{id}/minutes?format=docx`: a Word document named by the
//! meeting, a valid Office Open XML package whose text is the minutes',
//! Japanese included. (That LibreOffice opens it is `scripts/test-export`.)

use std::io::{Cursor, Read as _};

use sqlx::PgPool;

use crate::{
    helpers::spawn_app,
    minutes_edit::{completed_task, minutes_json},
    people::member,
};

const JA_MEETING: &str = "第3四半期 定例会議

田中: 予算の見直しについて話し合いました。
鈴木: 資料は金曜日までに鈴木が準備します。
田中: 次回は十月十日に決定します。
";

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_docx_download_is_a_word_document_with_the_minutes_japanese_text(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let task_id = completed_task(&app, &alice, JA_MEETING).await;
    let (minutes, _) = minutes_json(&alice, &task_id, None).await;

    let res = alice.minutes(&task_id, "docx").await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.ends_with(".docx"), "{disposition}");
    let bytes = res.bytes().await.unwrap();

    let mut package = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a zip package");
    for part in [
        "[Content_Types].xml",
        "word/styles.xml",
        "word/numbering.xml",
    ] {
        assert!(package.by_name(part).is_ok(), "{part}");
    }
    let mut xml = String::new();
    package
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let title = minutes["title"].as_str().unwrap();
    for text in [
        title,
        "概要",
        "アクションアイテム",
        "文字起こし",
        "予算の見直しについて話し合いました。",
        "鈴木",
    ] {
        assert!(xml.contains(text), "{text} in the document");
    }
    assert!(xml.contains("<w:tbl>"), "the transcript is a table");
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_unknown_format_is_still_400(db: PgPool) {
    let app = spawn_app(db).await;
    let alice = member(&app, "alice").await;
    let task_id = completed_task(&app, &alice, JA_MEETING).await;
    assert_eq!(alice.minutes(&task_id, "doc").await.status(), 400);
}
