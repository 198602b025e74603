//! Who a request comes from. Behind a reverse proxy every connection shows the proxy's
//! address, so the limits per address would lump all clients together: when the peer
//! is a trusted proxy (`CHATPULSE_TRUSTED_PROXIES`), the client is the right-most
//! `X-Forwarded-For` entry that is not itself a trusted proxy. From anyone else the
//! header is ignored, so a client cannot pick its own address.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::{Extensions, HeaderMap};

/// An address or a CIDR block (`10.0.0.0/8`, `::1`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressBlock {
    network: IpAddr,
    prefix: u8,
}

impl AddressBlock {
    pub fn parse(text: &str) -> Option<AddressBlock> {
        let (address, prefix) = match text.trim().split_once('/') {
            Some((address, prefix)) => (address.parse::<IpAddr>().ok()?, Some(prefix.parse::<u8>().ok()?)),
            None => (text.trim().parse::<IpAddr>().ok()?, None),
        };
        let bits = if address.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(bits);
        (prefix <= bits).then_some(AddressBlock { network: address, prefix })
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        let mask = |bits: u32, width: u32| -> u128 {
            if bits == 0 {
                0
            } else {
                (u128::MAX << (width - bits)) & (u128::MAX >> (128 - width))
            }
        };
        match (self.network, canonical(address)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let m = mask(self.prefix.into(), 32);
                u128::from(u32::from(net)) & m == u128::from(u32::from(ip)) & m
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let m = mask(self.prefix.into(), 128);
                u128::from(net) & m == u128::from(ip) & m
            }
            _ => false,
        }
    }
}

/// IPv4 clients of a dual-stack listener show up as `::ffff:a.b.c.d`.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<AddressBlock>);

/// As configured: `10.0.0.0/8,127.0.0.1/32`.
impl std::fmt::Display for TrustedProxies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let blocks: Vec<String> = self.0.iter().map(|b| format!("{}/{}", b.network, b.prefix)).collect();
        f.write_str(&blocks.join(","))
    }
}

impl TrustedProxies {
    /// A comma-separated list; entries that are not addresses or blocks are skipped.
    pub fn parse(list: &str) -> TrustedProxies {
        TrustedProxies(list.split(',').filter(|e| !e.trim().is_empty()).filter_map(AddressBlock::parse).collect())
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|block| block.contains(address))
    }

    /// The client of a request or socket handshake.
    pub fn client_address(&self, extensions: &Extensions, headers: &HeaderMap) -> IpAddr {
        let peer = extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |ConnectInfo(address)| canonical(address.ip()));
        if !self.trusts(peer) {
            return peer;
        }
        let forwarded: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|entry| entry.trim().parse::<IpAddr>().ok().map(canonical))
            .collect();
        forwarded.iter().rev().copied().find(|hop| !self.trusts(*hop)).or(forwarded.first().copied()).unwrap_or(peer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn request(peer: &str, forwarded: Option<&str>) -> (Extensions, HeaderMap) {
        let mut extensions = Extensions::new();
        extensions.insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        let mut headers = HeaderMap::new();
        if let Some(value) = forwarded {
            headers.insert("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        }
        (extensions, headers)
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn blocks_match_their_addresses_only() {
        let block = AddressBlock::parse("10.0.0.0/8").unwrap();
        assert!(block.contains(ip("10.200.3.4")) && !block.contains(ip("11.0.0.1")));
        assert!(AddressBlock::parse("::1").unwrap().contains(ip("::1")));
        assert!(AddressBlock::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(AddressBlock::parse("fd00::/8").unwrap().contains(ip("fd12::5")));
        assert!(AddressBlock::parse("127.0.0.1").unwrap().contains(ip("::ffff:127.0.0.1")));
        for bad in ["10.0.0.0/33", "nonsense", "10.0.0.0/x", ""] {
            assert!(AddressBlock::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_header_counts_only_from_a_trusted_proxy() {
        let none = TrustedProxies::default();
        let (ext, headers) = request("203.0.113.9:5000", Some("1.2.3.4"));
        assert_eq!(none.client_address(&ext, &headers), ip("203.0.113.9"), "a client cannot choose its address");

        let proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8, junk");
        let (ext, headers) = request("127.0.0.1:5000", Some("1.2.3.4, 198.51.100.7, 10.1.1.1"));
        assert_eq!(proxies.client_address(&ext, &headers), ip("198.51.100.7"), "the right-most untrusted hop");
        let (ext, headers) = request("127.0.0.1:5000", None);
        assert_eq!(proxies.client_address(&ext, &headers), ip("127.0.0.1"));
        let (ext, headers) = request("127.0.0.1:5000", Some("garbage"));
        assert_eq!(proxies.client_address(&ext, &headers), ip("127.0.0.1"));
        let (ext, headers) = request("127.0.0.1:5000", Some("10.0.0.2"));
        assert_eq!(proxies.client_address(&ext, &headers), ip("10.0.0.2"), "only proxies: the first");
    }
}
