//! Hostile file names: characters that disguise a name or hide in it, and
//! names long enough to lose their extension.

use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::spawn_app;

const VTT: &str = "WEBVTT\n\n00:00.000 --> 00:02.000\n<v Alice>We ship on Friday.\n";

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_bidi_override_or_invisible_character_in_a_file_name_is_not_kept(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    let cases = [
        // Shown as "minutesptv.pdf" by a browser that honours the override.
        ("minutes\u{202E}fdp.vtt", "minutesfdp.vtt"),
        (
            "zero\u{200B}width\u{200D}joiner\u{2060}.vtt",
            "zerowidthjoiner.vtt",
        ),
        ("line\u{2028}para\u{2029}graph.vtt", "lineparagraph.vtt"),
        ("\u{2066}isolate\u{2069}\u{FEFF}.vtt", "isolate.vtt"),
        // Decomposed (as macOS file systems give names) becomes composed.
        ("Re\u{301}sume\u{301}.vtt", "R\u{E9}sum\u{E9}.vtt"),
    ];
    for (sent, kept) in cases {
        let res = browser.upload(sent, "text/vtt", VTT.as_bytes()).await;
        assert_eq!(res.status(), 201, "{sent:?}");
        let task: Value = res.json().await.unwrap();
        assert_eq!(task["filename"], kept, "{sent:?}");

        let id = task["task_id"].as_str().unwrap();
        let listed = browser.tasks().await["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["task_id"] == id)
            .unwrap()["filename"]
            .clone();
        assert_eq!(listed, kept, "{sent:?}");
        let res = browser.media(id).await;
        let disposition = res.headers()["content-disposition"].to_str().unwrap();
        assert!(
            !disposition.contains("%E2%80%AE") && !disposition.contains("%E2%80%8B"),
            "{disposition}"
        );
    }
    let stored: Vec<String> = sqlx::query_scalar("SELECT filename FROM tasks")
        .fetch_all(&app.db)
        .await
        .unwrap();
    for name in stored {
        assert!(
            !name.contains(['\u{202E}', '\u{200B}', '\u{2028}', '\u{2029}', '\u{FEFF}']),
            "{name:?}"
        );
    }
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_file_name_over_255_characters_keeps_its_extension_and_is_accepted(db: PgPool) {
    let app = spawn_app(db).await;
    let browser = app.browser();
    browser.session().await;
    for stem in ["m".repeat(400), "議".repeat(300)] {
        let name = format!("{stem}.vtt");
        let res = browser.upload(&name, "text/vtt", VTT.as_bytes()).await;
        assert_eq!(res.status(), 201, "a WebVTT file is accepted");
        let task: Value = res.json().await.unwrap();
        let kept = task["filename"].as_str().unwrap();
        assert_eq!(kept.chars().count(), 255);
        assert!(kept.ends_with(".vtt"), "{kept}");
        assert!(kept.starts_with(&stem[..30]), "{kept}");
        assert_eq!(task["content_type"], "text/vtt");
    }
}
