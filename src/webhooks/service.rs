//! The endpoint flows: register (an `https://` URL the guard would accept,
//! the events, `all_tasks` for admins only), change or enable again,
//! rotate the secret, delete, send a test event, redeliver. Each runs in
//! one transaction with its audit event, under the endpoint's row lock.

use std::{
    collections::BTreeMap,
    sync::{Arc, LazyLock},
};

use regex::Regex;
use reqwest::Url;
use serde_json::json;
use uuid::Uuid;

use super::{
    errors, guard,
    model::{
        EventName, NewWebhook, Queued, URL_MAX, URL_PATTERN, Webhook, WebhookChange, WithSecret,
    },
    queries,
    secret::{Sealer, Secret},
};
use crate::{
    audit,
    config::WebhookSettings,
    error::{ApiError, Result},
    outbox,
};

/// Endpoints one user may have.
const MAX_PER_USER: i64 = 20;
/// The event a test delivery carries.
const TEST_EVENT: &str = "webhook.test";

static URL_SHAPE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(URL_PATTERN).expect("the URL pattern compiles"));

/// What the webhook endpoints use.
#[derive(Clone, axum::extract::FromRef)]
pub struct WebhooksState {
    pub db: sqlx::PgPool,
    pub settings: Arc<WebhookSettings>,
    pub sealer: Arc<Sealer>,
}

/// The signed-in user calling, and who they are for the audit log.
pub(super) struct Caller {
    pub user_id: Uuid,
    pub actor: audit::Actor,
}

type Fields = BTreeMap<String, Vec<String>>;

/// The URL as stored, or why not (into `fields`). Checked as the document
/// states it (`URL_PATTERN`), then what no schema can say: `http://` and
/// internal address literals only with `webhooks.allow_private`.
fn check_url(raw: &str, allow_private: bool, fields: &mut Fields) -> Option<String> {
    let problem = match raw.parse::<Url>() {
        _ if raw.len() > URL_MAX || !URL_SHAPE.is_match(raw) => "invalid",
        Err(_) => "invalid",
        Ok(url) if url.scheme() != "https" && !allow_private => "https_required",
        Ok(url) if guard::literal_is_internal(&url) && !allow_private => "private_address",
        Ok(url) => return Some(url.into()),
    };
    fields.insert("url".into(), vec![problem.into()]);
    None
}

fn check_events(events: &[EventName], fields: &mut Fields) -> Vec<String> {
    if events.is_empty() {
        fields.insert("events".into(), vec!["required".into()]);
    }
    EventName::names(events)
}

fn done(fields: Fields) -> Result<()> {
    if fields.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(fields))
    }
}

pub(super) async fn create(
    state: &WebhooksState,
    caller: &Caller,
    body: NewWebhook,
) -> Result<WithSecret> {
    let mut fields = Fields::new();
    let url = check_url(&body.url.0, state.settings.allow_private, &mut fields);
    let events = check_events(&body.events, &mut fields);
    done(fields)?;
    let url = url.unwrap_or_default();
    let mut tx = state.db.begin().await?;
    if body.all_tasks && !queries::is_admin(&mut tx, caller.user_id).await? {
        return Err(errors::admin_required());
    }
    if queries::count(&mut tx, caller.user_id).await? >= MAX_PER_USER {
        return Err(errors::too_many(MAX_PER_USER));
    }
    let (id, secret) = (Uuid::new_v4(), Secret::generate());
    let row = queries::NewRow {
        id,
        user_id: caller.user_id,
        url: &url,
        events: &events,
        all_tasks: body.all_tasks,
        secret_sealed: &state.sealer.seal(id, &secret),
    };
    let webhook = queries::insert(&mut tx, row).await?;
    let detail = json!({ "url": url, "events": events, "all_tasks": body.all_tasks });
    record(&mut tx, audit::Kind::WebhookCreated, caller, id, detail).await?;
    tx.commit().await?;
    Ok(WithSecret {
        secret: secret.encoded(),
        webhook,
    })
}

pub(super) async fn change(
    state: &WebhooksState,
    caller: &Caller,
    id: Uuid,
    body: WebhookChange,
) -> Result<Webhook> {
    let mut fields = Fields::new();
    let url = body
        .url
        .map(|u| check_url(&u.0, state.settings.allow_private, &mut fields));
    let events = body.events.map(|e| check_events(&e, &mut fields));
    done(fields)?;
    let mut tx = state.db.begin().await?;
    let current = queries::lock(&mut tx, id, caller.user_id)
        .await?
        .ok_or_else(errors::not_found)?;
    let url = url.flatten().unwrap_or(current.url);
    let events = events.unwrap_or_else(|| EventName::names(&current.events));
    let enabled = body.enabled.unwrap_or(current.disabled_at.is_none());
    let webhook = queries::update(&mut tx, id, &url, &events, enabled).await?;
    let detail = json!({ "url": url, "events": events, "enabled": enabled });
    record(&mut tx, audit::Kind::WebhookChanged, caller, id, detail).await?;
    tx.commit().await?;
    Ok(webhook)
}

