//! The command line: `ejia serve`, `ejia migrate`, `ejia district import`, `ejia user add`,
//! `ejia token create`, `ejia sms outbox`, `ejia search reindex`, `ejia backup`,
//! `ejia restore`. Every command honours `--data-dir` and `--config`, and may run while a
//! server uses the same database (`restore` refuses to: it needs an empty one).

use std::io::BufRead as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::{Args, Parser, Subcommand};

use crate::accounts::credentials::{self, password};
use crate::accounts::model::{Phone, check_new_password, parse_display_name};
use crate::accounts::service::{self, NewAccount, RESIDENT};
use crate::accounts::store as accounts_store;
use crate::app::{self, AppState};
use crate::authz::{Grant, Role, Scope};
use crate::clock::{SystemClock, format_local};
use crate::config::{self, Config, LogFormat, Overrides};
use crate::{notify, org, seed};

/// ejia (e家): the civic platform of a city district.
#[derive(Debug, Parser)]
#[command(name = "ejia", version, about, long_about = None)]
struct Cli {
    /// Directory for the SQLite database, the generated secret key and uploads
    /// [env: EJIA_DATA_DIR] [default: ./ejia-data]
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Configuration file (TOML); EJIA_* environment variables override it
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the site, the back office and the API (creates and migrates the database)
    Serve {
        /// Address to listen on [env: EJIA_ADDR] [default: 127.0.0.1:8080]
        #[arg(long, value_name = "ADDR")]
        addr: Option<SocketAddr>,
        /// Load Shinan district and one demo account per role into an empty database first
        #[arg(long)]
        demo: bool,
    },
    /// Create or upgrade the database schema, then exit
    Migrate,
    /// The district's structure
    #[command(subcommand)]
    District(DistrictCommand),
    /// Accounts
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens
    #[command(subcommand)]
    Token(TokenCommand),
    /// Text messages (development: shows what the SMS gateway would have sent)
    #[command(subcommand)]
    Sms(SmsCommand),
    /// The search index
    #[command(subcommand)]
    Search(SearchCommand),
    /// Print the OpenAPI 3.1 document of the JSON API (as served at /api/v1/openapi.json)
    Openapi,
    /// Copy the database into a new backup directory, while the server runs
    Backup(crate::backup::BackupArgs),
    /// Restore a backup into an empty data directory or database
    Restore(crate::backup::RestoreArgs),
}

