//! Security round 3, finding 3: one account (logging in again and again)
//! or one client address cannot take every WebSocket of an instance, and an
//! account's successful logins are rate-limited.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use sqlx::PgPool;
use tokio_tungstenite::tungstenite::{
    Message, client::IntoClientRequest, protocol::frame::coding::CloseCode,
};

use crate::{
    helpers::{Browser, TestApp, error_code, spawn_app_with},
    tasks_ws::Socket,
};

const PASSWORD: &str = "correct horse battery";

/// Opens `/ws` with the browser's cookies and the app's origin, as the client at `forwarded_for`
/// seen through the proxy on loopback, if given.
async fn events(app: &TestApp, browser: &Browser, forwarded_for: Option<&str>) -> Socket {
    let url = format!("ws://{}/ws", app.base.authority());
    let mut req = url.into_client_request().unwrap();
    let cookies = browser.cookies();
    let cookie = format!("sid={}", cookies.sid.expect("a session"));
    req.headers_mut().insert("cookie", cookie.parse().unwrap());
    // A browser's socket carries its page's origin.
    let origin = app.base.as_str().trim_end_matches('/');
    req.headers_mut().insert("origin", origin.parse().unwrap());
    if let Some(ip) = forwarded_for {
        req.headers_mut()
            .insert("x-forwarded-for", ip.parse().unwrap());
    }
    tokio_tungstenite::connect_async(req).await.unwrap().0
}

/// Open (answers a ping), or the close frame's code and reason.
async fn state(socket: &mut Socket) -> Result<(), (u16, String)> {
    socket.send(Message::Ping(vec![1].into())).await.unwrap();
    let frame = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Pong(_))) => return Ok(()),
                Some(Ok(Message::Close(Some(frame)))) => {
                    return Err((u16::from(frame.code), frame.reason.to_string()));
                }
                Some(Ok(Message::Close(None))) | None | Some(Err(_)) => {
                    return Err((u16::from(CloseCode::Abnormal), String::new()));
                }
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    frame.expect("an answer within 10 s")
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn one_account_logging_in_again_and_again_cannot_take_every_socket(db: PgPool) {
    let app = spawn_app_with(db, |s| {
        s.server.max_sockets = 6;
        s.server.max_sockets_per_user = 3;
        s.server.max_sockets_per_ip = 5;
    })
    .await;
    app.create_user("mallory", PASSWORD).await;
    app.create_user("ada", PASSWORD).await;

    let mut held = Vec::new();
    for n in 0..8 {
        let b = app.browser();
        assert_eq!(b.login("mallory", PASSWORD).await.status(), 200);
        let mut socket = events(&app, &b, None).await;
        let got = state(&mut socket).await;
        if n < 3 {
            assert_eq!(got, Ok(()), "socket {n}");
        } else {
            assert_eq!(
                got,
                Err((4008, "Too many sockets for account".to_owned())),
                "socket {n}"
            );
        }
        held.push(socket);
    }

    let bystander = app.browser();
    assert_eq!(bystander.login("ada", PASSWORD).await.status(), 200);
    let mut theirs = events(&app, &bystander, None).await;
    assert_eq!(
        state(&mut theirs).await,
        Ok(()),
        "a bystander still gets one"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn one_client_address_cannot_take_every_socket(db: PgPool) {
    let app = spawn_app_with(db, |s| {
        s.server.trusted_proxies = vec!["127.0.0.1".to_owned().try_into().unwrap()];
        s.server.max_sockets = 6;
        s.server.max_sockets_per_user = 5;
        s.server.max_sockets_per_ip = 3;
    })
    .await;

    let mut held = Vec::new();
    for n in 0..8 {
        let b = app.browser();
        b.session().await;
        let mut socket = events(&app, &b, Some("198.51.100.7")).await;
        let got = state(&mut socket).await;
        if n < 3 {
            assert_eq!(got, Ok(()), "socket {n}");
        } else {
            assert_eq!(
                got,
                Err((4008, "Too many sockets for address".to_owned())),
                "socket {n}"
            );
        }
        held.push(socket);
    }

    let bystander = app.browser();
    bystander.session().await;
    let mut theirs = events(&app, &bystander, Some("203.0.113.9")).await;
    assert_eq!(
        state(&mut theirs).await,
        Ok(()),
        "another client still gets one"
    );
}

#[sqlx::test(migrator = "minutes::db::MIGRATOR")]
async fn an_accounts_successful_logins_are_rate_limited(db: PgPool) {
    let app = spawn_app_with(db, |s| s.auth.max_logins_per_account_per_hour = 3).await;
    app.create_user("mallory", PASSWORD).await;
    app.create_user("ada", PASSWORD).await;

    // Failures do not spend the budget of successes: nobody can lock an
    // account out of logging in with it.
    for _ in 0..2 {
        let res = app.browser().login("mallory", "wrong password!").await;
        assert_eq!(res.status(), 401);
    }
    for _ in 0..3 {
        assert_eq!(app.browser().login("mallory", PASSWORD).await.status(), 200);
    }
    let res = app.browser().login("mallory", PASSWORD).await;
    assert_eq!(res.status(), 429);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(error_code(res).await, "too_many_attempts");
    assert_eq!(
        app.count("SELECT count(*) FROM session_series WHERE user_id IS NOT NULL")
            .await,
        3,
        "no fourth series"
    );
    assert_eq!(
        app.browser().login("ada", PASSWORD).await.status(),
        200,
        "others log in"
    );
}
