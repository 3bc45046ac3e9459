//! `SessionExpiration`, the rule for how long a session ID lives: a fixed
//! `session.id_ttl_secs` from its issue, and never past its series' refresh
//! expiry, so a session ID can never outlive the pair it was issued with.
//! Rotation does not slide it; a new session ID comes with the next pair.

use time::{Duration, OffsetDateTime};

use super::secs;
use crate::config::SessionSettings;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionExpiration {
    ttl: Duration,
}

impl SessionExpiration {
    pub fn new(ttl: Duration) -> Self {
        Self { ttl }
    }

    pub fn from_settings(s: &SessionSettings) -> Self {
        Self::new(secs(s.id_ttl_secs))
    }

    /// When a session ID issued at `issued_at` expires, given its series'
    /// refresh expiry.
    pub fn at(
        &self,
        issued_at: OffsetDateTime,
        refresh_expires_at: OffsetDateTime,
    ) -> OffsetDateTime {
        (issued_at + self.ttl).min(refresh_expires_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_id_lives_its_ttl_from_issue() {
        let rule = SessionExpiration::new(Duration::minutes(15));
        let issued = OffsetDateTime::UNIX_EPOCH;
        let far = issued + Duration::days(1);
        assert_eq!(rule.at(issued, far), issued + Duration::minutes(15));
    }

    #[test]
    fn a_session_id_never_outlives_its_series() {
        let rule = SessionExpiration::new(Duration::minutes(15));
        let issued = OffsetDateTime::UNIX_EPOCH;
        let series_ends = issued + Duration::minutes(5);
        assert_eq!(rule.at(issued, series_ends), series_ends);
    }
}
