//! Configuration: built-in defaults, then an optional `ejia.toml`, then `EJIA_*` environment
//! variables, then command-line flags — each layer overriding the one before.
//!
//! Secrets are [`SecretString`]s so that `Debug` (and therefore any log line) redacts them.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use secrecy::{ExposeSecret as _, SecretString};
use serde::Deserialize;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The settings of one ejia process.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the SQLite database, the generated secret key and uploads live.
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...`; `None` means SQLite at `<data_dir>/ejia.db`.
    pub database_url: Option<SecretString>,
    /// Master key for sessions, CSRF tokens and encryption of personal data (32+ bytes,
    /// hex or base64). `None`: generated once into `<data_dir>/secret.key`.
    pub secret_key: Option<SecretString>,
    /// Address to listen on.
    pub addr: SocketAddr,
    /// The public origin, e.g. `https://ejia.shinan.gov.cn`. Used for the Origin check and
    /// to mark cookies `Secure`. `None`: only a loopback origin on the listening port passes
    /// the Origin check (a development setup); `ejia serve` warns when it listens elsewhere.
    pub public_url: Option<String>,
    /// Trust `X-Forwarded-For`/`X-Forwarded-Proto` from a reverse proxy in front of ejia.
    pub trust_proxy: bool,
    /// A second listen address serving only `/metrics` (for an internal network).
    pub metrics_addr: Option<SocketAddr>,
    /// A bearer token for `/metrics`: required on the metrics address when set, and the only
    /// way to reach `/metrics` on the main address (without it, the main address answers 404).
    pub metrics_token: Option<SecretString>,
    /// Log line format.
    pub log_format: LogFormat,
    /// Log filter in `tracing` syntax, e.g. `info,ejia=debug`.
    pub log_filter: String,
    /// Largest number of pooled database connections.
    pub db_max_connections: u32,
    /// A request running longer than this is cut off with 408.
    pub request_timeout_secs: u64,
    /// A request head (request line and headers) must arrive within this many seconds of the
    /// connection's opening, or of its first byte on a kept-alive connection.
    pub header_timeout_secs: u64,
    /// A kept-alive connection idle between requests this long is closed.
    pub idle_timeout_secs: u64,
    /// Open connections at most; past it a new one is answered 503 and closed.
    pub max_connections: usize,
    /// Connections one client address (IPv6: its /64) may keep waiting — idle, or sending a
    /// request head — past their first second; more are closed. Connections being served
    /// are not counted. 0: no cap (e.g. behind a proxy that guards against slow clients).
    pub max_waiting_per_addr: usize,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// How often this instance runs background jobs (reminders, text messages); 0 turns
    /// them off here, e.g. on all but one of many instances (running them on all is safe too).
    pub jobs_every_secs: u64,
    /// Open cases of the same category within this many metres are suggested as duplicates
    /// of a new one.
    pub duplicate_radius_m: u32,
    /// … if filed within this many hours before it.
    pub duplicate_window_hours: u32,
    /// Where the server writes scheduled backups (`None`: it takes none; `ejia backup` still works).
    pub backup_dir: Option<PathBuf>,
    /// A scheduled backup every this many hours.
    pub backup_every_hours: u32,
    /// Scheduled backups kept in `backup_dir`; older ones are removed (0: all kept).
    pub backup_keep: usize,
}

impl Config {
    /// Defaults for a data directory.
    pub fn defaults(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            database_url: None,
            secret_key: None,
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_url: None,
            trust_proxy: false,
            metrics_addr: None,
            metrics_token: None,
            log_format: LogFormat::Text,
            log_filter: "info".to_owned(),
            db_max_connections: 8,
            request_timeout_secs: 30,
            header_timeout_secs: 10,
            idle_timeout_secs: 30,
            max_connections: 1024,
            max_waiting_per_addr: 128,
            max_body_bytes: 2 * 1024 * 1024,
            jobs_every_secs: 10,
            duplicate_radius_m: 50,
            duplicate_window_hours: 72,
            backup_dir: None,
            backup_every_hours: 24,
            backup_keep: 7,
        }
    }

    /// The database URL to connect to.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.expose_secret().to_owned(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("ejia.db").display()),
        }
    }

    /// Whether cookies must carry the `Secure` flag.
    pub fn https(&self) -> bool {
        self.public_url.as_deref().is_some_and(|u| u.starts_with("https://"))
    }
}

/// The `ejia.toml` file; every key optional. Unknown keys are refused so typos show.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    secret_key: Option<String>,
    addr: Option<SocketAddr>,
    public_url: Option<String>,
    trust_proxy: Option<bool>,
    metrics_addr: Option<SocketAddr>,
    metrics_token: Option<String>,
    log_format: Option<LogFormat>,
    log: Option<String>,
    db_max_connections: Option<u32>,
    request_timeout_secs: Option<u64>,
    header_timeout_secs: Option<u64>,
    idle_timeout_secs: Option<u64>,
    max_connections: Option<usize>,
    max_waiting_per_addr: Option<usize>,
    max_body_bytes: Option<usize>,
    jobs_every_secs: Option<u64>,
    duplicate_radius_m: Option<u32>,
    duplicate_window_hours: Option<u32>,
    backup_dir: Option<PathBuf>,
    backup_every_hours: Option<u32>,
    backup_keep: Option<usize>,
}

