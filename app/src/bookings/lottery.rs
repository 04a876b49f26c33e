//! A lottery's seed is committed before anyone enters, so nobody can try seeds once the
//! entrants are known.
//!
//! When a lottery offering is created the server draws a seed from a CSPRNG (32 bytes, written
//! as 64 hex characters) and publishes its commitment, SHA-256 of the seed's text, on the
//! slot's page and in the API. The seed itself is stored sealed with the server's key (as ID
//! numbers are, see `crypto`), in a table no page or API reads, and the database refuses to
//! change or remove it, or the commitment (migration 0016). At the draw the server opens it,
//! checks it against the commitment and publishes it; the order is then
//! [`draw_order`](super::model::draw_order) of that seed, so anyone can check
//! `sha256(seed) == commitment` and recompute the order from the seed and the entrants.

use rand::{CryptoRng, RngCore};
use sha2::{Digest as _, Sha256};

use crate::crypto::Keys;
use crate::db::{Conn, Db};

/// SHA-256 of a seed's text, in hex: what is published before the draw.
pub fn commitment(seed: &str) -> String {
    hex::encode(Sha256::digest(seed.as_bytes()))
}

/// A new seed: 32 bytes from `rng`, as 64 hex characters.
pub fn new_seed(rng: &mut (impl RngCore + CryptoRng)) -> String {
    let mut bytes = [0u8; 32];
    rng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// A seed as stored before the draw: sealed, with its public commitment.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedSeed {
    /// SHA-256 of the seed (hex); public.
    pub commitment: String,
    /// The seed, sealed with the server's key.
    pub sealed: String,
}

impl std::fmt::Debug for SealedSeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedSeed").field("commitment", &self.commitment).finish_non_exhaustive()
    }
}

impl SealedSeed {
    /// Draws a seed from `rng` and seals it.
    pub fn new(keys: &Keys, rng: &mut (impl RngCore + CryptoRng)) -> Self {
        let seed = new_seed(rng);
        Self { commitment: commitment(&seed), sealed: keys.seal(&seed) }
    }
}

/// Stores an offering's sealed seed (in the transaction that creates the offering).
pub async fn insert_seed(conn: &mut Conn, offering: i64, seed: &SealedSeed, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("insert into lottery_seeds (offering_id, seed_sealed, created_at) values ($1, $2, $3)")
        .bind(offering)
        .bind(&seed.sealed)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// An offering's sealed seed: for the draw only.
pub async fn sealed_seed(conn: &mut Conn, offering: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("select seed_sealed from lottery_seeds where offering_id = $1")
        .bind(offering)
        .fetch_optional(conn)
        .await
}

/// Opens an offering's seed and checks it against the commitment it published.
pub async fn reveal(conn: &mut Conn, keys: &Keys, offering: i64, published: &str) -> anyhow::Result<String> {
    let sealed = sealed_seed(conn, offering).await?.ok_or_else(|| anyhow::anyhow!("lottery {offering} has no seed"))?;
    let seed = keys.open(&sealed)?;
    anyhow::ensure!(commitment(&seed) == published, "lottery {offering}: the seed does not match its commitment");
    Ok(seed)
}

/// Commits a seed for every undrawn lottery that has none (opened before seeds were committed);
/// run at start. Each in its own short transaction under the offering's lock, so instances
/// starting together commit each lottery once. Returns how many it committed.
pub async fn commit_uncommitted(db: &Db, keys: &Keys, now: i64) -> anyhow::Result<usize> {
    let pending: Vec<i64> = sqlx::query_scalar(
        "select offering_id from offerings where mode = 'lottery' and lottery_commitment is null and drawn_at is null",
    )
    .fetch_all(db.pool())
    .await?;
    let mut committed = 0;
    for id in pending {
        let mut tx = db.begin().await?;
        sqlx::query(db.lock_offering_sql()).bind(id).execute(&mut *tx).await?;
        let still: Option<i64> = sqlx::query_scalar(
            "select offering_id from offerings where offering_id = $1 and lottery_commitment is null and drawn_at is null",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        if still.is_none() {
            continue;
        }
        let seed = SealedSeed::new(keys, &mut rand::rngs::OsRng);
        insert_seed(&mut tx, id, &seed, now).await?;
        sqlx::query("update offerings set lottery_commitment = $1, updated_at = $2 where offering_id = $3")
            .bind(&seed.commitment)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        committed += 1;
    }
    if committed > 0 {
        tracing::info!(committed, "committed seeds for lotteries opened before seeds were committed");
    }
    Ok(committed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng as _;

    #[test]
    fn the_commitment_is_sha256_of_the_seeds_text() {
        // FIPS 180-2's first example, as `printf abc | sha256sum` prints it.
        assert_eq!(commitment("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn seeds_are_32_random_bytes_sealed_with_their_commitment() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let (a, b) = (new_seed(&mut rng), new_seed(&mut rng));
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        let keys = Keys::from_master(&[5u8; 32]).unwrap();
        let sealed = SealedSeed::new(&keys, &mut rng);
        let seed = keys.open(&sealed.sealed).unwrap();
        assert!(!sealed.sealed.contains(&seed), "stored sealed");
        assert_eq!(commitment(&seed), sealed.commitment);
        assert!(!format!("{sealed:?}").contains(&sealed.sealed), "Debug shows the commitment only");
    }
}
