//! Facts about the client: its address (for throttling) and the origin it should be using
//! (for the CSRF Origin check and `Secure` cookies). Proxy headers are believed only when the
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

/// The origin this site is served from: the configured public URL, or else the scheme and
/// `Host` of the request itself.
pub fn expected_origin(headers: &HeaderMap, config: &Config) -> Option<String> {
    if let Some(url) = &config.public_url {
        return Some(url.clone());
    }
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let scheme = if is_https(headers, config) { "https" } else { "http" };
    Some(format!("{scheme}://{host}"))
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
    fn forwarded_for_takes_the_proxys_entry() {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_static("1.2.3.4, 10.0.0.7"));
        assert_eq!(forwarded_for(&h), Some("10.0.0.7".parse().unwrap()));
    }
}
