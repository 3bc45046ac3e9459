//! The two session cookies, one for the session ID and one for the refresh
//! token: always HttpOnly, SameSite=Lax, Path=/, no Domain; `Secure` and the
//! `__Host-` names under `session.cookie_secure`.

use axum::http::{HeaderMap, HeaderValue, header};
use time::{Duration, OffsetDateTime};
use tower_sessions::cookie::{Cookie, SameSite};

use super::Issued;

#[derive(Debug, Clone)]
pub struct CookieNames {
    pub sid: &'static str,
    pub rt: &'static str,
    secure: bool,
}

impl CookieNames {
    pub fn new(secure: bool) -> Self {
        if secure {
            Self {
                sid: "__Host-sid",
                rt: "__Host-rt",
                secure,
            }
        } else {
            Self {
                sid: "sid",
                rt: "rt",
                secure,
            }
        }
    }

    fn build(&self, name: &'static str, value: String, max_age: Duration) -> HeaderValue {
        let cookie = Cookie::build((name, value))
            .http_only(true)
            .same_site(SameSite::Lax)
            .path("/")
            .secure(self.secure)
            .max_age(max_age)
            .build();
        HeaderValue::from_str(&cookie.to_string()).expect("cookie values are URL-safe")
    }

    /// Sets both cookies of a newly issued pair, each living as long as its token.
    pub fn issue(&self, headers: &mut HeaderMap, pair: &Issued) {
        let now = OffsetDateTime::now_utc();
        let sid = self.build(
            self.sid,
            pair.session_id.to_string(),
            pair.session_expires_at - now,
        );
        let rt = self.build(
            self.rt,
            pair.refresh.as_str().to_owned(),
            pair.refresh_expires_at - now,
        );
        headers.append(header::SET_COOKIE, sid);
        headers.append(header::SET_COOKIE, rt);
    }

    /// Clears both cookies (`Max-Age=0`).
    pub fn clear(&self, headers: &mut HeaderMap) {
        for name in [self.sid, self.rt] {
            headers.append(
                header::SET_COOKIE,
                self.build(name, String::new(), Duration::ZERO),
            );
        }
    }

    /// The values of our two cookies in a request, if present.
    pub fn read<'a>(&self, headers: &'a HeaderMap) -> (Option<&'a str>, Option<&'a str>) {
        let (mut sid, mut rt) = (None, None);
        let pairs = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'));
        for pair in pairs {
            let Some((name, value)) = pair.trim().split_once('=') else {
                continue;
            };
            if name == self.sid {
                sid = Some(value);
            } else if name == self.rt {
                rt = Some(value);
            }
        }
        (sid, rt)
    }
}
