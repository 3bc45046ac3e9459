//! Passkeys (WebAuthn, with `webauthn-rs`): a signed-in user with a fresh
//! sign-in registers discoverable credentials (user verification required),
//! names, lists and removes them; anyone signs in with one without giving a
//! username, and the sign-in ends as every sign-in does (`sign_in`), as a
//! fresh one; a signed-in user may also sign in again with one (`reauth`). The relying party is the host of `server.public_origin`;
//! WebAuthn knows no IP addresses as relying parties, so with an IP host
//! passkeys are off (logged at startup, the routes answer 404
//! `passkeys_unavailable`). Each ceremony's state waits in PostgreSQL
//! (`ceremony`) between its begin and its finish, for five minutes, keyed
//! by a short-lived cookie of the browser, and is used once. A sign-in
//! whose signature counter does not go up is refused and audited
//! (`login_failed`, reason `passkey_cloned`): the authenticator was cloned.

mod ceremony;
mod flow;
mod reauth;
pub(super) mod routes;
mod store;

use url::{Host, Url};
use webauthn_rs::{Webauthn, WebauthnBuilder};

use super::two_factor::ChallengeCookie;

/// The relying party, if passkeys are on, and the ceremony cookie.
pub(super) struct Passkeys {
    webauthn: Option<Webauthn>,
    cookie: ChallengeCookie,
}

impl Passkeys {
    pub fn new(public_origin: &str, secure: bool) -> anyhow::Result<Self> {
        let origin = Url::parse(public_origin)?;
        let webauthn = match origin.host() {
            Some(Host::Domain(rp_id)) => Some(
                WebauthnBuilder::new(rp_id, &origin)?
                    .rp_name("minutes")
                    .build()?,
            ),
            _ => {
                tracing::warn!(
                    public_origin,
                    "passkeys are off: server.public_origin's host is an IP address, \
                     and WebAuthn needs a domain name (localhost will do locally)"
                );
                None
            }
        };
        Ok(Self {
            webauthn,
            cookie: ChallengeCookie::named("__Host-passkey", "passkey", secure),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ip_origin_turns_passkeys_off_and_a_domain_names_the_relying_party() {
        for ip in [
            "http://127.0.0.1:8080",
            "http://[::1]:8080",
            "https://192.0.2.7",
        ] {
            assert!(Passkeys::new(ip, false).unwrap().webauthn.is_none(), "{ip}");
        }
        for domain in ["http://localhost:8080", "https://minutes.example.org"] {
            assert!(
                Passkeys::new(domain, false).unwrap().webauthn.is_some(),
                "{domain}"
            );
        }
    }
}
