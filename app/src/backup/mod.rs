//! Backups and restores: `ejia backup --to DIR` and `ejia restore FROM`.
//!
//! A backup is a directory `ejia-<UTC time>` holding the database copy (SQLite: a
//! `VACUUM INTO` file; PostgreSQL: a `pg_dump` archive) and `manifest.json` (schema version,
//! time, engine, each file's size and SHA-256, and the fingerprint of the secret key its
//! sealed phones and ID numbers need). It is written under a hidden `.partial` name and renamed
//! when whole, so a crash never leaves something that looks like a backup. Both commands run
//! beside a serving ejia and never open the app itself: a backup does not migrate the database
//! it copies, and a restore's target stays untouched until the copy is checked.
//!
//! The secret key is not in the backup: whoever holds a backup and not the key cannot read
//! phones or ID numbers. `--key-to FILE` writes the key to a file of its own, to keep apart
//! from the backups; a restore asks for that key (`--key FILE`) unless the target already has
//! it, and checks it against the manifest's fingerprint.

pub mod job;
pub mod manifest;
mod postgres;
mod sqlite;

use std::io::Read as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest as _, Sha256};

use crate::clock::{Clock as _, SystemClock};
use crate::config::Config;
use crate::crypto::{Keys, key_fingerprint, key_text, write_private_file};
use crate::db::{Backend, backend_of, schema_version_known, writer::sqlite_path};
use manifest::{FORMAT, FileEntry, Manifest, PREFIX, beyond_retention, dir_name};

/// `ejia backup`.
#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// Directory to write the backup into (a new `ejia-<time>` directory inside it)
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,
    /// Keep this many backups in DIR, removing the oldest (0: keep all)
    #[arg(long, default_value_t = 0)]
    pub keep: usize,
    /// Also write the secret key into FILE (mode 0600; never over an existing file): keep it
    /// apart from the backups
    #[arg(long, value_name = "FILE")]
    pub key_to: Option<PathBuf>,
}

/// `ejia restore`.
#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup's directory (`ejia-<time>`, with its manifest.json)
    pub from: PathBuf,
    /// The secret key the backup needs, as `ejia backup --key-to` wrote it; it becomes the
    /// data directory's secret.key
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Restore without the backup's secret key: phone numbers and ID numbers stay unreadable
    /// and no one can sign in by phone
    #[arg(long, conflicts_with = "key")]
    pub without_key: bool,
}

/// A backup written.
#[derive(Debug)]
pub struct Written {
    /// Its directory.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// Older backups removed by the retention.
    pub removed: Vec<String>,
}

/// Takes a backup of the configured database into `args.to`, as of `now`.
pub async fn backup(config: &Config, args: &BackupArgs, now: DateTime<Utc>) -> anyhow::Result<Written> {
    let url = config.database_url();
    let backend = backend_of(&url);
    let master = Keys::read_master(config.secret_key.as_ref(), &config.data_dir)?;
    std::fs::create_dir_all(&args.to).with_context(|| format!("cannot create {}", args.to.display()))?;
    let name = dir_name(now);
    let dir = args.to.join(&name);
    if dir.exists() {
        bail!("{} exists already", dir.display());
    }
    let partial = args.to.join(format!(".{name}.partial"));
    std::fs::create_dir(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
    owner_only(&partial)?;
    let (file_name, schema_version) = match backend {
        Backend::Sqlite => {
            let live = sqlite_path(&url).context("the SQLite database must be a file")?;
            let to = partial.join("ejia.db");
            let version = tokio::task::spawn_blocking(move || sqlite::snapshot(&live, &to)).await??;
            ("ejia.db", version)
        }
        Backend::Postgres => ("ejia.pgdump", postgres::snapshot(&url, &partial.join("ejia.pgdump")).await?),
    };
    let file = partial.join(file_name);
    let (bytes, sha256) = tokio::task::spawn_blocking(move || hash_file(&file)).await??;
    let manifest = Manifest {
        format: FORMAT.into(),
        created_at: now.to_rfc3339_opts(SecondsFormat::Millis, true),
        ejia_version: env!("CARGO_PKG_VERSION").into(),
        engine: engine_name(backend).into(),
        schema_version,
        key_fingerprint: master.as_deref().map(key_fingerprint),
        blobs: "in the database (uploaded images are stored in it)".into(),
        files: vec![FileEntry { name: file_name.into(), bytes, sha256 }],
    };
    write_private_file(&partial.join("manifest.json"), &serde_json::to_vec_pretty(&manifest)?)?;
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, &dir)?;
    std::fs::File::open(&args.to)?.sync_all()?;
    if let Some(key_to) = &args.key_to {
        let master = master.as_deref().context("there is no secret key yet (the server has not started once)")?;
        write_private_file(key_to, key_text(master).as_bytes())
            .with_context(|| format!("cannot write the key to {} (it must not exist)", key_to.display()))?;
    }
    let removed = retain(&args.to, args.keep)?;
    Ok(Written { dir, manifest, removed })
}

/// Removes the oldest complete backups in `dir` beyond `keep`.
fn retain(dir: &Path, keep: usize) -> anyhow::Result<Vec<String>> {
    let mut complete = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(PREFIX) && entry.path().join("manifest.json").is_file() {
            complete.push(name);
        }
    }
    let removed = beyond_retention(complete, keep);
    for name in &removed {
        std::fs::remove_dir_all(dir.join(name)).with_context(|| format!("cannot remove the old backup {name}"))?;
    }
    Ok(removed)
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    /// The backup's manifest.
    pub manifest: Manifest,
    /// Whether the target now has the key the backup needs.
    pub key: KeyState,
}

/// The secret key after a restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyState {
    /// The target had it already (configured, or in the data directory).
    Present,
    /// Written from `--key` into the data directory's secret.key.
    Written,
    /// Restored `--without-key` (or the backup needs none).
    Absent,
}

