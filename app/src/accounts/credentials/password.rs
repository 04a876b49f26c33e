//! Password hashing with Argon2id (RFC 9106, OWASP parameters: 19 MiB, 2 passes, 1 lane).
//!
//! Hashing is deliberately slow and each hash holds 19 MiB, so it runs on the blocking pool,
//! never on the async runtime, and never more at once than the machine has cores: a burst of
//! logins would otherwise take one blocking thread and 19 MiB each (150 parallel logins took
//! 2.78 GB and 157 threads). A short queue waits for a core; past it a request is refused at
//! once ([`Busy`], answered 503 with `Retry-After`) rather than held in memory.

use std::sync::{Arc, LazyLock};

use anyhow::Context as _;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

fn argon2() -> Argon2<'static> {
    // Params::DEFAULT is m=19456 KiB, t=2, p=1: the OWASP recommendation for Argon2id.
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::DEFAULT)
}

/// A hash of a random password, verified against when an account does not exist or has no
/// password, so a login takes the same time either way and reveals nothing.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_blocking("dummy password nobody can know").unwrap_or_default());

fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))
}

fn verify_blocking(password: &str, hash: Option<&str>) -> bool {
    let (stored, real) = match hash {
        Some(h) => (h, true),
        None => (DUMMY_HASH.as_str(), false),
    };
    let ok =
        PasswordHash::new(stored).is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok());
    ok && real
}

/// Every hashing core is taken and the queue is full: try again in a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

/// Seconds a refused request is told to wait: a queue's worth of hashes is well under this.
pub const BUSY_RETRY_SECS: u64 = 2;

impl From<Busy> for crate::error::AppError {
    fn from(_: Busy) -> Self {
        crate::error::AppError::Busy { key: "error.busy_detail", retry_after: BUSY_RETRY_SECS }
    }
}

/// How many hashes run at once and how many more may wait.
#[derive(Debug)]
pub struct Hashing {
    /// Running plus waiting: what may be admitted at all.
    admitted: Arc<Semaphore>,
    /// Running: one per core.
    running: Arc<Semaphore>,
}

/// A place in the hashing queue, held from admission until the hash is done.
#[derive(Debug)]
pub struct Admission(#[expect(dead_code, reason = "held for its Drop")] OwnedSemaphorePermit);

impl Hashing {
    /// `workers` hashes at once, `queue` more waiting.
    pub fn new(workers: usize, queue: usize) -> Self {
        let workers = workers.max(1);
        Self { admitted: Arc::new(Semaphore::new(workers + queue)), running: Arc::new(Semaphore::new(workers)) }
    }

    /// One worker per core and a queue of two per core.
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Self::new(cores, 2 * cores)
    }

    /// Takes a place in the queue now, or says it is full. Callers that must not wait take
    /// their place before other work (throttle counts) so they can undo it cheaply.
    pub fn admit(&self) -> Result<Admission, Busy> {
        self.admitted.clone().try_acquire_owned().map(Admission).map_err(|_| Busy)
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> anyhow::Result<T> {
        let core = self.running.clone().acquire_owned().await.context("hashing closed")?;
        tokio::task::spawn_blocking(move || {
            let out = work();
            drop(core);
            out
        })
        .await
        .context("hashing task failed")
    }

    /// Whether `password` matches `hash`; with no hash, spends the same time and says no.
    /// The admission is used up.
    pub async fn verify(&self, _place: Admission, password: String, hash: Option<String>) -> bool {
        self.run(move || verify_blocking(&password, hash.as_deref())).await.unwrap_or(false)
    }

    /// Hashes a password into a PHC string, in an admitted place.
    pub async fn hash(&self, _place: Admission, password: String) -> anyhow::Result<String> {
        self.run(move || hash_blocking(&password)).await?
    }

    /// Hashes without a place in the queue, waiting for a core however long it takes: for
    /// the command line and seeding, which have nobody to refuse.
    pub async fn hash_waiting(&self, password: String) -> anyhow::Result<String> {
        self.run(move || hash_blocking(&password)).await?
    }
}

/// Hashes a password on the blocking pool, outside any server's queue (the command line, a
/// test's fixture).
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password)).await.context("hashing task failed")?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_salted_and_verify() {
        let h = Hashing::new(1, 1);
        let a = h.hash(h.admit().unwrap(), "海边散步2026".into()).await.unwrap();
        let b = hash("海边散步2026".into()).await.unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(h.verify(h.admit().unwrap(), "海边散步2026".into(), Some(a.clone())).await);
        assert!(h.verify(h.admit().unwrap(), "海边散步2026".into(), Some(b)).await);
        assert!(!h.verify(h.admit().unwrap(), "海边散步2027".into(), Some(a)).await);
        assert!(!h.verify(h.admit().unwrap(), "dummy password nobody can know".into(), None).await);
    }

    #[tokio::test]
    async fn past_the_queue_a_request_is_refused_and_a_finished_one_frees_its_place() {
        let h = Hashing::new(2, 3);
        let places: Vec<_> = (0..5).map(|_| h.admit().unwrap()).collect();
        assert_eq!(h.admit().unwrap_err(), Busy, "two running and three waiting is the most");
        let mut places = places.into_iter();
        let one = places.next().unwrap();
        assert!(!h.verify(one, "x".into(), None).await);
        let again = h.admit().expect("a finished hash gives its place back");
        drop(again);
        drop(places);
        assert_eq!((0..5).filter_map(|_| h.admit().ok()).count(), 5);
    }

    #[tokio::test]
    async fn no_more_hashes_run_at_once_than_there_are_workers() {
        let h = Arc::new(Hashing::new(2, 6));
        let peak = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let now = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (h, peak, now) = (h.clone(), peak.clone(), now.clone());
                let place = h.admit().unwrap();
                tokio::spawn(async move {
                    drop(place);
                    h.run(move || {
                        use std::sync::atomic::Ordering::SeqCst;
                        let n = now.fetch_add(1, SeqCst) + 1;
                        peak.fetch_max(n, SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        now.fetch_sub(1, SeqCst);
                    })
                    .await
                    .unwrap();
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(peak.load(std::sync::atomic::Ordering::SeqCst), 2);
    }
}
