//! Why a single sign-on did not go through. The JSON routes answer with
//! the API's error body; the callback, reached by the browser coming back
//! from the provider, redirects to the page with the code in the hash
//! (`#/login?oidc_error=<code>`, or `#/account?…` for a link), which the
//! page shows in the user's language.

use axum::http::StatusCode;

use crate::{error::ApiError, session::IssueError};

/// 404: no provider of that name is configured.
pub const OIDC_PROVIDER_NOT_FOUND: &str = "oidc_provider_not_found";
/// 503: the provider's discovery document could not be read.
pub const OIDC_UNAVAILABLE: &str = "oidc_unavailable";
/// 404: the account has no identity at that provider.
pub const IDENTITY_NOT_FOUND: &str = "identity_not_found";
/// 409: the account has no password and no other identity: removing this
/// one would leave no way to sign in.
pub const LAST_SIGN_IN_METHOD: &str = "last_sign_in_method";

/// A failed callback (or start), as the code the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::auth) enum Failure {
    /// The provider could not be reached or named no token endpoint.
    Unavailable,
    /// No request of this browser awaits this `state`: none was made, it
    /// was used already, it expired, or another browser made it.
    StateInvalid,
    /// The provider answered with an error (the person declined, …).
    Denied,
    /// The token endpoint refused the code (used already, expired).
    CodeRefused,
    /// The ID token failed validation (signature, issuer, audience,
    /// expiry, nonce).
    TokenInvalid,
    /// Signed by a key the kept JWKS lacks; retried once after reading it
    /// again, then `TokenInvalid`.
    UnknownKey,
    /// No account has this identity and sign-up through this provider is
    /// off.
    NoAccount,
    /// An account with the identity's email exists: sign in with its
    /// password and link the provider from the account page.
    EmailTaken,
    /// A new account's username from the provider is taken or not valid.
    UsernameUnavailable,
    /// The identity is linked to another account already.
    IdentityTaken,
    /// The account has an identity at this provider already.
    AlreadyLinked,
    AccountDisabled,
    /// A server-side failure (logged).
    Internal,
}

impl Failure {
    pub fn code(self) -> &'static str {
        match self {
            Self::Unavailable => OIDC_UNAVAILABLE,
            Self::StateInvalid => "oidc_state_invalid",
            Self::Denied => "oidc_denied",
            Self::CodeRefused => "oidc_code_refused",
            Self::TokenInvalid | Self::UnknownKey => "oidc_token_invalid",
            Self::NoAccount => "oidc_no_account",
            Self::EmailTaken => "oidc_email_taken",
            Self::UsernameUnavailable => "oidc_username_unavailable",
            Self::IdentityTaken => "oidc_identity_taken",
            Self::AlreadyLinked => "oidc_already_linked",
            Self::AccountDisabled => super::super::errors::ACCOUNT_DISABLED,
            Self::Internal => "internal",
        }
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        tracing::error!(error = %e, "single sign-on failed");
        Self::Internal
    }
}

impl From<sqlx::Error> for Failure {
    fn from(e: sqlx::Error) -> Self {
        ApiError::from(e).into()
    }
}

/// A series refused for a disabled account.
impl From<IssueError> for Failure {
    fn from(e: IssueError) -> Self {
        match e {
            IssueError::AccountDisabled => Self::AccountDisabled,
            IssueError::Failed(e) => ApiError::from(e).into(),
        }
    }
}

pub fn provider_not_found() -> ApiError {
    ApiError::not_found(OIDC_PROVIDER_NOT_FOUND, "no such sign-in provider")
}

/// The start of a flow, refused before the browser leaves.
pub fn start_failed(failure: Failure) -> ApiError {
    match failure {
        Failure::Unavailable => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            OIDC_UNAVAILABLE,
            "the sign-in provider cannot be reached; try again later",
        ),
        other => ApiError::Internal(anyhow::anyhow!("single sign-on start: {other:?}")),
    }
}
