//! `patchdesk`: the command line over the same core the desktop app uses.
//!
//! Exit codes: 0 success; 1 an error (message on stderr, or `{"error": …}` on stdout with
//! `--json`); 2 a usage error; 3 an import that rejected rows (the accepted ones were
//! imported, or none with --all-or-nothing); 4 `audit verify` found the trail broken; 5
//! sending finished with failed messages (`campaign show` lists them). A --dry-run only
//! reports, and exits 0.

// Every line printed goes through `term::safe` (user data may hold control characters):
// these shadow the standard macros in the whole crate.
macro_rules! println {
    () => { ::std::println!() };
    ($($t:tt)*) => { ::std::println!("{}", $crate::term::safe(&format!($($t)*))) };
}
macro_rules! eprintln {
    () => { ::std::eprintln!() };
    ($($t:tt)*) => { ::std::eprintln!("{}", $crate::term::safe(&format!($($t)*))) };
}

mod campaign;
mod release;
mod term;

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use patchdesk_core::catalog::{self, UpdateQuery, UpdateSort};
use patchdesk_core::collections::{self, CollectionInput, Scope};
use patchdesk_core::demo::{self, DemoOptions};
use patchdesk_core::import::{ImportOptions, ImportReport};
use patchdesk_core::inventory::{self, ComputerQuery, ComputerSort, Role};
use patchdesk_core::ports::{Clock, Progress, SystemClock};
use patchdesk_core::{paths, Error, SqlitePool};
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;

// Imports allocate a few small strings per field; mimalloc makes that markedly cheaper.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "patchdesk",
    version,
    about = "PatchDesk: plan, approve, announce and monitor update rollouts"
)]
struct Cli {
    /// Data directory (default: $PATCHDESK_DATA_DIR, else the app-data folder of PatchDesk).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Machine-readable JSON on stdout.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load the demo organisation, or write it as CSV files with --csv.
    Demo(DemoArgs),
    /// Import computers or updates from a CSV file.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Browse the inventory.
    #[command(subcommand)]
    Computers(ComputersCommand),
    /// Browse the update catalogue.
    #[command(subcommand)]
    Updates(UpdatesCommand),
    /// Targeting collections: list, create, update, evaluate.
    #[command(subcommand)]
    Collection(CollectionCommand),
    /// Releases and their rollout plans: list, show, create from a template.
    #[command(subcommand)]
    Release(release::ReleaseCommand),
    /// The rollout calendar: export it as iCalendar.
    #[command(subcommand)]
    Schedule(release::ScheduleCommand),
    /// The audit trail: verify its chain, print its head, export it.
    #[command(subcommand)]
    Audit(release::AuditCommand),
    /// End-user notification campaigns: create, preview, send, cancel.
    #[command(subcommand)]
    Campaign(campaign::CampaignCommand),
    /// The mail outbox: status, or send everything that is due.
    #[command(subcommand)]
    Outbox(campaign::OutboxCommand),
    /// Mail settings: sender, SMTP server, password, connection check.
    #[command(subcommand)]
    Mail(campaign::MailCommand),
    /// Where the data lives and what it holds.
    Info,
}

#[derive(Args)]
struct DemoArgs {
    /// Number of computers (1 to 1,000,000).
    #[arg(long, default_value_t = demo::DEFAULT_COMPUTERS)]
    computers: u32,
    /// Seed of the generator: the same seed gives the same organisation.
    #[arg(long, default_value_t = demo::DEFAULT_SEED)]
    seed: u64,
    /// Write computers.csv and updates.csv into DIR instead of loading the database.
    #[arg(long, value_name = "DIR")]
    csv: Option<PathBuf>,
    /// Replace an inventory that already holds computers.
    #[arg(long)]
    replace: bool,
}

