//! Forged refresh tokens: reuse detection revokes a series only for a token
//! this server issued.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sqlx::PgPool;

use crate::helpers::{error_code, spawn_app};

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn a_forged_token_naming_a_live_series_revokes_nothing(db: PgPool) {
    let app = spawn_app(db).await;
    let victim = app.browser();
    victim.session().await;
    let issued = victim.cookies().rt.unwrap();

    // The attacker knows the series id (it is in the token, in logs, in
    // audit rows) and makes a token of the right shape for it.
    let mut raw = URL_SAFE_NO_PAD.decode(&issued).unwrap();
    for byte in &mut raw[16..] {
        *byte = byte.wrapping_add(1);
    }
    let forged = URL_SAFE_NO_PAD.encode(&raw);
    let attacker = app.replay(None, Some(&forged), None);
    let res = attacker.refresh().await;
    assert_eq!(res.status(), 401);
    assert_ne!(error_code(res).await, "refresh_token_reused");

    assert_eq!(
        app.count("SELECT count(*) FROM session_series WHERE revoked_at IS NOT NULL")
            .await,
        0,
        "the victim's series lives on"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_events WHERE kind = 'refresh_token_reused'")
            .await,
        0
    );
    let res = victim.refresh().await;
    assert_eq!(res.status(), 200, "the victim's own token still rotates");
}
