//! Keys and the few cryptographic operations ejia needs.
//!
//! One master secret (configured, or generated once into the data directory with mode 0600)
//! is stretched into purpose-specific subkeys with HMAC-SHA256, so a token minted for one
//! purpose can never be replayed for another:
//! - CSRF tokens: HMAC over the browser's CSRF cookie and its session;
//! - a blind index of phone numbers, so accounts can be looked up by phone without storing it
//!   in clear;
//! - XChaCha20-Poly1305 encryption of personal data (phones today, ID numbers later).

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, bail};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead as _, KeyInit as _};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac as _};
use rand::RngCore as _;
use secrecy::{ExposeSecret as _, SecretString};
use sha2::{Digest as _, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// Subkeys derived from the master secret. `Debug` shows nothing.
#[derive(Clone)]
pub struct Keys {
    csrf: [u8; 32],
    phone_index: [u8; 32],
    pii: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys([redacted])")
    }
}

impl Keys {
    /// Derives the subkeys from a master secret of at least 32 bytes.
    pub fn from_master(master: &[u8]) -> anyhow::Result<Self> {
        if master.len() < 32 {
            bail!("the secret key must be at least 32 bytes");
        }
        Ok(Self {
            csrf: derive(master, b"ejia/csrf/v1"),
            phone_index: derive(master, b"ejia/phone-index/v1"),
            pii: derive(master, b"ejia/pii-encryption/v1"),
        })
    }

    /// The master secret as configured or kept in `<data_dir>/secret.key`, without creating
    /// one: `None` when there is none yet. For backups, which name the key they need.
    pub fn read_master(configured: Option<&SecretString>, data_dir: &Path) -> anyhow::Result<Option<Vec<u8>>> {
        if let Some(secret) = configured {
            return decode_key(secret.expose_secret()).map(Some);
        }
        let path = data_dir.join("secret.key");
        match std::fs::read_to_string(&path) {
            Ok(text) => decode_key(&text).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    /// Loads the configured key, or the one in `<data_dir>/secret.key`, creating that file
    /// (mode 0600) with a fresh random key on first start.
    pub fn load_or_create(configured: Option<&SecretString>, data_dir: &Path) -> anyhow::Result<Self> {
        if let Some(secret) = configured {
            return Self::from_master(&decode_key(secret.expose_secret())?);
        }
        let path = data_dir.join("secret.key");
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::from_master(&decode_key(&text)?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut key);
                write_private(&path, hex::encode(key).as_bytes())
                    .with_context(|| format!("cannot create {}", path.display()))?;
                Self::from_master(&key)
            }
            Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
        }
    }