/// Values given on the command line, which win over everything else.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// `--config`
    pub config_file: Option<PathBuf>,
    /// `--data-dir`
    pub data_dir: Option<PathBuf>,
    /// `serve --addr`
    pub addr: Option<SocketAddr>,
}

/// Reads configuration from `env` (a lookup function, so tests need not touch the process
/// environment) and the optional file named in `overrides`.
pub fn load(overrides: &Overrides, env: impl Fn(&str) -> Option<String>) -> anyhow::Result<Config> {
    let file = match &overrides.config_file {
        Some(path) => read_file(path)?,
        None => FileConfig::default(),
    };
    let data_dir = overrides
        .data_dir
        .clone()
        .or_else(|| env("EJIA_DATA_DIR").map(PathBuf::from))
        .or(file.data_dir.clone())
        .unwrap_or_else(|| PathBuf::from("ejia-data"));
    let mut config = Config::defaults(data_dir);
    apply_file(&mut config, file);
    apply_env(&mut config, &env)?;
    if let Some(addr) = overrides.addr {
        config.addr = addr;
    }
    if let Some(url) = &config.public_url
        && (!(url.starts_with("https://") || url.starts_with("http://")) || url.ends_with('/'))
    {
        bail!("public_url must look like https://host[:port] without a trailing slash");
    }
    if config.backup_every_hours == 0 {
        bail!("backup_every_hours must be at least 1");
    }
    if config.metrics_token.as_ref().is_some_and(|t| t.expose_secret().trim().len() < 16) {
        bail!("metrics_token must be at least 16 characters (e.g. openssl rand -hex 16)");
    }
    if config.header_timeout_secs == 0 || config.idle_timeout_secs == 0 || config.max_connections == 0 {
        bail!("header_timeout_secs, idle_timeout_secs and max_connections must be at least 1");
    }
    Ok(config)
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("invalid config file {}", path.display()))
}

fn apply_file(config: &mut Config, file: FileConfig) {
    if let Some(v) = file.database_url {
        config.database_url = Some(v.into());
    }
    if let Some(v) = file.secret_key {
        config.secret_key = Some(v.into());
    }
    if let Some(v) = file.addr {
        config.addr = v;
    }
    if let Some(v) = file.public_url {
        config.public_url = Some(v);
    }
    if let Some(v) = file.trust_proxy {
        config.trust_proxy = v;
    }
    if let Some(v) = file.metrics_addr {
        config.metrics_addr = Some(v);
    }
    if let Some(v) = file.metrics_token {
        config.metrics_token = Some(v.into());
    }
    if let Some(v) = file.log_format {
        config.log_format = v;
    }
    if let Some(v) = file.log {
        config.log_filter = v;
    }
    if let Some(v) = file.db_max_connections {
        config.db_max_connections = v;
    }
    if let Some(v) = file.request_timeout_secs {
        config.request_timeout_secs = v;
    }
    if let Some(v) = file.header_timeout_secs {
        config.header_timeout_secs = v;
    }
    if let Some(v) = file.idle_timeout_secs {
        config.idle_timeout_secs = v;
    }
    if let Some(v) = file.max_connections {
        config.max_connections = v;
    }
    if let Some(v) = file.max_waiting_per_addr {
        config.max_waiting_per_addr = v;
    }
    if let Some(v) = file.max_body_bytes {
        config.max_body_bytes = v;
    }
    if let Some(v) = file.jobs_every_secs {
        config.jobs_every_secs = v;
    }
    if let Some(v) = file.duplicate_radius_m {
        config.duplicate_radius_m = v;
    }
    if let Some(v) = file.duplicate_window_hours {
        config.duplicate_window_hours = v;
    }
    if let Some(v) = file.backup_dir {
        config.backup_dir = Some(v);
    }
    if let Some(v) = file.backup_every_hours {
        config.backup_every_hours = v;
    }
    if let Some(v) = file.backup_keep {
        config.backup_keep = v;
    }
}