#[derive(Args)]
struct ImportArgs {
    /// The CSV file (UTF-8, comma-separated, first line is the header).
    file: PathBuf,
    /// Check the file and report, but change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Refuse the whole file if any row is rejected.
    #[arg(long)]
    all_or_nothing: bool,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Computers, upserted by name.
    Computers(ImportArgs),
    /// Updates, upserted by KB number.
    Updates(ImportArgs),
}

#[derive(Subcommand)]
enum ComputersCommand {
    /// List computers, optionally filtered.
    List {
        /// Only computers of this site (by name).
        #[arg(long)]
        site: Option<String>,
        /// Text in the name, owner, e-mail or department.
        #[arg(long)]
        search: Option<String>,
        #[arg(long, value_parser = ["workstation", "server"])]
        role: Option<String>,
        /// Sort column: name, site, department, role, os, os-version, owner, last-seen,
        /// last-run, free-disk, agent-state or client-policy.
        #[arg(long, default_value = "name", value_parser = ComputerSort::parse)]
        sort: ComputerSort,
        #[arg(long)]
        desc: bool,
        /// Rows to show (1 to 1000); ignored with --all.
        #[arg(long, default_value_t = 100)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u32,
        /// Every matching computer, however many.
        #[arg(long)]
        all: bool,
    },
}

#[derive(Subcommand)]
enum UpdatesCommand {
    /// List the catalogue, newest first.
    List {
        #[arg(long)]
        search: Option<String>,
        #[arg(long)]
        hide_superseded: bool,
        #[arg(long, default_value_t = 100)]
        limit: u32,
    },
}

#[derive(Args)]
struct RuleArgs {
    /// The query rule (see docs/query-language.md), e.g. "site = 'Seoul HQ' and role = server".
    #[arg(long)]
    query: Option<String>,
    #[arg(long)]
    description: Option<String>,
    /// Only computers that are also in this collection.
    #[arg(long, value_name = "COLLECTION")]
    limit: Option<String>,
    /// Add the members of this collection (repeatable).
    #[arg(long, value_name = "COLLECTION")]
    include: Vec<String>,
    /// Take away the members of this collection (repeatable).
    #[arg(long, value_name = "COLLECTION")]
    exclude: Vec<String>,
    /// Add this computer by name (repeatable).
    #[arg(long, value_name = "COMPUTER")]
    direct: Vec<String>,
    /// Re-evaluate it in every `collection eval --continuous` round.
    #[arg(long)]
    continuous: bool,
}

