//! `RefreshPairExpiration`, the rule for how long a series (and so its
//! refresh token) lives: an idle expiry that slides on every rotation —
//! `session.refresh_idle_ttl_secs` for a user's series,
//! `session.anonymous_idle_ttl_secs` for an anonymous one — capped by an
//! absolute expiry fixed when the series starts
//! (`session.refresh_absolute_ttl_secs`), so no amount of activity keeps a
//! series alive forever.

use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::secs;
use crate::config::SessionSettings;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefreshPairExpiration {
    user_idle: Duration,
    anonymous_idle: Duration,
    absolute: Duration,
}

/// A series' two deadlines, as stored on its row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesDeadlines {
    pub idle: OffsetDateTime,
    pub absolute: OffsetDateTime,
}

impl SeriesDeadlines {
    /// When the refresh token stops working: whichever deadline comes first.
    pub fn expires_at(&self) -> OffsetDateTime {
        self.idle.min(self.absolute)
    }
}

impl RefreshPairExpiration {
    pub fn new(user_idle: Duration, anonymous_idle: Duration, absolute: Duration) -> Self {
        Self {
            user_idle,
            anonymous_idle,
            absolute,
        }
    }

    pub fn from_settings(s: &SessionSettings) -> Self {
        Self::new(
            secs(s.refresh_idle_ttl_secs),
            secs(s.anonymous_idle_ttl_secs),
            secs(s.refresh_absolute_ttl_secs),
        )
    }

    fn idle_ttl(&self, user_id: Option<Uuid>) -> Duration {
        if user_id.is_some() {
            self.user_idle
        } else {
            self.anonymous_idle
        }
    }

    /// The deadlines of a series starting at `now`.
    pub fn start(&self, now: OffsetDateTime, user_id: Option<Uuid>) -> SeriesDeadlines {
        SeriesDeadlines {
            idle: now + self.idle_ttl(user_id),
            absolute: now + self.absolute,
        }
    }

    /// The idle deadline after a rotation at `now`; never past `absolute`.
    pub fn slide(
        &self,
        now: OffsetDateTime,
        user_id: Option<Uuid>,
        absolute: OffsetDateTime,
    ) -> OffsetDateTime {
        (now + self.idle_ttl(user_id)).min(absolute)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: OffsetDateTime = OffsetDateTime::UNIX_EPOCH;

    fn rule() -> RefreshPairExpiration {
        RefreshPairExpiration::new(Duration::days(14), Duration::days(1), Duration::days(30))
    }

    #[test]
    fn a_users_series_idles_longer_than_an_anonymous_one() {
        let user = rule().start(T0, Some(Uuid::new_v4()));
        assert_eq!(user.idle, T0 + Duration::days(14));
        assert_eq!(user.absolute, T0 + Duration::days(30));
        assert_eq!(user.expires_at(), T0 + Duration::days(14));
        let anonymous = rule().start(T0, None);
        assert_eq!(anonymous.expires_at(), T0 + Duration::days(1));
    }

    #[test]
    fn the_idle_expiry_slides_with_each_rotation() {
        let later = T0 + Duration::days(10);
        let absolute = T0 + Duration::days(30);
        let slid = rule().slide(later, Some(Uuid::new_v4()), absolute);
        assert_eq!(slid, later + Duration::days(14));
    }

    #[test]
    fn the_absolute_expiry_caps_the_slide() {
        let late = T0 + Duration::days(25);
        let absolute = T0 + Duration::days(30);
        assert_eq!(rule().slide(late, Some(Uuid::new_v4()), absolute), absolute);
    }

    #[test]
    fn an_absolute_ttl_shorter_than_idle_decides_from_the_start() {
        let short =
            RefreshPairExpiration::new(Duration::days(14), Duration::days(1), Duration::hours(1));
        assert_eq!(
            short.start(T0, Some(Uuid::new_v4())).expires_at(),
            T0 + Duration::hours(1)
        );
    }
}
