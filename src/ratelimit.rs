//! Per-client rate limits for cheap-to-ask, costly-to-grant requests
//! (starting a session, an anonymous upload). Kept in each instance's memory
//! (governor's GCRA: a burst of `per_window`, refilled evenly over
//! `window`), so with several instances a client gets up to that many times
//! the limit; what they bound is a flood, not a quota. A client is its
//! address, or an IPv6 client's /64, since one host usually owns a whole /64.

use std::{num::NonZeroU32, time::Duration};

use governor::{DefaultKeyedRateLimiter, Quota, clock::Clock as _, clock::DefaultClock};

/// Forgetting idle clients past this many keeps memory bounded.
const MAX_TRACKED: usize = 100_000;

pub struct PerClient(DefaultKeyedRateLimiter<String>);

impl PerClient {
    /// `per_window` requests per `window` per client (at least one).
    pub fn new(per_window: u32, window: Duration) -> Self {
        let burst = NonZeroU32::new(per_window.max(1)).expect("at least one");
        let period = window / burst.get();
        let quota = Quota::with_period(period.max(Duration::from_nanos(1)))
            .expect("a positive period")
            .allow_burst(burst);
        Self(DefaultKeyedRateLimiter::keyed(quota))
    }

    /// Counts a request of `ip`; `Err(seconds)` to wait when over the limit.
    /// A request without a known address is not limited here.
    pub fn check(&self, ip: Option<&str>) -> Result<(), u64> {
        let Some(ip) = ip else { return Ok(()) };
        if self.0.len() > MAX_TRACKED {
            self.0.retain_recent();
        }
        self.0.check_key(&client_key(ip)).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            wait.as_secs() + 1
        })
    }
}

/// The key a client is counted by.
pub fn client_key(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            ipnet::Ipv6Net::new(v6, 64)
                .map(|net| net.trunc().to_string())
                .unwrap_or_else(|_| ip.to_owned())
        }
        _ => ip.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        assert_eq!(client_key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(
            client_key("2001:db8:1:2:bbbb::9"),
            client_key("2001:db8:1:2::1")
        );
        assert_ne!(client_key("2001:db8:1:3::1"), client_key("2001:db8:1:2::1"));
        assert_eq!(client_key("203.0.113.9"), "203.0.113.9");
        assert_eq!(client_key("::ffff:203.0.113.9"), "::ffff:203.0.113.9");
    }

    #[test]
    fn a_client_gets_its_burst_then_waits_and_others_are_apart() {
        let limit = PerClient::new(3, Duration::from_secs(3600));
        for _ in 0..3 {
            assert_eq!(limit.check(Some("203.0.113.9")), Ok(()));
        }
        let wait = limit.check(Some("203.0.113.9")).unwrap_err();
        assert!(wait > 0 && wait <= 1201, "{wait}");
        assert_eq!(limit.check(Some("2001:db8::1")), Ok(()));
        assert_eq!(limit.check(None), Ok(()));
    }
}