#[derive(Subcommand)]
enum CollectionCommand {
    /// Every collection with its member count and last evaluation.
    List,
    /// Create a collection (evaluate it with `collection eval NAME`).
    Create {
        name: String,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Change a collection; options given replace those rules, the others stay.
    Update {
        name: String,
        /// A new name.
        #[arg(long)]
        rename: Option<String>,
        /// Remove the limiting collection.
        #[arg(long, conflicts_with = "limit")]
        no_limit: bool,
        #[command(flatten)]
        rules: RuleArgs,
    },
    /// Evaluate one collection, or all of them in dependency order.
    Eval {
        #[arg(required_unless_present_any = ["all", "continuous"])]
        name: Option<String>,
        #[arg(long, conflicts_with = "name")]
        all: bool,
        /// The continuous collections and what they depend on.
        #[arg(long, conflicts_with_all = ["name", "all"])]
        continuous: bool,
    },
    /// Who entered and left at the last evaluation.
    Changes { name: String },
    /// The members as of the last evaluation (as ConfigMgr's Get-CMCollectionMember).
    Members { name: String },
    /// Delete a collection (refused while another uses it).
    Delete { name: String },
}

/// A terminal progress bar on stderr (hidden when stderr is not a terminal).
struct Bar(Mutex<Option<ProgressBar>>, bool);

impl Bar {
    fn new(quiet: bool) -> Self {
        Bar(Mutex::new(None), quiet)
    }
    fn finish(&self) {
        if let Some(pb) = self.0.lock().unwrap().take() {
            pb.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn stage(&self, name: &str, total: Option<u64>) {
        if self.1 {
            return;
        }
        let pb = match total {
            Some(t) => ProgressBar::new(t),
            None => ProgressBar::new_spinner(),
        };
        let unit = if name.contains("Importing") {
            "{binary_bytes}/{binary_total_bytes}"
        } else {
            "{pos}/{len}"
        };
        pb.set_style(
            ProgressStyle::with_template(&format!("{{msg:24}} {{wide_bar}} {unit} {{eta}}"))
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        pb.set_message(name.to_string());
        if let Some(old) = self.0.lock().unwrap().replace(pb) {
            old.finish_and_clear();
        }
    }
    fn advance(&self, done: u64) {
        if let Some(pb) = self.0.lock().unwrap().as_ref() {
            pb.set_position(done);
        }
    }
}

fn print_json<T: Serialize>(v: &T) {
    println!("{}", serde_json::to_string_pretty(v).expect("serializable"));
}

fn print_report(r: &ImportReport, what: &str) {
    let verb = if r.applied {
        "Imported"
    } else if r.dry_run {
        "Checked (dry run, nothing changed)"
    } else {
        "Refused, nothing changed"
    };
    eprintln!(
        "{verb}: {} rows read, {} accepted ({} new, {} updated), {} rejected {what} in {} ms",
        r.rows_read, r.accepted, r.inserted, r.updated, r.rejected, r.elapsed_ms
    );
    if !r.ignored_columns.is_empty() {
        eprintln!("Ignored columns: {}", r.ignored_columns.join(", "));
    }
    for rej in &r.rejections {
        match &rej.column {
            Some(c) => eprintln!(
                "  line {}, column {c}: {}",
                rej.line,
                term::line(&rej.reason)
            ),
            None => eprintln!("  line {}: {}", rej.line, term::line(&rej.reason)),
        }
    }
    if (r.rejections.len() as u64) < r.rejected {
        eprintln!("  … and {} more", r.rejected - r.rejections.len() as u64);
    }
}

fn short_time(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "never".into())
}

async fn run(cli: Cli, pool_dir: PathBuf) -> Result<ExitCode, Error> {
    let clock = SystemClock;
    if let Command::Demo(DemoArgs {
        csv: Some(dir),
        computers,
        seed,
        ..
    }) = &cli.command
    {
        let bar = Bar::new(cli.json);
        let s = demo::write_csv(
            dir,
            DemoOptions {
                computers: *computers,
                seed: *seed,
            },
            clock.now(),
            &bar,
        )?;
        bar.finish();
        if cli.json {
            print_json(&s);
        } else {
            eprintln!(
                "Wrote {} computers and {} updates to {}",
                s.computers,
                s.updates,
                dir.display()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let db_path = paths::db_path(&pool_dir);
    let pool: SqlitePool = patchdesk_core::db::open(&db_path).await?;
    match cli.command {
        Command::Demo(a) => {
            let who = release::operator(&pool, None).await?;
            let by = patchdesk_core::audit::By {
                actor: &who.name,
                clock: &clock,
            };
            let bar = Bar::new(cli.json);
            let s = demo::load(
                &pool,
                DemoOptions {
                    computers: a.computers,
                    seed: a.seed,
                },
                clock.now(),
                a.replace,
                &bar,
                &by,
            )
            .await?;
            bar.finish();
            if cli.json {
                print_json(&s);
            } else {
                eprintln!(
                    "Loaded the demo organisation: {} computers in {} sites, {} updates ({} ms) into {}",
                    s.computers, s.sites, s.updates, s.elapsed_ms, db_path.display()
                );
            }
        }
        Command::Import(ic) => {
            let (a, what) = match &ic {
                ImportCommand::Computers(a) => (a, "computers"),
                ImportCommand::Updates(a) => (a, "updates"),
            };
            let options = ImportOptions {
                dry_run: a.dry_run,
                all_or_nothing: a.all_or_nothing,
            };
            // Imports are recorded under the person of this OS account.
            let who = release::operator(&pool, None).await?;
            let by = patchdesk_core::audit::By {
                actor: &who.name,
                clock: &clock,
            };
            let bar = Bar::new(cli.json);
            let report = match ic {
                ImportCommand::Computers(_) => {
                    inventory::import_computers(&pool, &a.file, options, &bar, &by).await?
                }
                ImportCommand::Updates(_) => {
                    catalog::import_updates(&pool, &a.file, options, &bar, &by).await?
                }
            };
            bar.finish();
            if cli.json {
                print_json(&report);
            } else {
                print_report(&report, what);
            }
            if !report.dry_run && report.rejected > 0 {
                return Ok(ExitCode::from(3));
            }
        }
        Command::Computers(ComputersCommand::List {
            site,
            search,
            role,
            sort,
            desc,
            limit,
            offset,
            all,
        }) => {
            let site_id = match site {
                Some(s) => Some(inventory::site_by_name(&pool, &s).await?.id),
                None => None,
            };
            let mut q = ComputerQuery {
                search,
                site_id,
                role: role.as_deref().and_then(|r| Role::parse(r).ok().flatten()),
                sort,
                descending: desc,
                offset,
                limit: if all { 1000 } else { limit },
                ..Default::default()
            };
            let mut page = inventory::list_computers(&pool, &q, clock.now()).await?;
            if all {
                while (q.offset as i64 + 1000) < page.total {
                    q.offset += 1000;
                    let next = inventory::list_computers(&pool, &q, clock.now()).await?;
                    page.rows.extend(next.rows);
                }
            }
            if cli.json {
                print_json(&page);
            } else {
                print_computers(&page.rows);
                eprintln!("{} of {} computers", page.rows.len(), page.total);
            }
        }
        Command::Updates(UpdatesCommand::List {
            search,
            hide_superseded,
            limit,
        }) => {
            let q = UpdateQuery {
                search,
                hide_superseded,
                limit,
                sort: UpdateSort::ReleaseDate,
                descending: true,
                ..Default::default()
            };
            let page = catalog::list_updates(&pool, &q).await?;
            if cli.json {
                print_json(&page);
            } else {
                for u in &page.rows {
                    println!(
                        "{:<10} {:<10} {:<10} {}",
                        u.kb,
                        u.release_date.as_deref().unwrap_or(""),
                        u.severity,
                        u.title
                    );
                }
                eprintln!("{} of {} updates", page.rows.len(), page.total);
            }
        }
        Command::Collection(cmd) => collection(&pool, &clock, cmd, cli.json).await?,
        Command::Release(cmd) => release::release(&pool, cmd, cli.json).await?,
        Command::Schedule(cmd) => release::schedule(&pool, cmd, cli.json).await?,
        Command::Audit(cmd) => return release::audit(&pool, cmd, cli.json).await,
        Command::Campaign(cmd) => return campaign::campaign(&pool, &pool_dir, cmd, cli.json).await,
        Command::Outbox(cmd) => return campaign::outbox_cmd(&pool, &pool_dir, cmd, cli.json).await,
        Command::Mail(cmd) => return campaign::mail(&pool, &pool_dir, cmd, cli.json).await,
        Command::Info => {
            let s = patchdesk_core::summary(&pool).await?;
            if cli.json {
                print_json(
                    &serde_json::json!({ "dataDir": pool_dir, "database": db_path, "summary": s }),
                );
            } else {
                println!(
                    "Data directory: {}\nDatabase:       {}\nComputers: {}  Sites: {}  Updates: {}",
                    pool_dir.display(),
                    db_path.display(),
                    s.computers,
                    s.sites,
                    s.updates
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn collection_ids(pool: &SqlitePool, names: &[String]) -> Result<Vec<i64>, Error> {
    let mut ids = Vec::with_capacity(names.len());
    for n in names {
        ids.push(collections::find(pool, n).await?);
    }
    Ok(ids)
}

async fn collection(
    pool: &SqlitePool,
    clock: &SystemClock,
    cmd: CollectionCommand,
    json: bool,
) -> Result<(), Error> {
    // Built-in collections (per site, per policy) may be named before any list made them.
    collections::ensure_builtins(pool, clock).await?;
    match cmd {
        CollectionCommand::List => {
            let list = collections::list(pool, clock).await?;
            if json {
                print_json(&list);
                return Ok(());
            }
            println!(
                "{:<40} {:>9} {:>7} {:>7} {:<16}",
                "NAME", "MEMBERS", "+IN", "-OUT", "EVALUATED (UTC)"
            );
            for c in &list {
                println!(
                    "{:<40} {:>9} {:>7} {:>7} {:<16}",
                    c.name,
                    c.member_count,
                    c.entered_count,
                    c.left_count,
                    short_time(c.evaluated_at)
                );
            }
        }
        CollectionCommand::Create { name, rules } => {
            let input = CollectionInput {
                name,
                description: rules.description.unwrap_or_default(),
                query: rules.query.unwrap_or_default(),
                limit_id: match rules.limit {
                    Some(l) => Some(collections::find(pool, &l).await?),
                    None => None,
                },
                includes: collection_ids(pool, &rules.include).await?,
                excludes: collection_ids(pool, &rules.exclude).await?,
                direct: rules.direct,
                continuous: rules.continuous,
            };
            let who = release::operator(pool, None).await?;
            let d = collections::create(pool, clock, &who.name, &input).await?;
            report_saved(&d, "Created", json);
        }
        CollectionCommand::Update {
            name,
            rename,
            no_limit,
            rules,
        } => {
            let id = collections::find(pool, &name).await?;
            let current = collections::get(pool, id).await?;
            let c = &current.collection;
            let ids = |v: &[collections::CollectionRef]| v.iter().map(|r| r.id).collect::<Vec<_>>();
            let input = CollectionInput {
                name: rename.unwrap_or_else(|| c.name.clone()),
                description: rules.description.unwrap_or_else(|| c.description.clone()),
                query: rules.query.unwrap_or_else(|| c.query.clone()),
                limit_id: match (rules.limit, no_limit) {
                    (_, true) => None,
                    (Some(l), _) => Some(collections::find(pool, &l).await?),
                    (None, _) => c.limit.as_ref().map(|l| l.id),
                },
                includes: if rules.include.is_empty() {
                    ids(&c.includes)
                } else {
                    collection_ids(pool, &rules.include).await?
                },
                excludes: if rules.exclude.is_empty() {
                    ids(&c.excludes)
                } else {
                    collection_ids(pool, &rules.exclude).await?
                },
                direct: if rules.direct.is_empty() {
                    current.direct.iter().map(|d| d.name.clone()).collect()
                } else {
                    rules.direct
                },
                continuous: rules.continuous || c.continuous,
            };
            let who = release::operator(pool, None).await?;
            let d = collections::update(pool, clock, &who.name, id, &input).await?;
            report_saved(&d, "Updated", json);
        }
        CollectionCommand::Eval {
            name,
            all,
            continuous,
        } => {
            let evals = match name {
                Some(n) if !all && !continuous => {
                    let id = collections::find(pool, &n).await?;
                    collections::evaluate(pool, clock, id).await?
                }
                _ => {
                    let scope = if continuous {
                        Scope::Continuous
                    } else {
                        Scope::All
                    };
                    let bar = Bar::new(json);
                    let out = collections::evaluate_all(pool, clock, scope, &bar).await?;
                    bar.finish();
                    out
                }
            };
            if json {
                print_json(&evals);
                return Ok(());
            }
            for e in &evals {
                let delta = if e.first {
                    "first evaluation".to_string()
                } else {
                    format!("+{} entered, -{} left", e.entered, e.left)
                };
                println!(
                    "{:<40} {:>9} members  {delta}  ({} ms)",
                    e.name, e.member_count, e.elapsed_ms
                );
            }
        }
        CollectionCommand::Changes { name } => {
            let id = collections::find(pool, &name).await?;
            let changes = collections::changes(pool, id).await?;
            if json {
                print_json(&changes);
                return Ok(());
            }
            for c in &changes {
                let sign = if c.change == collections::ChangeKind::Entered {
                    '+'
                } else {
                    '-'
                };
                println!("{sign} {:<18} {}", c.name, c.site);
            }
            eprintln!("{} changes at the last evaluation", changes.len());
        }
        CollectionCommand::Members { name } => {
            let id = collections::find(pool, &name).await?;
            let detail = collections::get(pool, id).await?;
            let ids = collections::member_ids(pool, id).await?;
            let mut rows = inventory::computers_by_id(pool, &ids).await?;
            rows.sort_by(|a, b| a.name.cmp(&b.name));
            if json {
                print_json(&serde_json::json!({
                    "collection": detail.collection.name,
                    "evaluatedAt": detail.collection.evaluated_at,
                    "total": rows.len(),
                    "rows": rows,
                }));
                return Ok(());
            }
            print_computers(&rows);
            match detail.collection.evaluated_at {
                Some(t) => eprintln!(
                    "{} members of '{}' at its evaluation of {} UTC",
                    rows.len(),
                    detail.collection.name,
                    t.format("%Y-%m-%d %H:%M")
                ),
                None => eprintln!(
                    "'{}' was never evaluated: run 'patchdesk collection eval' first",
                    detail.collection.name
                ),
            }
        }
        CollectionCommand::Delete { name } => {
            let id = collections::find(pool, &name).await?;
            let who = release::operator(pool, None).await?;
            collections::delete(pool, clock, &who.name, id).await?;
            if json {
                print_json(&serde_json::json!({ "deleted": name }));
            } else {
                eprintln!("Deleted collection '{name}'");
            }
        }
    }
    Ok(())
}

fn report_saved(d: &collections::CollectionDetail, verb: &str, json: bool) {
    if json {
        print_json(d);
        return;
    }
    eprintln!(
        "{verb} collection '{}' (evaluate it with: patchdesk collection eval \"{}\")",
        d.collection.name, d.collection.name
    );
    for w in &d.warnings {
        eprintln!("warning: {w}");
    }
}

/// Computers as a table, one a line.
fn print_computers(rows: &[inventory::Computer]) {
    println!(
        "{:<18} {:<12} {:<11} {:<32} {:<12} {:<28} {:<16}",
        "NAME", "SITE", "ROLE", "OS", "VERSION", "OWNER", "LAST SEEN (UTC)"
    );
    for c in rows {
        println!(
            "{:<18} {:<12} {:<11} {:<32} {:<12} {:<28} {:<16}",
            c.name,
            c.site,
            c.role.as_str(),
            c.os_name,
            c.os_version,
            c.owner_name,
            short_time(c.last_seen)
        );
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    let dir = cli
        .data_dir
        .clone()
        .unwrap_or_else(|| paths::data_dir(paths::APP_IDENTIFIER));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    // A script waits for another writer (an import in another window) rather than fail,
    // and says so once.
    patchdesk_core::db::set_write_wait(patchdesk_core::db::WriteWait {
        limit: std::time::Duration::from_secs(3600),
        notify: Some(|| {
            eprintln!("waiting for another change to the database to finish (an import, a demo load or a collection evaluation)…")
        }),
    });
    match rt.block_on(run(cli, dir)) {
        Ok(code) => code,
        Err(e) => {
            let wire = e.to_wire();
            if json {
                print_json(&serde_json::json!({ "error": wire }));
            }
            // Internal errors show their full text here: the CLI user is the operator.
            let text = if e.kind() == patchdesk_core::ErrorKind::Internal {
                e.to_string()
            } else {
                wire.message
            };
            eprintln!("error: {text}");
            ExitCode::FAILURE
        }
    }
}
