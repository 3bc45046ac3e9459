//! The SSRF guard. Every delivery resolves the endpoint's host itself and
//! connects only to the addresses it checked (the client is pinned to them),
//! so a name that resolves to a public address at one moment and to an
//! internal one the next — DNS rebinding — cannot reach inside. Unless
//! `webhooks.allow_private` is set, a name with any internal address is
//! refused: loopback, private (RFC 1918, ULA), link-local (which holds the
//! 169.254.169.254 metadata service), CGNAT, unspecified, multicast,
//! broadcast and reserved, also when embedded in an IPv6 address.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::Url;

/// Why a URL may not be delivered to.
#[derive(Debug, thiserror::Error)]
pub(super) enum Refusal {
    #[error("the address {0} is internal (webhooks.allow_private is off)")]
    Internal(IpAddr),
    #[error("the host name did not resolve: {0}")]
    Unresolved(String),
    #[error("the URL has no host")]
    NoHost,
}

impl Refusal {
    /// A refused address stays refused; a resolution may work next time.
    pub(super) fn is_permanent(&self) -> bool {
        !matches!(self, Self::Unresolved(_))
    }
}

/// The addresses to connect to for `url`, each checked.
pub(super) async fn resolve(url: &Url, allow_private: bool) -> Result<Vec<SocketAddr>, Refusal> {
    let port = url.port_or_known_default().unwrap_or(443);
    let addrs: Vec<SocketAddr> = match url.host() {
        None => return Err(Refusal::NoHost),
        Some(url::Host::Ipv4(ip)) => vec![SocketAddr::new(ip.into(), port)],
        Some(url::Host::Ipv6(ip)) => vec![SocketAddr::new(ip.into(), port)],
        Some(url::Host::Domain(name)) => tokio::net::lookup_host((name, port))
            .await
            .map_err(|e| Refusal::Unresolved(e.to_string()))?
            .collect(),
    };
    if addrs.is_empty() {
        return Err(Refusal::Unresolved("no addresses".into()));
    }
    match addrs.iter().find(|a| is_internal(a.ip())) {
        Some(bad) if !allow_private => Err(Refusal::Internal(bad.ip())),
        _ => Ok(addrs),
    }
}

/// Whether an address literal in a URL is refused at registration.
pub(super) fn literal_is_internal(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => is_internal(ip.into()),
        Some(url::Host::Ipv6(ip)) => is_internal(ip.into()),
        _ => false,
    }
}

pub(super) fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4_is_internal(v4),
        IpAddr::V6(v6) => v6_is_internal(v6),
    }
}

fn v4_is_internal(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_unspecified()
        || a == 0 // "this network"
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local() // 169.254/16, the metadata service's range
        || (a == 100 && (64..128).contains(&b)) // CGNAT, 100.64/10
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking, 198.18/15
        || ip.is_multicast()
        || a >= 240 // reserved, and the broadcast address
}

fn v6_is_internal(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return v4_is_internal(v4);
    }
    let first = ip.segments()[0];
    ip.is_unspecified()
        || ip.is_loopback()
        || (first & 0xfe00) == 0xfc00 // unique local, fc00::/7 (AWS's fd00:ec2::254 too)
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || ip.is_multicast()
}

/// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible
/// (`::a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`) or 6to4 (`2002:AABB:CCDD::`) address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        [0, 0, 0, 0, 0, 0xffff, _, _] => Some(tail),
        [0, 0, 0, 0, 0, 0, _, _] if !ip.is_loopback() && !ip.is_unspecified() => Some(tail),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(tail),
        [0x2002, hi, lo, ..] => Some(Ipv4Addr::new(
            (hi >> 8) as u8,
            hi as u8,
            (lo >> 8) as u8,
            lo as u8,
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "127.1.2.3",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "0.0.0.0",
            "0.1.2.3",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "::",
            "::1",
            "fc00::1",
            "fd00:ec2::254",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
        ] {
            assert!(is_internal(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for ip in [
            "1.1.1.1",
            "8.8.8.8",
            "100.63.255.255",
            "100.128.0.1",
            "172.32.0.1",
            "192.169.0.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
            "2002:808:808::",
        ] {
            assert!(!is_internal(ip.parse().unwrap()), "{ip}");
        }
    }

    #[tokio::test]
    async fn a_name_resolving_to_loopback_is_refused() {
        let url: Url = "https://localhost:8443/hook".parse().unwrap();
        assert!(matches!(
            resolve(&url, false).await,
            Err(Refusal::Internal(ip)) if ip.is_loopback()
        ));
        assert!(resolve(&url, true).await.is_ok());
    }
}
