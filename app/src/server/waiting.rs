//! How many connections each client address has waiting — idle between requests, or still
//! sending a request head — past the first second of their wait.
//!
//! Only waiting connections are counted, never open ones: a benchmark opens 500 connections
//! from 127.0.0.1 and behind a reverse proxy every client shares the proxy's address, yet a
//! connection that is being served costs nothing a cap would protect. A connection is counted
//! once it has waited [`COUNTS_AFTER`], so a burst of new connections that send their requests
//! at once (a browser, a load test) never meets the cap; past it, the connection that would be
//! one too many is closed instead of counted.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// How long a connection may wait before it counts against its address.
pub const COUNTS_AFTER: Duration = Duration::from_secs(1);

/// The address a connection is counted under: the IPv4 address, or the /64 an IPv6 address
/// belongs to (one subscriber usually holds a whole /64 and could otherwise step around the
/// cap by changing the lower half).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddrKey(IpAddr);

impl AddrKey {
    /// The key of a peer address.
    pub fn of(ip: IpAddr) -> Self {
        match ip.to_canonical() {
            IpAddr::V4(v4) => Self(IpAddr::V4(v4)),
            IpAddr::V6(v6) => Self(IpAddr::V6(Ipv6Addr::from(u128::from(v6) & (u128::MAX << 64)))),
        }
    }
}

/// The counts of waiting connections per address, shared by all connections of a listener.
#[derive(Debug)]
pub struct Waiting {
    cap: usize,
    counts: Mutex<HashMap<AddrKey, usize>>,
}

impl Waiting {
    /// At most `cap` counted connections per address; 0 means no cap.
    pub fn new(cap: usize) -> Self {
        Self { cap, counts: Mutex::default() }
    }

    /// Whether there is a cap at all.
    pub fn capped(&self) -> bool {
        self.cap > 0
    }

    /// Counts one more waiting connection of `key`, unless that would pass the cap.
    pub fn try_count(&self, key: AddrKey) -> bool {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let n = counts.entry(key).or_insert(0);
        if *n >= self.cap {
            return false;
        }
        *n += 1;
        true
    }

    /// A counted connection stopped waiting (it sent a request, or closed).
    pub fn release(&self, key: AddrKey) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = counts.get_mut(&key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                counts.remove(&key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_counts_per_address_and_frees_on_release() {
        let w = Waiting::new(2);
        let a = AddrKey::of("10.0.0.1".parse().unwrap());
        let b = AddrKey::of("10.0.0.2".parse().unwrap());
        assert!(w.try_count(a) && w.try_count(a));
        assert!(!w.try_count(a), "a third waiting connection from one address is one too many");
        assert!(w.try_count(b), "another address has its own count");
        w.release(a);
        assert!(w.try_count(a));
    }

    #[test]
    fn ipv6_addresses_count_by_their_64_and_mapped_ipv4_as_ipv4() {
        let one = AddrKey::of("2001:db8:1:2::1".parse().unwrap());
        let two = AddrKey::of("2001:db8:1:2:ffff::9".parse().unwrap());
        let other = AddrKey::of("2001:db8:1:3::1".parse().unwrap());
        assert_eq!(one, two);
        assert_ne!(one, other);
        assert_eq!(AddrKey::of("::ffff:10.0.0.1".parse().unwrap()), AddrKey::of("10.0.0.1".parse().unwrap()));
    }
}
