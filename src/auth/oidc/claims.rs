//! What a validated ID token says about its person. Read only after the
//! token's signature, issuer, audience, expiry and nonce checked out
//! (`provider::Provider::redeem`): the payload is then decoded once more
//! as plain JSON, for the claims a deployment names in its configuration
//! (`username_claim`, `admin_claim`), which may be any.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Map, Value};

use super::errors::Failure;

#[derive(Debug)]
pub(super) struct Claims {
    /// `sub`: who the person is at this provider, for good.
    pub subject: String,
    payload: Map<String, Value>,
}

impl Claims {
    /// `jwt` is the validated token whose subject is `subject`.
    pub fn read(subject: &str, jwt: &str) -> Result<Self, Failure> {
        let payload = jwt
            .split('.')
            .nth(1)
            .and_then(|part| URL_SAFE_NO_PAD.decode(part).ok())
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or(Failure::TokenInvalid)?;
        Ok(Self {
            subject: subject.to_owned(),
            payload,
        })
    }

    /// A claim holding a string.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.payload.get(name).and_then(Value::as_str)
    }

    /// The email, whether or not the provider verified it.
    pub fn email(&self) -> Option<&str> {
        self.text("email")
    }

    /// The email, if the provider says it verified it.
    pub fn verified_email(&self) -> Option<&str> {
        let verified = self.payload.get("email_verified") == Some(&Value::Bool(true));
        self.email().filter(|_| verified)
    }

    /// Whether a claim (a string, or a list of strings) holds one of
    /// `values`.
    pub fn holds_any(&self, name: &str, values: &[String]) -> bool {
        let held = |v: &Value| v.as_str().is_some_and(|s| values.iter().any(|w| w == s));
        match self.payload.get(name) {
            Some(Value::Array(items)) => items.iter().any(held),
            Some(value) => held(value),
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(payload: Value) -> Claims {
        let part = URL_SAFE_NO_PAD.encode(payload.to_string());
        Claims::read("s", &format!("e30.{part}.sig")).unwrap()
    }

    #[test]
    fn a_claim_holds_a_value_as_a_string_or_in_a_list() {
        let admins = ["ops".to_owned()];
        assert!(claims(serde_json::json!({ "groups": ["a", "ops"] })).holds_any("groups", &admins));
        assert!(claims(serde_json::json!({ "role": "ops" })).holds_any("role", &admins));
        assert!(!claims(serde_json::json!({ "groups": ["opsx"] })).holds_any("groups", &admins));
        assert!(!claims(serde_json::json!({})).holds_any("groups", &admins));
    }

    #[test]
    fn an_unverified_email_is_not_a_verified_one() {
        let c = claims(serde_json::json!({ "email": "a@example.test", "email_verified": false }));
        assert_eq!(c.email(), Some("a@example.test"));
        assert_eq!(c.verified_email(), None);
    }
}