    /// The CSRF token for a browser (its CSRF cookie) and its session, if any.
    pub fn csrf_token(&self, browser: &str, session: &str) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(&self.csrf, &[browser.as_bytes(), session.as_bytes()]))
    }

    /// Checks a CSRF token in constant time.
    pub fn verify_csrf(&self, token: &str, browser: &str, session: &str) -> bool {
        let Ok(given) = URL_SAFE_NO_PAD.decode(token) else {
            return false;
        };
        keyed(&self.csrf, &[browser.as_bytes(), session.as_bytes()]).verify_slice(&given).is_ok()
    }

    /// A stable, keyed fingerprint of a normalised phone number for lookups.
    pub fn phone_index(&self, phone: &str) -> String {
        hex::encode(self.mac(&self.phone_index, &[phone.as_bytes()]))
    }

    /// A stable, keyed fingerprint of a resident ID number, so one person booked through two
    /// accounts is still one person.
    pub fn id_index(&self, id_number: &str) -> String {
        hex::encode(self.mac(&self.phone_index, &[b"resident-id", id_number.as_bytes()]))
    }

    /// The secret part of a user's private calendar URL: `<user>-<mac>` over the user and the
    /// URL's generation, recomputable, so only the generation is stored. Rotating the URL
    /// bumps the generation; generation 0 is the MAC every URL had before rotation existed,
    /// so URLs given out then keep working until their owner rotates.
    pub fn feed_token(&self, user: i64, generation: i64) -> String {
        let (user_text, generation_text) = (user.to_string(), generation.to_string());
        let mut parts: Vec<&[u8]> = vec![b"calendar-feed", user_text.as_bytes()];
        if generation != 0 {
            parts.push(generation_text.as_bytes());
        }
        let mac = self.mac(&self.csrf, &parts);
        format!("{user}-{}", URL_SAFE_NO_PAD.encode(&mac[..18]))
    }

    /// The user a calendar token claims to be for; [`Keys::feed_token_is`] checks the claim.
    pub fn feed_claim(token: &str) -> Option<i64> {
        token.split_once('-')?.0.parse().ok()
    }

    /// Whether `token` is the user's calendar URL of this generation.
    pub fn feed_token_is(&self, token: &str, user: i64, generation: i64) -> bool {
        same(&self.feed_token(user, generation), token)
    }

    /// A photo uploaded on a report screen before the case exists, as the next screens carry it:
    /// `<image>-<mac>` over the user and the image, so a form can only attach what its own user
    /// uploaded.
    pub fn upload_token(&self, user: i64, image: i64) -> String {
        let mac = self.mac(&self.csrf, &[b"report-photo", user.to_string().as_bytes(), image.to_string().as_bytes()]);
        format!("{image}-{}", URL_SAFE_NO_PAD.encode(&mac[..18]))
    }

    /// The image of an upload token, if `user` was given it.
    pub fn upload_image(&self, user: i64, token: &str) -> Option<i64> {
        let (image, _) = token.split_once('-')?;
        let image: i64 = image.parse().ok()?;
        same(&self.upload_token(user, image), token).then_some(image)
    }

    /// The six-digit self check-in code a venue shows during time window `window`.
    pub fn venue_code(&self, venue: i64, window: i64) -> String {
        let mac =
            self.mac(&self.csrf, &[b"venue-checkin", venue.to_string().as_bytes(), window.to_string().as_bytes()]);
        let n = u32::from_be_bytes([mac[0], mac[1], mac[2], mac[3]]) % 1_000_000;
        format!("{n:06}")
    }

    /// Encrypts personal data; the result is text safe to store.
    pub fn seal(&self, plaintext: &str) -> String {
        let cipher = XChaCha20Poly1305::new((&self.pii).into());
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        // Encryption with a valid key and in-memory buffers cannot fail.
        let sealed = cipher.encrypt(XNonce::from_slice(&nonce), plaintext.as_bytes()).unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("v1:{}", STANDARD.encode(out))
    }

    /// Decrypts what [`Keys::seal`] produced.
    pub fn open(&self, sealed: &str) -> anyhow::Result<String> {
        let body = sealed.strip_prefix("v1:").context("unknown sealed format")?;
        let bytes = STANDARD.decode(body).context("sealed data is not base64")?;
        if bytes.len() < 24 {
            bail!("sealed data too short");
        }
        let (nonce, ciphertext) = bytes.split_at(24);
        let cipher = XChaCha20Poly1305::new((&self.pii).into());
        let plain = cipher
            .decrypt(XNonce::from_slice(nonce), ciphertext)
            .map_err(|_| anyhow::anyhow!("sealed data failed authentication"))?;
        String::from_utf8(plain).context("sealed data is not UTF-8")
    }

    fn mac(&self, key: &[u8; 32], parts: &[&[u8]]) -> Vec<u8> {
        keyed(key, parts).finalize().into_bytes().to_vec()
    }
}

/// An HMAC over length-prefixed parts, so ("ab","c") and ("a","bc") differ.
fn keyed(key: &[u8], parts: &[&[u8]]) -> HmacSha256 {
    #[expect(clippy::expect_used, reason = "HMAC accepts keys of any length")]
    let mut mac = <HmacSha256 as hmac::Mac>::new_from_slice(key).expect("HMAC takes any key length");
    for part in parts {
        mac.update(&(part.len() as u64).to_be_bytes());
        mac.update(part);
    }
    mac
}

fn derive(master: &[u8], label: &[u8]) -> [u8; 32] {
    keyed(master, &[label]).finalize().into_bytes().into()
}