fn apply_env(config: &mut Config, env: &impl Fn(&str) -> Option<String>) -> anyhow::Result<()> {
    fn parse<T: std::str::FromStr>(name: &str, value: String) -> anyhow::Result<T> {
        value.trim().parse().map_err(|_| anyhow::anyhow!("{name} has an invalid value"))
    }
    if let Some(v) = env("EJIA_DATABASE_URL") {
        config.database_url = Some(v.into());
    }
    if let Some(v) = env("EJIA_SECRET_KEY") {
        config.secret_key = Some(v.into());
    }
    if let Some(v) = env("EJIA_ADDR") {
        config.addr = parse("EJIA_ADDR", v)?;
    }
    if let Some(v) = env("EJIA_PUBLIC_URL") {
        config.public_url = Some(v);
    }
    if let Some(v) = env("EJIA_TRUST_PROXY") {
        config.trust_proxy = parse("EJIA_TRUST_PROXY", v)?;
    }
    if let Some(v) = env("EJIA_METRICS_ADDR") {
        config.metrics_addr = Some(parse("EJIA_METRICS_ADDR", v)?);
    }
    if let Some(v) = env("EJIA_METRICS_TOKEN") {
        config.metrics_token = Some(v.into());
    }
    if let Some(v) = env("EJIA_LOG_FORMAT") {
        config.log_format = match v.as_str() {
            "json" => LogFormat::Json,
            "text" => LogFormat::Text,
            _ => bail!("EJIA_LOG_FORMAT must be text or json"),
        };
    }
    if let Some(v) = env("EJIA_LOG") {
        config.log_filter = v;
    }
    if let Some(v) = env("EJIA_DB_MAX_CONNECTIONS") {
        config.db_max_connections = parse("EJIA_DB_MAX_CONNECTIONS", v)?;
    }
    if let Some(v) = env("EJIA_REQUEST_TIMEOUT_SECS") {
        config.request_timeout_secs = parse("EJIA_REQUEST_TIMEOUT_SECS", v)?;
    }
    if let Some(v) = env("EJIA_HEADER_TIMEOUT_SECS") {
        config.header_timeout_secs = parse("EJIA_HEADER_TIMEOUT_SECS", v)?;
    }
    if let Some(v) = env("EJIA_IDLE_TIMEOUT_SECS") {
        config.idle_timeout_secs = parse("EJIA_IDLE_TIMEOUT_SECS", v)?;
    }
    if let Some(v) = env("EJIA_MAX_CONNECTIONS") {
        config.max_connections = parse("EJIA_MAX_CONNECTIONS", v)?;
    }
    if let Some(v) = env("EJIA_MAX_WAITING_PER_ADDR") {
        config.max_waiting_per_addr = parse("EJIA_MAX_WAITING_PER_ADDR", v)?;
    }
    if let Some(v) = env("EJIA_MAX_BODY_BYTES") {
        config.max_body_bytes = parse("EJIA_MAX_BODY_BYTES", v)?;
    }
    if let Some(v) = env("EJIA_DUPLICATE_RADIUS_M") {
        config.duplicate_radius_m = parse("EJIA_DUPLICATE_RADIUS_M", v)?;
    }
    if let Some(v) = env("EJIA_DUPLICATE_WINDOW_HOURS") {
        config.duplicate_window_hours = parse("EJIA_DUPLICATE_WINDOW_HOURS", v)?;
    }
    if let Some(v) = env("EJIA_BACKUP_DIR") {
        config.backup_dir = Some(PathBuf::from(v));
    }
    if let Some(v) = env("EJIA_BACKUP_EVERY_HOURS") {
        config.backup_every_hours = parse("EJIA_BACKUP_EVERY_HOURS", v)?;
    }
    if let Some(v) = env("EJIA_BACKUP_KEEP") {
        config.backup_keep = parse("EJIA_BACKUP_KEEP", v)?;
    }
    if let Some(v) = env("EJIA_JOBS_EVERY_SECS") {
        config.jobs_every_secs = parse("EJIA_JOBS_EVERY_SECS", v)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_override_in_order_and_debug_redacts_secrets() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let file = dir.path().join("ejia.toml");
        std::fs::write(
            &file,
            "secret_key = \"file-secret-0123456789abcdef0123456789\"\naddr = \"127.0.0.1:9000\"\nlog = \"debug\"\n",
        )?;
        let overrides = Overrides { config_file: Some(file), data_dir: None, addr: None };
        let config = load(&overrides, |k| match k {
            "EJIA_ADDR" => Some("127.0.0.1:9100".into()),
            "EJIA_DATABASE_URL" => Some("postgres://u:hunter2@db/ejia".into()),
            "EJIA_METRICS_TOKEN" => Some("metrics-token-0123456789".into()),
            _ => None,
        })?;
        assert_eq!(config.addr.port(), 9100, "env wins over file");
        assert_eq!(config.log_filter, "debug", "file wins over defaults");
        let debug = format!("{config:?}");
        assert!(!debug.contains("hunter2") && !debug.contains("file-secret"), "{debug}");
        assert!(!debug.contains("metrics-token"), "{debug}");
        Ok(())
    }

    #[test]
    fn unknown_file_keys_and_bad_env_values_are_refused() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let file = dir.path().join("ejia.toml");
        std::fs::write(&file, "adress = \"127.0.0.1:1\"\n")?;
        let overrides = Overrides { config_file: Some(file), ..Overrides::default() };
        assert!(load(&overrides, |_| None).is_err());
        let bad_env = load(&Overrides::default(), |k| (k == "EJIA_TRUST_PROXY").then(|| "maybe".into()));
        assert!(bad_env.is_err());
        let no_time = load(&Overrides::default(), |k| (k == "EJIA_HEADER_TIMEOUT_SECS").then(|| "0".into()));
        assert!(no_time.is_err(), "a zero timeout would close every connection at once");
        Ok(())
    }
}
