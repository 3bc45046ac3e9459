//! A share as clients see it, and the permission it gives.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

/// What a share lets the grantee do beyond seeing the task: `edit` also
/// retries it and edits its minutes. `task_shares.permission` holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "text", rename_all = "lowercase")]
pub(crate) enum Permission {
    View,
    Edit,
}

impl Permission {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::View => "view",
            Self::Edit => "edit",
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct Share {
    /// The grantee.
    pub username: String,
    pub permission: Permission,
    /// Who granted it; null once that account is gone.
    #[schema(required = true)]
    pub granted_by: Option<String>,
    /// When it was first granted (a changed permission keeps it).
    #[serde(with = "crate::rfc3339")]
    pub created_at: OffsetDateTime,
}