pub(super) async fn delete(state: &WebhooksState, caller: &Caller, id: Uuid) -> Result<()> {
    let mut tx = state.db.begin().await?;
    let url = queries::delete(&mut tx, id, caller.user_id)
        .await?
        .ok_or_else(errors::not_found)?;
    record(
        &mut tx,
        audit::Kind::WebhookDeleted,
        caller,
        id,
        json!({ "url": url }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(super) async fn rotate(state: &WebhooksState, caller: &Caller, id: Uuid) -> Result<WithSecret> {
    let mut tx = state.db.begin().await?;
    queries::lock(&mut tx, id, caller.user_id)
        .await?
        .ok_or_else(errors::not_found)?;
    let secret = Secret::generate();
    let webhook = queries::rotate(&mut tx, id, &state.sealer.seal(id, &secret)).await?;
    let detail = json!({
        "url": webhook.url, "previous_secret_until": webhook.previous_secret_until,
    });
    record(&mut tx, audit::Kind::WebhookRotated, caller, id, detail).await?;
    tx.commit().await?;
    Ok(WithSecret {
        secret: secret.encoded(),
        webhook,
    })
}

pub(super) async fn send_test(state: &WebhooksState, caller: &Caller, id: Uuid) -> Result<Queued> {
    let mut tx = state.db.begin().await?;
    let webhook = queries::lock(&mut tx, id, caller.user_id)
        .await?
        .ok_or_else(errors::not_found)?;
    if webhook.disabled_at.is_some() {
        return Err(errors::disabled());
    }
    let body = outbox::body(TEST_EVENT, json!({ "webhook_id": id }));
    let delivery_id = queries::enqueue(&mut tx, id, TEST_EVENT, &body).await?;
    outbox::wake(&mut tx).await?;
    tx.commit().await?;
    Ok(Queued { delivery_id })
}

pub(super) async fn redeliver(
    state: &WebhooksState,
    caller: &Caller,
    delivery_id: Uuid,
) -> Result<Queued> {
    let mut tx = state.db.begin().await?;
    let (delivery_id, enabled) = queries::redeliver(&mut tx, delivery_id, caller.user_id)
        .await?
        .ok_or_else(errors::delivery_not_found)?;
    if !enabled {
        return Err(errors::disabled());
    }
    outbox::wake(&mut tx).await?;
    tx.commit().await?;
    Ok(Queued { delivery_id })
}

async fn record(
    conn: &mut sqlx::PgConnection,
    kind: audit::Kind,
    caller: &Caller,
    id: Uuid,
    detail: serde_json::Value,
) -> sqlx::Result<()> {
    audit::record(conn, kind, &caller.actor, Some(&id.to_string()), detail).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(url: &str, allow_private: bool) -> Option<String> {
        let mut fields = Fields::new();
        check_url(url, allow_private, &mut fields);
        fields.remove("url").map(|p| p[0].clone())
    }

    #[test]
    fn urls_are_checked_as_documented() {
        assert_eq!(problem("https://hooks.example.com/in?x=1", false), None);
        assert_eq!(problem("https://example.com:8443", false), None);
        assert_eq!(
            problem("http://example.com/", false).as_deref(),
            Some("https_required")
        );
        assert_eq!(problem("http://example.com/", true), None);
        assert_eq!(
            problem("https://127.0.0.1/", false).as_deref(),
            Some("private_address")
        );
        assert_eq!(
            problem("https://10.1.2.3/", false).as_deref(),
            Some("private_address")
        );
        assert_eq!(problem("http://127.0.0.1:9000/", true), None);
        for bad in [
            "ftp://example.com/",
            "HTTPS://example.com/",
            "https://user:pw@example.com/",
            "https://example.com/#frag",
            "https://example.com:0/",
            "https://example.com:65536/",
            "https://999.1.1.1/",
            "https://exa mple.com/",
            "https://[::1]/",
        ] {
            assert_eq!(problem(bad, true).as_deref(), Some("invalid"), "{bad}");
        }
    }
}