/// Restores the backup `args.from` into the configured database, which must be empty.
pub async fn restore(config: &Config, args: &RestoreArgs) -> anyhow::Result<Restored> {
    let text = std::fs::read(args.from.join("manifest.json"))
        .with_context(|| format!("{} is not a backup: it has no manifest.json", args.from.display()))?;
    let manifest: Manifest = serde_json::from_slice(&text).context("the backup's manifest.json cannot be read")?;
    let url = config.database_url();
    let backend = backend_of(&url);
    manifest.check(engine_name(backend), schema_version_known(backend))?;
    for f in &manifest.files {
        let path = args.from.join(&f.name);
        let (bytes, sha256) = tokio::task::spawn_blocking(move || hash_file(&path)).await??;
        if bytes != f.bytes || sha256 != f.sha256 {
            bail!("{} does not match the manifest (size or checksum): the backup is damaged", f.name);
        }
    }
    // Everything that can refuse is asked before anything is written.
    let key = key_plan(config, &manifest, args)?;
    let file = args.from.join(&manifest.files.first().context("the manifest lists no files")?.name);
    match backend {
        Backend::Sqlite => {
            let target = sqlite_path(&url).context("the SQLite database must be a file")?;
            tokio::task::spawn_blocking(move || sqlite::restore(&file, &target)).await??;
        }
        Backend::Postgres => postgres::restore(&file, &url).await?,
    }
    let key = match key {
        KeyPlan::Write(master) => {
            let path = config.data_dir.join("secret.key");
            write_private_file(&path, key_text(&master).as_bytes()).with_context(|| {
                format!("the data is restored but the key could not be written to {}", path.display())
            })?;
            KeyState::Written
        }
        KeyPlan::Present => KeyState::Present,
        KeyPlan::Absent => KeyState::Absent,
    };
    Ok(Restored { manifest, key })
}

enum KeyPlan {
    Present,
    Write(Vec<u8>),
    Absent,
}

/// Which key the restored database will be read with, or why the restore is refused.
fn key_plan(config: &Config, manifest: &Manifest, args: &RestoreArgs) -> anyhow::Result<KeyPlan> {
    let Some(needed) = &manifest.key_fingerprint else { return Ok(KeyPlan::Absent) };
    let present = Keys::read_master(config.secret_key.as_ref(), &config.data_dir)?;
    let given = match &args.key {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            let master =
                hex::decode(text.trim()).context("the key file must hold the key as ejia backup --key-to wrote it")?;
            if key_fingerprint(&master) != *needed {
                bail!("{} is not the key this backup needs (fingerprint {needed})", path.display());
            }
            Some(master)
        }
        None => None,
    };
    match (present, given) {
        (Some(p), _) if key_fingerprint(&p) == *needed => Ok(KeyPlan::Present),
        (Some(p), _) if !args.without_key => bail!(
            "this data directory's secret key (fingerprint {}) is not the one the backup needs ({needed}): \
             restore into a data directory without a secret.key, with --key FILE",
            key_fingerprint(&p)
        ),
        (None, Some(master)) => Ok(KeyPlan::Write(master)),
        _ if args.without_key => Ok(KeyPlan::Absent),
        _ => bail!(
            "the backup's phone numbers and ID numbers are sealed with the secret key of fingerprint {needed}, which \
             is not in the backup: give it with --key FILE (as ejia backup --key-to wrote it) or EJIA_SECRET_KEY, \
             or restore --without-key and lose them"
        ),
    }
}

fn engine_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// A file's size and SHA-256 (hex).
fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    Ok((bytes, hex::encode(hasher.finalize())))
}

/// A backup holds password hashes and sealed personal data: its directory is its owner's alone.
#[cfg(unix)]
fn owner_only(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn owner_only(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// `ejia backup`: takes the backup and says what it holds and what it does not.
pub async fn run_backup(config: &Config, args: BackupArgs) -> anyhow::Result<()> {
    let done = backup(config, &args, SystemClock.now()).await?;
    let m = &done.manifest;
    println!("backup written to {} ({} database, schema version {})", done.dir.display(), m.engine, m.schema_version);
    for f in &m.files {
        println!("  {}  {} bytes  sha256 {}", f.name, f.bytes, f.sha256);
    }
    for name in &done.removed {
        println!("removed the older backup {name} (--keep {})", args.keep);
    }
    match (&m.key_fingerprint, &args.key_to) {
        (Some(fp), Some(path)) => println!(
            "the secret key (fingerprint {fp}) is in {}: keep it apart from the backups; without it the backup's \
             phone numbers and ID numbers cannot be read",
            path.display()
        ),
        (Some(fp), None) => println!(
            "note: the secret key is not in the backup. Without the key of fingerprint {fp} its phone numbers and \
             ID numbers cannot be read: keep a copy of the key apart from the backups (--key-to FILE)"
        ),
        (None, _) => {}
    }
    Ok(())
}

/// `ejia restore`.
pub async fn run_restore(config: &Config, args: RestoreArgs) -> anyhow::Result<()> {
    let done = restore(config, &args).await?;
    let m = &done.manifest;
    println!("restored the backup of {} ({} database, schema version {})", m.created_at, m.engine, m.schema_version);
    match done.key {
        KeyState::Present => println!("the secret key the backup needs is in place"),
        KeyState::Written => println!("the secret key was written to {}", config.data_dir.join("secret.key").display()),
        KeyState::Absent if m.key_fingerprint.is_some() => {
            println!("restored without the secret key: phone numbers and ID numbers cannot be read")
        }
        KeyState::Absent => {}
    }
    println!("start ejia serve on it: it migrates the copy to this version's schema first");
    Ok(())
}