fn decode_key(text: &str) -> anyhow::Result<Vec<u8>> {
    let text = text.trim();
    if let Ok(bytes) = hex::decode(text) {
        return Ok(bytes);
    }
    STANDARD.decode(text).context("the secret key must be hex or base64")
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// A short name of a master secret that does not reveal it (a keyed hash, 64 bits as hex): a
/// backup's manifest says which key its sealed phones and ID numbers need, and a restore
/// checks the key it is given against it.
pub fn key_fingerprint(master: &[u8]) -> String {
    hex::encode(&derive(master, b"ejia/key-fingerprint/v1")[..8])
}

/// The master secret as `secret.key` holds it (hex).
pub fn key_text(master: &[u8]) -> String {
    hex::encode(master)
}

/// Writes a new file readable by its owner only (0600 on Unix), refusing to replace one.
pub fn write_private_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    write_private(path, contents)
}

/// Compares two strings in constant time (for their length).
fn same(expected: &str, given: &str) -> bool {
    expected.len() == given.len() && expected.bytes().zip(given.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// A fresh random token (256 bits) for cookies and API tokens.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// SHA-256 as hex: how session ids and API tokens are stored, so a copy of the database
/// does not hand out live credentials.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::from_master(&[7u8; 32]).unwrap()
    }

    #[test]
    fn csrf_tokens_bind_browser_and_session() {
        let k = keys();
        let t = k.csrf_token("browser-a", "session-1");
        assert!(k.verify_csrf(&t, "browser-a", "session-1"));
        assert!(!k.verify_csrf(&t, "browser-b", "session-1"));
        assert!(!k.verify_csrf(&t, "browser-a", "session-2"));
        assert!(!k.verify_csrf(&t, "browser-a", ""));
        assert!(!k.verify_csrf("not base64!", "browser-a", "session-1"));
        // The length prefix separates the two inputs.
        assert!(!k.verify_csrf(&k.csrf_token("ab", "c"), "a", "bc"));
    }

    #[test]
    fn sealed_data_round_trips_and_detects_tampering() -> anyhow::Result<()> {
        let k = keys();
        let sealed = k.seal("13800000001");
        assert!(!sealed.contains("13800000001"));
        assert_ne!(sealed, k.seal("13800000001"), "fresh nonce each time");
        assert_eq!(k.open(&sealed)?, "13800000001");
        let mut tampered = sealed.into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert!(k.open(&String::from_utf8(tampered)?).is_err());
        let other = Keys::from_master(&[8u8; 32])?;
        assert!(other.open(&k.seal("x")).is_err());
        Ok(())
    }

    #[test]
    fn feed_tokens_name_their_user_and_cannot_be_forged() {
        let k = keys();
        let t = k.feed_token(42, 0);
        assert_eq!(Keys::feed_claim(&t), Some(42));
        assert!(k.feed_token_is(&t, 42, 0));
        assert!(!k.feed_token_is(&t.replacen("42-", "43-", 1), 43, 0));
        assert!(!k.feed_token_is("42-AAAAAAAAAAAAAAAAAAAAAAAA", 42, 0));
        assert_eq!(Keys::feed_claim("nonsense"), None);
        let rotated = k.feed_token(42, 1);
        assert_ne!(rotated, t, "a new generation is a new URL");
        assert!(k.feed_token_is(&rotated, 42, 1) && !k.feed_token_is(&t, 42, 1));
    }

    #[test]
    fn short_master_keys_are_refused() {
        assert!(Keys::from_master(&[1u8; 16]).is_err());
    }

    #[test]
    fn generated_key_file_is_private_and_reused() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let a = Keys::load_or_create(None, dir.path())?;
        let b = Keys::load_or_create(None, dir.path())?;
        assert_eq!(a.phone_index("1"), b.phone_index("1"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.path().join("secret.key"))?.permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        Ok(())
    }

    #[test]
    fn an_upload_token_names_its_image_for_its_user_only() {
        let k = keys();
        let token = k.upload_token(5, 42);
        assert_eq!(k.upload_image(5, &token), Some(42));
        assert_eq!(k.upload_image(6, &token), None, "another user's token attaches nothing");
        assert_eq!(k.upload_image(5, &token.replacen("42", "43", 1)), None, "nor another image");
        assert_eq!(k.upload_image(5, "42"), None);
    }
}
