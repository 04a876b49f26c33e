//! Facts about the client: its address (for throttling), whether it came over HTTPS (for
//! `Secure` cookies) and whether the origin it claims is ours (for the CSRF Origin check). Proxy headers are believed only when the
//! operator says a proxy is in front (`trust_proxy`).

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

use crate::config::Config;

/// The client address: the socket peer, or with `trust_proxy` the last address the proxy
/// appended to `X-Forwarded-For` (earlier entries are client-controlled).
pub fn client_ip(parts: &Parts, config: &Config) -> Option<IpAddr> {
    if config.trust_proxy
        && let Some(ip) = forwarded_for(&parts.headers)
    {
        return Some(ip);
    }
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip())
}

fn forwarded_for(headers: &HeaderMap) -> Option<IpAddr> {
    let value = headers.get("x-forwarded-for")?.to_str().ok()?;
    value.rsplit(',').next()?.trim().parse().ok()
}

/// Whether the request reached us over HTTPS (as far as we can know).
pub fn is_https(headers: &HeaderMap, config: &Config) -> bool {
    if config.https() {
        return true;
    }
    config.trust_proxy && headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https")
}

/// Whether a request claiming to come from `claimed` may change things here: with a public URL
/// configured, only that origin; without one, only a loopback origin (`127.0.0.1`, `localhost`,
/// `[::1]`) on the port the request came in on (`local`). The request's own `Host` is never
/// trusted: anyone can send any `Host`, and a site at a name the attacker controls could
/// otherwise pass its own origin off as ours.
///
/// The port must match because other programs on the same machine (a development server, a
/// notebook) are other origins: trusting every loopback port would trust their pages. A
/// deployment reached through a proxy, a port mapping or a real host name sets the public URL.
pub fn trusted_origin(claimed: &str, config: &Config, local: Option<SocketAddr>) -> bool {
    if let Some(url) = &config.public_url {
        return claimed == url;
    }
    local.is_some_and(|local| loopback_port(claimed) == Some(local.port()))
}

/// The port of a loopback origin (`http://127.0.0.1:8080`, `https://localhost`, `http://[::1]:80`),
/// or `None` for any other origin.
fn loopback_port(origin: &str) -> Option<u16> {
    let (scheme, rest) = origin.split_once("://")?;
    let default = match scheme {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let host_end = if rest.starts_with('[') { rest.find(']')? + 1 } else { rest.find(':').unwrap_or(rest.len()) };
    let (host, port) = rest.split_at(host_end);
    if !matches!(host, "127.0.0.1" | "localhost" | "[::1]") {
        return None;
    }
    match port.strip_prefix(':') {
        None if port.is_empty() => Some(default),
        Some(digits) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => digits.parse().ok(),
        _ => None,
    }
}

/// The origin a request says it comes from: `Origin`, or failing that the origin part of
/// `Referer`. `None` when neither is sent (non-browser clients).
pub fn claimed_origin(headers: &HeaderMap) -> Option<String> {
    if let Some(origin) = headers.get(header::ORIGIN) {
        return Some(origin.to_str().unwrap_or("null").to_owned());
    }
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let (scheme, rest) = referer.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    Some(format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn referer_reduces_to_its_origin() {
        let mut h = HeaderMap::new();
        h.insert(header::REFERER, HeaderValue::from_static("http://127.0.0.1:8080/login?next=/me"));
        assert_eq!(claimed_origin(&h).as_deref(), Some("http://127.0.0.1:8080"));
        h.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert_eq!(claimed_origin(&h).as_deref(), Some("null"));
    }

    #[test]
    fn without_a_public_url_only_loopback_origins_on_our_port_are_trusted() {
        let config = Config::defaults("d".into());
        let local = Some(SocketAddr::from(([127, 0, 0, 1], 8080)));
        for ok in ["http://127.0.0.1:8080", "http://localhost:8080", "https://[::1]:8080"] {
            assert!(trusted_origin(ok, &config, local), "{ok}");
        }
        for bad in [
            "http://127.0.0.1:3000",
            "http://127.0.0.1",
            "http://evil.example:8080",
            "http://127.0.0.1.evil.example:8080",
            "http://localhost:8080@evil.example",
            "http://[::1]x:8080",
            "http://127.0.0.1:+8080",
            "file://127.0.0.1:8080",
            "null",
        ] {
            assert!(!trusted_origin(bad, &config, local), "{bad}");
        }
        assert!(trusted_origin("http://localhost", &config, Some(SocketAddr::from(([0, 0, 0, 0], 80)))));
        assert!(trusted_origin("https://localhost", &config, Some(SocketAddr::from(([0, 0, 0, 0], 443)))));
        assert!(!trusted_origin("http://127.0.0.1:8080", &config, None), "no listener known, nothing trusted");
    }

    #[test]
    fn with_a_public_url_only_that_origin_is_trusted() {
        let mut config = Config::defaults("d".into());
        config.public_url = Some("https://ejia.example.gov.cn".into());
        let local = Some(SocketAddr::from(([127, 0, 0, 1], 8080)));
        assert!(trusted_origin("https://ejia.example.gov.cn", &config, local));
        assert!(!trusted_origin("http://127.0.0.1:8080", &config, local));
        assert!(!trusted_origin("http://ejia.example.gov.cn", &config, local));
    }

    #[test]
    fn forwarded_for_takes_the_proxys_entry() {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_static("1.2.3.4, 10.0.0.7"));
        assert_eq!(forwarded_for(&h), Some("10.0.0.7".parse().unwrap()));
    }
}
