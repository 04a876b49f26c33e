//! What a backup says about itself (`manifest.json`), and the rules read from it: which
//! backups a retention of N removes, whether a restore may use a backup. Pure: the files are
//! read and hashed by the caller.

use serde::{Deserialize, Serialize};

/// The format written into every manifest; a restore refuses any other.
pub const FORMAT: &str = "ejia-backup/1";

/// The name every complete backup's directory starts with.
pub const PREFIX: &str = "ejia-";

/// The manifest of one backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// When the copy was taken (UTC, RFC 3339).
    pub created_at: String,
    /// The ejia version that took it.
    pub ejia_version: String,
    /// `sqlite` or `postgres`: a copy restores into the same engine.
    pub engine: String,
    /// The schema version (last migration applied) of the copy.
    pub schema_version: i64,
    /// Which secret key the copy's sealed phones and ID numbers need (`crypto::key_fingerprint`);
    /// `None` when the source had no key yet.
    pub key_fingerprint: Option<String>,
    /// Where uploaded files are: inside the database in this version.
    pub blobs: String,
    /// The files of the backup, each with its size and SHA-256.
    pub files: Vec<FileEntry>,
}

/// One file of a backup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// File name inside the backup's directory (no path).
    pub name: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 as hex.
    pub sha256: String,
}

/// Why a backup cannot be restored here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unusable {
    /// Not a manifest this version writes.
    #[error("not an ejia backup of a known format (format {0:?}, expected {FORMAT:?})")]
    Format(String),
    /// Made from the other engine.
    #[error("this backup is of a {backup} database and the configured database is {target}: restore it into {backup}")]
    Engine {
        /// The backup's engine.
        backup: String,
        /// The target's.
        target: String,
    },
    /// Made by a newer ejia.
    #[error(
        "this backup has schema version {backup}, newer than this ejia knows ({known}): restore it with a newer ejia"
    )]
    Newer {
        /// The backup's schema version.
        backup: i64,
        /// This build's.
        known: i64,
    },
    /// A file name that would leave the backup's directory.
    #[error("the manifest names a file outside the backup: {0:?}")]
    Path(String),
}

impl Manifest {
    /// Whether this build may restore the backup into `engine`.
    pub fn check(&self, engine: &str, known_schema: i64) -> Result<(), Unusable> {
        if self.format != FORMAT {
            return Err(Unusable::Format(self.format.clone()));
        }
        if self.engine != engine {
            return Err(Unusable::Engine { backup: self.engine.clone(), target: engine.to_owned() });
        }
        if self.schema_version > known_schema {
            return Err(Unusable::Newer { backup: self.schema_version, known: known_schema });
        }
        if let Some(f) = self.files.iter().find(|f| !plain_name(&f.name)) {
            return Err(Unusable::Path(f.name.clone()));
        }
        Ok(())
    }
}

/// A file name with no directory part, so a manifest cannot point a restore elsewhere.
fn plain_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\'])
}

/// A backup's directory name for its time: `ejia-20261207T225501123Z` (UTC, to the
/// millisecond), so names sort as times do.
pub fn dir_name(at: chrono::DateTime<chrono::Utc>) -> String {
    format!("{PREFIX}{}", at.format("%Y%m%dT%H%M%S%3fZ"))
}

/// Which of these backups (directory names of complete backups) to remove to keep the newest
/// `keep`: the oldest ones. `keep` 0 keeps everything (no retention).
pub fn beyond_retention(mut names: Vec<String>, keep: usize) -> Vec<String> {
    if keep == 0 || names.len() <= keep {
        return Vec::new();
    }
    names.sort();
    let excess = names.len() - keep;
    names.truncate(excess);
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn manifest() -> Manifest {
        Manifest {
            format: FORMAT.into(),
            created_at: "2026-12-07T22:55:01Z".into(),
            ejia_version: "0.1.0".into(),
            engine: "sqlite".into(),
            schema_version: 33,
            key_fingerprint: Some("0011223344556677".into()),
            blobs: "in the database".into(),
            files: vec![FileEntry { name: "ejia.db".into(), bytes: 10, sha256: "ab".into() }],
        }
    }

    #[test]
    fn a_backup_restores_only_into_its_engine_and_an_ejia_that_knows_its_schema() {
        let m = manifest();
        assert_eq!(m.check("sqlite", 33), Ok(()));
        assert_eq!(m.check("sqlite", 40), Ok(()));
        assert!(matches!(m.check("postgres", 33), Err(Unusable::Engine { .. })));
        assert_eq!(m.check("sqlite", 32), Err(Unusable::Newer { backup: 33, known: 32 }));
        let other = Manifest { format: "zip".into(), ..manifest() };
        assert!(matches!(other.check("sqlite", 33), Err(Unusable::Format(_))));
        for bad in ["../ejia.db", "/etc/passwd", "a\\b", "..", ""] {
            let mut m = manifest();
            m.files[0].name = bad.into();
            assert_eq!(m.check("sqlite", 33), Err(Unusable::Path(bad.into())), "{bad}");
        }
    }

    #[test]
    fn retention_removes_the_oldest_beyond_keep() {
        let names: Vec<String> = ["ejia-20261203T000000000Z", "ejia-20261201T000000000Z", "ejia-20261202T000000000Z"]
            .map(String::from)
            .to_vec();
        assert_eq!(beyond_retention(names.clone(), 2), vec!["ejia-20261201T000000000Z".to_owned()]);
        assert_eq!(beyond_retention(names.clone(), 1).len(), 2);
        assert!(beyond_retention(names.clone(), 3).is_empty());
        assert!(beyond_retention(names, 0).is_empty());
    }

    #[test]
    fn names_sort_as_times() {
        let a = dir_name(chrono::Utc.with_ymd_and_hms(2026, 12, 7, 9, 5, 1).unwrap());
        let b = dir_name(chrono::Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0).unwrap());
        assert_eq!(a, "ejia-20261207T090501000Z");
        assert!(a < b);
    }
}