#[derive(Debug, Subcommand)]
enum DistrictCommand {
    /// Load Shinan's 11 streets, 50 communities, venues and departments into an empty database
    Import,
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account with a role
    Add(UserAdd),
    /// Create resident accounts from a community register: CSV lines of phone,name,community
    /// code (a header line is allowed). All or nothing; numbers already registered are skipped
    Import {
        /// The CSV file
        file: PathBuf,
        /// Also create an API token per new account and write phone,token lines here
        #[arg(long, value_name = "OUT.csv")]
        tokens: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
struct UserAdd {
    /// Mainland mobile number, e.g. 13800000001
    #[arg(long)]
    phone: String,
    /// Display name
    #[arg(long)]
    name: String,
    /// Role: resident, enterprise, inspector, handler, dispatcher, organizer, editor,
    /// street_admin or district_admin
    #[arg(long)]
    role: String,
    /// Where the role applies: district, street:<code>, community:<code> or
    /// department:<name> [default: district]
    #[arg(long, value_name = "SCOPE")]
    scope: Option<String>,
    /// Home community code (12 digits)
    #[arg(long, value_name = "CODE")]
    community: Option<String>,
    /// Read the password from the first line of standard input
    #[arg(long)]
    password_stdin: bool,
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Print a new API token for a user (use as `Authorization: Bearer <token>`)
    Create {
        /// The user's mobile number
        #[arg(long)]
        phone: String,
        /// What the token is for
        #[arg(long, default_value = "cli")]
        label: String,
        /// A service token for an integration: it survives the user's password changes and
        /// ends only when revoked
        #[arg(long)]
        long_lived: bool,
    },
}

#[derive(Debug, Subcommand)]
enum SearchCommand {
    /// Segment again the documents indexed by an older segmenter (after a dictionary change);
    /// safe while servers run
    Reindex {
        /// Every document: each domain hands all its public documents in again (this also
        /// fills the index with what was written before it existed)
        #[arg(long)]
        all: bool,
    },
}

#[derive(Debug, Subcommand)]
enum SmsCommand {
    /// Show the newest text messages (a registration code only until it expires or is sent)
    Outbox {
        /// Only messages to this number
        #[arg(long)]
        phone: Option<String>,
        /// How many to show
        #[arg(long, default_value_t = 10)]
        limit: i64,
    },
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let addr = match &cli.command {
        Command::Serve { addr, .. } => *addr,
        _ => None,
    };
    let overrides = Overrides { config_file: cli.config.clone(), data_dir: cli.data_dir.clone(), addr };
    let config = match config::load(&overrides, |k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("ejia: {e:#}");
            return ExitCode::from(2);
        }
    };
    init_logging(&config);
    if let Command::Openapi = cli.command {
        return match serde_json::to_string_pretty(&crate::api::openapi_router().1) {
            Ok(doc) => {
                println!("{doc}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("ejia: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ejia: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ejia: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(config: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(&config.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // A second initialisation (tests) is harmless, so its error is ignored.
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    // Before the app opens the database: a backup must not migrate what it copies, and a
    // restore's target must stay empty until the copy is checked.
    let command = match command {
        Command::Backup(args) => return crate::backup::run_backup(&config, args).await,
        Command::Restore(args) => return crate::backup::run_restore(&config, args).await,
        other => other,
    };
    let state = AppState::open(config, Arc::new(SystemClock)).await?;
    match command {
        Command::Serve { demo, .. } => serve(state, demo).await,
        Command::Openapi | Command::Backup(_) | Command::Restore(_) => Ok(()),
        Command::Migrate => {
            println!("database is up to date");
            Ok(())
        }
        Command::District(DistrictCommand::Import) => {
            match seed::structure(&state).await? {
                Some(l) => println!(
                    "imported {} streets, {} communities, {} venues, {} departments, {} case categories",
                    l.streets, l.communities, l.venues, l.departments, l.categories
                ),
                None => println!("a district is already present; nothing changed"),
            }
            Ok(())
        }
        Command::User(UserCommand::Add(args)) => user_add(&state, args).await,
        Command::User(UserCommand::Import { file, tokens }) => user_import(&state, &file, tokens.as_deref()).await,
        Command::Token(TokenCommand::Create { phone, label, long_lived }) => {
            let phone = Phone::parse(&phone).context("not a valid mobile number")?;
            let mut conn = state.db.conn().await?;
            let user = accounts_store::user_id_by_phone(&mut conn, &state.keys.phone_index(phone.as_str()))
                .await?
                .context("no account with that phone number")?;
            drop(conn);
            let token =
                credentials::issue(&state, None, user, &label, long_lived).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", token.token);
            Ok(())
        }
        Command::Search(SearchCommand::Reindex { all }) => {
            let done = crate::search::reindex(&state.db, all, state.clock.unix()).await?;
            println!("indexed {done} documents (segmenter version {})", crate::search::segment::SEGMENTER_VERSION);
            Ok(())
        }
        Command::Sms(SmsCommand::Outbox { phone, limit }) => {
            let wanted = phone.as_deref().map(|p| Phone::parse(p).context("not a valid mobile number")).transpose()?;
            let messages = notify::recent_sms(&mut *state.db.conn().await?, 1000).await?;
            let mut shown = 0;
            for m in messages {
                let to = state.keys.open(&m.phone_sealed).unwrap_or_default();
                if wanted.as_ref().is_some_and(|w| w.as_str() != to) {
                    continue;
                }
                println!("{}\t{}\t{}", format_local(m.created_at), m.phone_masked, m.text(&state.keys));
                shown += 1;
                if shown >= limit {
                    break;
                }
            }
            Ok(())
        }
    }
}

async fn serve(state: AppState, demo: bool) -> anyhow::Result<()> {
    if state.db.backend() == crate::db::Backend::Postgres && state.config.secret_key.is_none() {
        tracing::warn!(
            "EJIA_SECRET_KEY is not set: this instance uses the key in its data directory; \
             every instance sharing this database must use the same key"
        );
    }
    if demo {
        if let Some(loaded) = seed::structure(&state).await? {
            let (password, accounts) = seed::demo_users(&state).await?;
            println!(
                "Demo data loaded from data/shinan.json: {} streets, {} communities, {} venues, {} departments; \
                 {} case categories from data/cityops_event_categories.json.",
                loaded.streets, loaded.communities, loaded.venues, loaded.departments, loaded.categories
            );
            println!("Demo accounts (password for all: {password}; shown only now):");
            for a in accounts {
                println!("  {}  {:<16} {} ({})", a.phone, a.role.as_str(), a.name, a.scope);
            }
            if let Some(c) = seed::content::load(&state).await? {
                println!(
                    "Demo content (written for the demo, app/seed/demo.toml): {} topic, {} articles published and {} \
                     scheduled, {} activities with {} sessions, {} services with {} slots, {} residents' reports.",
                    c.topics, c.published, c.scheduled, c.events, c.sessions, c.services, c.slots, c.cases
                );
            }
            if let Some(c) = seed::challenge::load(&state).await? {
                println!(
                    "Demo Long March challenge ({}): {} teams, {} check-ins.",
                    seed::challenge::NAME,
                    c.teams,
                    c.checkins
                );
            }
        } else {
            println!("The database already holds a district; demo data not loaded.");
        }
    }
    // English names a district seeded before them lacks (see seed::names_en).
    let filled = seed::names_en::fill(&mut *state.db.conn().await?).await?;
    if filled > 0 {
        tracing::info!(filled, "English names filled from data/names_en.json");
    }
    let listener = tokio::net::TcpListener::bind(state.config.addr)
        .await
        .with_context(|| format!("cannot listen on {}", state.config.addr))?;
    let addr = listener.local_addr()?;
    warn_about_origin(&state.config, addr);
    let metrics = match state.config.metrics_addr {
        Some(at) => {
            let listener = tokio::net::TcpListener::bind(at)
                .await
                .with_context(|| format!("cannot listen on {at} for metrics"))?;
            let at = listener.local_addr()?;
            if !at.ip().is_loopback() && state.config.metrics_token.is_none() {
                tracing::warn!(%at, "metrics are served beyond loopback without EJIA_METRICS_TOKEN");
            }
            println!("metrics are served on http://{at}/metrics");
            Some(listener)
        }
        None => None,
    };
    let shutdown = app::shutdown_signal();
    // The segmenter's dictionary loads in the background while the server starts answering.
    tokio::task::spawn_blocking(crate::search::segment::warm);
    println!("ejia is serving on http://{addr}");
    if state.config.jobs_every_secs > 0 {
        crate::notify::worker::spawn(state.clone(), std::time::Duration::from_secs(state.config.jobs_every_secs));
        crate::cases::jobs::spawn(state.clone(), std::time::Duration::from_secs(state.config.jobs_every_secs));
        crate::news::jobs::spawn(state.clone(), std::time::Duration::from_secs(state.config.jobs_every_secs));
        crate::search::catch_up(state.db.clone(), state.clock.unix());
        if let Some(dir) = &state.config.backup_dir {
            println!("scheduled backups: every {} h into {}", state.config.backup_every_hours, dir.display());
            // Once a minute: a backup is due at most once a period, and the check is one read.
            crate::backup::job::spawn(state.clone(), std::time::Duration::from_secs(60));
        }
    }
    tracing::info!(%addr, backend = ?state.db.backend(), "serving");
    app::serve(state, listener, metrics, shutdown).await
}

/// Without `EJIA_PUBLIC_URL` only pages opened at a loopback address on this port may post
/// forms (see `web::client::trusted_origin`): say so when people evidently reach the server
/// some other way.
fn warn_about_origin(config: &Config, addr: SocketAddr) {
    if config.public_url.is_some() {
        return;
    }
    if !addr.ip().is_loopback() {
        tracing::warn!(
            %addr,
            "EJIA_PUBLIC_URL is not set: forms are accepted only from pages opened at \
             http://127.0.0.1:{port} or http://localhost:{port}; set EJIA_PUBLIC_URL to the address people use",
            port = addr.port()
        );
    } else if config.trust_proxy {
        tracing::warn!(
            "EJIA_TRUST_PROXY is set but EJIA_PUBLIC_URL is not: forms posted through the proxy are \
             refused until EJIA_PUBLIC_URL names the address people use"
        );
    }
}

/// Parses `--scope`: district, street:<code>, community:<code>, department:<name>.
async fn parse_scope(state: &AppState, text: Option<&str>) -> anyhow::Result<Scope> {
    let Some(text) = text else { return Ok(Scope::District) };
    let mut conn = state.db.conn().await?;
    let (kind, value) = text.split_once(':').unwrap_or((text, ""));
    Ok(match kind {
        "district" => Scope::District,
        "street" => {
            let streets = org::store::list_streets(&mut conn, None, 0, 10_000).await?;
            Scope::Street(streets.iter().find(|s| s.code == value).context("no street with that code")?.id)
        }
        "community" => {
            let all = org::store::list_communities(&mut conn, None, 0, 100_000).await?;
            Scope::Community(all.iter().find(|c| c.code == value).context("no community with that code")?.id)
        }
        "department" => {
            let all = org::store::list_departments(&mut conn, 0, 10_000).await?;
            Scope::Department(all.iter().find(|d| d.name == value).context("no department with that name")?.id)
        }
        _ => bail!("--scope must be district, street:<code>, community:<code> or department:<name>"),
    })
}

async fn user_add(state: &AppState, args: UserAdd) -> anyhow::Result<()> {
    let phone = Phone::parse(&args.phone).context("not a valid mobile number")?;
    let name = parse_display_name(&args.name).map_err(|_| anyhow::anyhow!("the name must be 1–32 characters"))?;
    let role = Role::parse(&args.role).context("unknown role (see --help)")?;
    let scope = parse_scope(state, args.scope.as_deref()).await?;
    if !role.allows_scope(&scope) {
        bail!("a {} cannot have that scope", role.as_str());
    }
    let community = match &args.community {
        Some(code) => {
            let all = org::store::list_communities(&mut *state.db.conn().await?, None, 0, 100_000).await?;
            Some(all.iter().find(|c| &c.code == code).context("no community with that code")?.id)
        }
        None => None,
    };
    let password_hash = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let pass = line.trim_end_matches(['\n', '\r']).to_owned();
        if check_new_password("password", &pass, Some(&phone)).is_err() {
            bail!("the password must be 8–128 characters and not trivial");
        }
        Some(password::hash(pass).await?)
    } else {
        None
    };
    let mut grants = vec![RESIDENT];
    if role != Role::Resident {
        grants.push(Grant { role, scope });
    }
    let mut tx = state.db.begin().await?;
    let account = NewAccount { phone, display_name: name, community_id: community, password_hash };
    let id = service::create_account(state, &mut tx, None, account, &grants).await.map_err(|e| match e {
        crate::error::AppError::Invalid(f) if f.iter().any(|f| f.field == "phone") => {
            anyhow::anyhow!("that phone number already has an account")
        }
        other => anyhow::anyhow!("{other}"),
    })?;
    tx.commit().await?;
    println!("created user {id} ({})", role.as_str());
    Ok(())
}

async fn user_import(state: &AppState, file: &std::path::Path, tokens: Option<&std::path::Path>) -> anyhow::Result<()> {
    use std::io::Write as _;
    let all = org::store::list_communities(&mut *state.db.conn().await?, None, 0, 100_000).await?;
    let communities = all.into_iter().map(|c| (c.code, c.id)).collect();
    let input = std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    let rows = match crate::accounts::import::parse(std::io::BufReader::new(input), &communities) {
        Ok(rows) => rows,
        Err(errors) => {
            for e in errors.iter().take(50) {
                eprintln!("{e}");
            }
            bail!("{} bad lines; nothing imported", errors.len());
        }
    };
    let report = crate::accounts::import::import(state, &rows, tokens.is_some()).await?;
    if let Some(path) = tokens {
        let mut out = std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?,
        );
        for (phone, _, token) in &report.created {
            writeln!(out, "{phone},{}", token.as_deref().unwrap_or_default())?;
        }
        out.flush()?;
    }
    println!("created {} accounts, skipped {} already registered", report.created.len(), report.skipped.len());
    Ok(())
}
