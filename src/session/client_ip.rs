//! The client's address. It is the TCP peer, unless the peer is one of
//! `server.trusted_proxies`: then it is the rightmost address in the
//! forwarding headers that is not itself a trusted proxy — the last hop a
//! trusted proxy saw. Everything left of that hop was written by the client
//! and proves nothing. `Forwarded` (RFC 7239) wins over `X-Forwarded-For`
//! when both are present. A hop that does not parse ends the walk: what a
//! trusted proxy appended is well-formed, so garbage means the chain of
//! trust stops there, and the last trusted hop is the answer.

use std::net::IpAddr;

use axum::http::{HeaderMap, header::FORWARDED};

use crate::config::TrustedProxy;

pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[TrustedProxy]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|t| t.0.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in hops(headers).into_iter().rev() {
        match hop {
            Some(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            None => break,
        }
    }
    client
}

/// The forwarding chain, leftmost (farthest) first; `None` for a hop that
/// does not parse as an address.
fn hops(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<_> = headers.get_all(FORWARDED).iter().collect();
    if !forwarded.is_empty() {
        return forwarded
            .into_iter()
            .flat_map(|v| v.to_str().unwrap_or("\u{0}").split(','))
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, v)| parse_node(v.trim().trim_matches('"')))
            })
            .collect();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .flat_map(|v| v.to_str().unwrap_or("\u{0}").split(','))
        .map(|hop| parse_node(hop.trim()))
        .collect()
}

/// `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]`, `[2001:db8::1]:4711`,
/// `2001:db8::1`.
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse() {
        return Some(ip);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split_once(']').and_then(|(ip, _)| ip.parse().ok());
    }
    node.rsplit_once(':')
        .and_then(|(ip, port)| port.parse::<u16>().ok().and(ip.parse().ok()))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn trusted(list: &[&str]) -> Vec<TrustedProxy> {
        list.iter()
            .map(|s| TrustedProxy::try_from((*s).to_owned()).unwrap())
            .collect()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(client_ip(ip("198.51.100.7"), &h, &[]), ip("198.51.100.7"));
        let t = trusted(&["10.0.0.0/8"]);
        assert_eq!(client_ip(ip("198.51.100.7"), &h, &t), ip("198.51.100.7"));
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() {
        let t = trusted(&["10.0.0.0/8", "192.0.2.1"]);
        // The client spoofs a first hop; our two proxies append what they saw.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.1.1.1")]);
        assert_eq!(client_ip(ip("192.0.2.1"), &h, &t), ip("203.0.113.9"));
    }

    #[test]
    fn forwarded_wins_over_x_forwarded_for_and_handles_ports_and_ipv6() {
        let t = trusted(&["127.0.0.1"]);
        let h = headers(&[
            ("x-forwarded-for", "198.51.100.1"),
            (
                "forwarded",
                r#"for=1.2.3.4, for="[2001:db8::7]:4711";proto=https"#,
            ),
        ]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &t), ip("2001:db8::7"));
    }

    #[test]
    fn a_garbled_hop_ends_the_chain_of_trust() {
        let t = trusted(&["127.0.0.1", "10.0.0.2"]);
        let h = headers(&[("x-forwarded-for", "203.0.113.9, unknown, 10.0.0.2")]);
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &t), ip("10.0.0.2"));
    }

    #[test]
    fn a_trusted_peer_without_headers_is_the_client() {
        let t = trusted(&["127.0.0.1"]);
        assert_eq!(
            client_ip(ip("127.0.0.1"), &HeaderMap::new(), &t),
            ip("127.0.0.1")
        );
    }
}
