//! The listener's settings: addresses and origins, the proxies whose
//! forwarding headers are believed, the limits a slow or oversized client
//! meets, and the separate metrics listener.

use std::{net::SocketAddr, time::Duration};

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSettings {
    pub addr: SocketAddr,
    pub public_origin: String,
    pub allowed_origins: Vec<String>,
    /// Proxies whose `X-Forwarded-For` / `Forwarded` is believed.
    #[serde(default)]
    pub trusted_proxies: Vec<TrustedProxy>,
    /// A request's headers must arrive within this many seconds.
    pub header_read_timeout_secs: u64,
    /// A request body that sends nothing for this long fails.
    pub body_idle_timeout_secs: u64,
    /// The most a request's headers may take, in bytes.
    pub max_header_bytes: usize,
    /// WebSockets one session series may hold open on an instance.
    pub max_sockets_per_session: usize,
    /// WebSockets one account may hold open on an instance, over all its
    /// sessions.
    pub max_sockets_per_user: usize,
    /// WebSockets one client address (an IPv6 client's /64) may hold open
    /// on an instance.
    pub max_sockets_per_ip: usize,
    /// WebSockets an instance holds open in all.
    pub max_sockets: usize,
    /// Whether a WebSocket upgrade without an `Origin` header (a client
    /// that is no browser) is accepted; browsers always send one.
    pub allow_websockets_without_origin: bool,
}

/// What a slow or oversized client may hold, from `ServerSettings`.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_read_timeout: Duration,
    pub body_idle_timeout: Duration,
    pub max_header_bytes: usize,
}

impl ServerSettings {
    pub fn limits(&self) -> Limits {
        Limits {
            header_read_timeout: Duration::from_secs(self.header_read_timeout_secs),
            body_idle_timeout: Duration::from_secs(self.body_idle_timeout_secs),
            // hyper refuses a buffer smaller than 8 KiB.
            max_header_bytes: self.max_header_bytes.max(8192),
        }
    }
}

/// An address or CIDR block in `server.trusted_proxies`; a bare address is
/// its own /32 or /128.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct TrustedProxy(pub ipnet::IpNet);

impl TryFrom<String> for TrustedProxy {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse::<ipnet::IpNet>()
            .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
            .map(Self)
            .map_err(|_| format!("{s:?} is neither an IP address nor a CIDR block"))
    }
}

/// Operations: where Prometheus scrapes, apart from the public listener.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpsSettings {
    /// `GET /metrics` listens here only (loopback by default).
    pub metrics_addr: SocketAddr,
}
