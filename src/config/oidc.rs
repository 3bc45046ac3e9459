//! `auth.oidc.<name>`: one OpenID Connect provider people may sign in
//! with (docs/sign-in.md). The name appears in the routes
//! (`/api/auth/oidc/<name>/…`) and in the redirect URI registered at the
//! provider: `server.public_origin` + `/api/auth/oidc/<name>/callback`.

use anyhow::bail;
use secrecy::SecretString;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcProviderSettings {
    /// The issuer URL; its `/.well-known/openid-configuration` is read.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<SecretString>,
    /// Asked for at the provider; `openid` is always asked.
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// What the login button says; the name by default.
    #[serde(default)]
    pub display_name: Option<String>,
    /// The ID token claim a new account's username comes from.
    #[serde(default = "default_username_claim")]
    pub username_claim: String,
    /// A first sign-in by an identity no account knows creates one.
    #[serde(default)]
    pub allow_signup: bool,
    /// An ID token claim (a string or a list of strings) that decides, at
    /// each sign-in, whether the account holds the `admin` role.
    #[serde(default)]
    pub admin_claim: Option<String>,
    /// The values of `admin_claim` that make an administrator.
    #[serde(default)]
    pub admin_values: Vec<String>,
}

fn default_scopes() -> Vec<String> {
    ["openid", "email", "profile"].map(String::from).to_vec()
}

fn default_username_claim() -> String {
    "preferred_username".into()
}

impl OidcProviderSettings {
    /// What the login page shows.
    pub fn display_name<'a>(&'a self, name: &'a str) -> &'a str {
        self.display_name.as_deref().unwrap_or(name)
    }

    pub(super) fn validate(&self, name: &str) -> anyhow::Result<()> {
        let plain = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-".contains(c);
        if name.is_empty() || name.len() > 32 || !name.chars().all(plain) {
            bail!(
                "invalid configuration: auth.oidc.{name}: a provider's name is 1–32 of [a-z0-9_-]"
            );
        }
        if url::Url::parse(&self.issuer).is_err() {
            bail!("invalid configuration: auth.oidc.{name}.issuer is not a URL");
        }
        if self.admin_claim.is_some() && self.admin_values.is_empty() {
            bail!(
                "invalid configuration: auth.oidc.{name}.admin_values must name at least one value when admin_claim is set"
            );
        }
        Ok(())
    }
}
