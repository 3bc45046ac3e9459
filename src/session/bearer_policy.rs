//! What a bearer token may reach: a table of the operations open to tokens
//! and the scope each needs. Everything else — the admin endpoints, the
//! session and account endpoints (password, logout, token creation), the
//! sockets — is refused to every token, whatever its scopes, so a new route
//! is closed to tokens until it is listed here.

use axum::http::Method;

use super::Scope;

/// What a token needs to call an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Never callable with a token.
    Refused,
    /// Any live token of the user (who am I, what does the service offer).
    Open,
    /// A token holding this scope.
    Needs(Scope),
}

/// The operations open to tokens: method, route as registered, scope.
pub const OPEN_TO_TOKENS: &[(&str, &str, Option<Scope>)] = &[
    ("GET", "/api/auth/me", None),
    ("GET", "/api/capabilities", None),
    ("GET", "/api/tasks", Some(Scope::TasksRead)),
    ("GET", "/api/tasks/{task_id}", Some(Scope::TasksRead)),
    ("GET", "/api/tasks/{task_id}/media", Some(Scope::TasksRead)),
    (
        "GET",
        "/api/tasks/{task_id}/minutes",
        Some(Scope::TasksRead),
    ),
    (
        "GET",
        "/api/tasks/{task_id}/minutes/revisions",
        Some(Scope::TasksRead),
    ),
    ("GET", "/api/tasks/{task_id}/shares", Some(Scope::TasksRead)),
    ("POST", "/api/upload", Some(Scope::TasksWrite)),
    (
        "PUT",
        "/api/tasks/{task_id}/minutes",
        Some(Scope::TasksWrite),
    ),
    ("DELETE", "/api/tasks/{task_id}", Some(Scope::TasksWrite)),
    (
        "POST",
        "/api/tasks/{task_id}/retry",
        Some(Scope::TasksWrite),
    ),
    (
        "PUT",
        "/api/tasks/{task_id}/shares/{username}",
        Some(Scope::SharesWrite),
    ),
    (
        "DELETE",
        "/api/tasks/{task_id}/shares/{username}",
        Some(Scope::SharesWrite),
    ),
    // Share links, and the views of them: who opened them, from where.
    (
        "GET",
        "/api/tasks/{task_id}/links",
        Some(Scope::SharesWrite),
    ),
    (
        "POST",
        "/api/tasks/{task_id}/links",
        Some(Scope::SharesWrite),
    ),
    (
        "PUT",
        "/api/tasks/{task_id}/links/policy",
        Some(Scope::SharesWrite),
    ),
    ("DELETE", "/api/links/{link_id}", Some(Scope::SharesWrite)),
    ("GET", "/api/webhooks", Some(Scope::WebhooksWrite)),
    ("POST", "/api/webhooks", Some(Scope::WebhooksWrite)),
    (
        "PATCH",
        "/api/webhooks/{webhook_id}",
        Some(Scope::WebhooksWrite),
    ),
    (
        "DELETE",
        "/api/webhooks/{webhook_id}",
        Some(Scope::WebhooksWrite),
    ),
    (
        "POST",
        "/api/webhooks/{webhook_id}/rotate",
        Some(Scope::WebhooksWrite),
    ),
    (
        "POST",
        "/api/webhooks/{webhook_id}/test",
        Some(Scope::WebhooksWrite),
    ),
    (
        "GET",
        "/api/webhooks/{webhook_id}/deliveries",
        Some(Scope::WebhooksWrite),
    ),
    (
        "POST",
        "/api/webhooks/deliveries/{delivery_id}/redeliver",
        Some(Scope::WebhooksWrite),
    ),
];

/// The rule for a request to `route` (its matched path); HEAD is GET.
pub fn rule(method: &Method, route: &str) -> Rule {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    OPEN_TO_TOKENS
        .iter()
        .find(|(m, r, _)| *m == method && *r == route)
        .map_or(Rule::Refused, |(_, _, scope)| {
            scope.map_or(Rule::Open, Rule::Needs)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_session_and_account_routes_are_refused_to_tokens() {
        for (m, r) in [
            (Method::GET, "/api/admin/users"),
            (Method::PATCH, "/api/admin/users/{user_id}"),
            (Method::POST, "/api/auth/password"),
            (Method::POST, "/api/auth/logout"),
            (Method::POST, "/api/tokens"),
            (Method::GET, "/api/tokens"),
            (Method::GET, "/api/sessions"),
            (Method::GET, "/ws"),
        ] {
            assert_eq!(rule(&m, r), Rule::Refused, "{m} {r}");
        }
    }

    #[test]
    fn task_routes_need_their_scope() {
        assert_eq!(
            rule(&Method::HEAD, "/api/tasks/{task_id}"),
            Rule::Needs(Scope::TasksRead)
        );
        assert_eq!(
            rule(&Method::POST, "/api/upload"),
            Rule::Needs(Scope::TasksWrite)
        );
        assert_eq!(rule(&Method::GET, "/api/auth/me"), Rule::Open);
    }

    #[test]
    fn share_links_are_managed_with_shares_write_and_never_opened_with_a_token() {
        for (m, r) in [
            (Method::GET, "/api/tasks/{task_id}/links"),
            (Method::POST, "/api/tasks/{task_id}/links"),
            (Method::PUT, "/api/tasks/{task_id}/links/policy"),
            (Method::DELETE, "/api/links/{link_id}"),
        ] {
            assert_eq!(rule(&m, r), Rule::Needs(Scope::SharesWrite), "{m} {r}");
        }
        for r in ["/api/links/view", "/api/links/recording"] {
            assert_eq!(rule(&Method::POST, r), Rule::Refused, "{r}");
        }
    }
}
