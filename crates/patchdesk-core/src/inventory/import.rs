//! CSV import of computers: strict parsing, per-row report, one transaction.

use super::{upsert_computers, AgentState, ClientPolicy, ComputerRecord, Role};
use crate::csvread::{CsvReader, Record};
use crate::import::{
    check_shape, file_error, open_csv, ColumnSpec, HeaderMap, ImportOptions, ImportReport,
};
use crate::ports::Progress;
use crate::{db, validate, Error, Result};
use sqlx::SqlitePool;
use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::time::Instant;

const NAME: usize = 0;
const DOMAIN: usize = 1;
const SITE: usize = 2;
const TIME_ZONE: usize = 3;
const DEPARTMENT: usize = 4;
const ROLE: usize = 5;
const OS_NAME: usize = 6;
const OS_VERSION: usize = 7;
const OWNER_NAME: usize = 8;
const OWNER_EMAIL: usize = 9;
const LAST_SEEN: usize = 10;
const LAST_RUN: usize = 11;
const FREE_DISK: usize = 12;
const AGENT_VERSION: usize = 13;
const AGENT_STATE: usize = 14;
const CLIENT_POLICY: usize = 15;

/// The columns a computer CSV may hold, with the header spellings accepted for each
/// (compared case-insensitively, ignoring spaces and punctuation). Columns named
/// `prereq:NAME` carry prerequisite versions (e.g. `prereq:MSXML`).
pub const COMPUTER_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        key: "name",
        aliases: &[
            "name",
            "computername",
            "computer",
            "hostname",
            "host",
            "devicename",
            "machinename",
            "netbiosname",
        ],
        required: true,
    },
    ColumnSpec {
        key: "domain",
        aliases: &["domain", "domainname", "addomain"],
        required: false,
    },
    ColumnSpec {
        key: "site",
        aliases: &["site", "sitename", "location", "office"],
        required: true,
    },
    ColumnSpec {
        key: "time_zone",
        aliases: &["timezone", "tz", "sitetimezone", "ianatimezone"],
        required: false,
    },
    ColumnSpec {
        key: "department",
        aliases: &["department", "dept", "businessunit"],
        required: false,
    },
    ColumnSpec {
        key: "role",
        aliases: &["role", "computerrole", "computertype", "devicetype", "type"],
        required: false,
    },
    ColumnSpec {
        key: "os_name",
        aliases: &["osname", "os", "operatingsystem", "oscaption"],
        required: false,
    },
    ColumnSpec {
        key: "os_version",
        aliases: &["osversion", "operatingsystemversion", "osbuild"],
        required: false,
    },
    ColumnSpec {
        key: "owner_name",
        aliases: &[
            "ownername",
            "owner",
            "primaryuser",
            "username",
            "assignedto",
        ],
        required: false,
    },
    ColumnSpec {
        key: "owner_email",
        aliases: &[
            "owneremail",
            "email",
            "mail",
            "useremail",
            "primaryuseremail",
        ],
        required: false,
    },
    ColumnSpec {
        key: "last_seen",
        aliases: &[
            "lastseen",
            "lastcontact",
            "lastheartbeat",
            "lastonline",
            "lastlogon",
        ],
        required: false,
    },
    ColumnSpec {
        key: "last_run",
        aliases: &[
            "lastrun",
            "lastinstallrun",
            "lastinstallprogramrun",
            "lastdeploymentrun",
            "lastevaluation",
        ],
        required: false,
    },
    ColumnSpec {
        key: "free_disk_gb",
        aliases: &[
            "freediskgb",
            "freedisk",
            "freespacegb",
            "diskfreegb",
            "freediskspace",
            "freediskspacegb",
        ],
        required: false,
    },
    ColumnSpec {
        key: "agent_version",
        aliases: &[
            "agentversion",
            "clientversion",
            "wsusclientversion",
            "sccmclientversion",
        ],
        required: false,
    },
    ColumnSpec {
        key: "agent_state",
        aliases: &[
            "agentstate",
            "agentstatus",
            "clientstate",
            "clientstatus",
            "agentservice",
        ],
        required: false,
    },
    ColumnSpec {
        key: "client_policy",
        aliases: &[
            "clientpolicy",
            "updateclientpolicy",
            "aupolicy",
            "updatepolicy",
            "wsuspolicy",
            "policy",
        ],
        required: false,
    },
];

/// Which DB columns an existing computer gets from the file (only those the file has).
fn update_columns(map: &HeaderMap) -> Vec<&'static str> {
    let mut cols = vec!["site_id"];
    let pairs: [(usize, &[&'static str]); 13] = [
        (DOMAIN, &["domain"]),
        (DEPARTMENT, &["department"]),
        (ROLE, &["role"]),
        (OS_NAME, &["os_name"]),
        (OS_VERSION, &["os_version", "os_version_key"]),
        (OWNER_NAME, &["owner_name"]),
        (OWNER_EMAIL, &["owner_email"]),
        (LAST_SEEN, &["last_seen"]),
        (LAST_RUN, &["last_run"]),
        (FREE_DISK, &["free_disk_gb"]),
        (AGENT_VERSION, &["agent_version", "agent_version_key"]),
        (AGENT_STATE, &["agent_state"]),
        (CLIENT_POLICY, &["client_policy"]),
    ];
    for (k, c) in pairs {
        if map.has(k) {
            cols.extend_from_slice(c);
        }
    }
    if !map.prerequisites.is_empty() {
        cols.extend_from_slice(&["prerequisites", "prerequisite_keys"]);
    }
    cols
}

struct SiteInfo {
    /// The site's id; negative for a site this file introduces, until the writer creates it.
    id: i64,
    time_zone: String,
    /// Where the zone was first given: a line number, or 0 for "already in the database".
    from_line: u64,
}

/// What the parser hands the writer: accepted rows, the sites they introduce, and how far
/// into the file it has read.
struct Batch {
    rows: Vec<ComputerRecord>,
    /// (provisional negative id, name, time zone), each before the first row using it.
    new_sites: Vec<(i64, String, String)>,
    bytes_read: u64,
}

/// The parser also sends a batch after this many rows read, accepted or not, so that
/// progress and cancellation reach a file of rejected rows too.
const TICK_ROWS: u64 = 4096;

/// Import computers from a CSV file. Rows are upserted by computer name.
///
/// File-level problems (unterminated quote, not UTF-8, empty file, header only, missing
/// required column) return an error and change nothing. Row problems reject just that
/// row and are listed in the report; `options.all_or_nothing` refuses the whole file
/// instead. Accepted rows are written in one `BEGIN IMMEDIATE` transaction.
pub async fn import_computers(
    pool: &SqlitePool,
    path: &Path,
    options: ImportOptions,
    progress: &dyn Progress,
    by: &crate::audit::By<'_>,
) -> Result<ImportReport> {
    let started = Instant::now();
    let (reader, size, header) = open_csv(path)?;
    let map = HeaderMap::build(&header, COMPUTER_COLUMNS, true)?;
    let mut report = ImportReport::new(path, options);
    report.ignored_columns = map.ignored.clone();
    let update_cols = update_columns(&map);
    progress.stage("Importing computers", Some(size));

    let mut tx = db::begin_write(pool).await?;
    let mut sites: HashMap<String, SiteInfo> = HashMap::new();
    for (id, name, tz) in
        sqlx::query_as::<_, (i64, String, String)>("SELECT id, name, time_zone FROM sites")
            .fetch_all(&mut *tx)
            .await?
    {
        sites.insert(
            name.to_lowercase(),
            SiteInfo {
                id,
                time_zone: tz,
                from_line: 0,
            },
        );
    }
    // Existing computers and their roles: a blank role cell keeps the role they have.
    let existing: HashMap<String, Role> =
        sqlx::query_as::<_, (String, String)>("SELECT name, role FROM computers")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|(n, r)| (n, Role::from_db(&r)))
            .collect();
    let suspended = if size > super::BULK_BYTES {
        super::suspend_indexes(&mut tx, "computers").await?
    } else {
        Vec::new()
    };

    // Parsing and validation run on a thread of their own while this task has SQLite
    // write the previous batch: on two cores the two overlap instead of taking turns.
    let (send, mut recv) = tokio::sync::mpsc::channel::<Batch>(2);
    let parser = Parser {
        map,
        sites,
        existing,
        seen: HashMap::new(),
        next_new_site: -1,
        report,
        path: path.to_path_buf(),
        send,
    };
    let parsing = tokio::task::spawn_blocking(move || parser.run(reader));
    let written: Result<()> = async {
        let mut created: HashMap<i64, i64> = HashMap::new();
        while let Some(mut batch) = recv.recv().await {
            for (provisional, name, tz) in batch.new_sites.drain(..) {
                created.insert(provisional, super::ensure_site(&mut tx, &name, &tz).await?);
            }
            for r in batch.rows.iter_mut().filter(|r| r.site_id < 0) {
                r.site_id = created[&r.site_id];
            }
            upsert_computers(&mut tx, &mut batch.rows, &update_cols).await?;
            progress.advance(batch.bytes_read);
            if progress.is_cancelled() {
                return Err(Error::Cancelled);
            }
        }
        Ok(())
    }
    .await;
    // A parser still running stops at its next send; the transaction rolls back on drop.
    drop(recv);
    let parsed = parsing
        .await
        .map_err(|e| Error::Internal(format!("the CSV parser stopped: {e}")))?;
    written?;
    let report = parsed?;
    super::restore_indexes(&mut tx, &suspended).await?;
    progress.advance(size);
    crate::import::finish(tx, report, options, progress, by, "computers", started).await
}

/// Reads, validates and checks every row against the file so far and the database as it
/// was when the import began; sends accepted rows in batches.
struct Parser {
    map: HeaderMap,
    sites: HashMap<String, SiteInfo>,
    existing: HashMap<String, Role>,
    /// Names accepted so far, with their line.
    seen: HashMap<String, u64>,
    next_new_site: i64,
    report: ImportReport,
    path: std::path::PathBuf,
    send: tokio::sync::mpsc::Sender<Batch>,
}

impl Parser {
    fn run(mut self, mut reader: CsvReader<BufReader<File>>) -> Result<ImportReport> {
        let mut batch = self.empty_batch();
        let mut since_sent = 0;
        while let Some(rec) = reader.next_record().map_err(file_error)? {
            self.report.rows_read += 1;
            since_sent += 1;
            self.row(rec, &mut batch);
            if batch.rows.len() >= super::BATCH_ROWS || since_sent >= TICK_ROWS {
                batch.bytes_read = reader.bytes_read();
                self.send(std::mem::replace(&mut batch, self.empty_batch()))?;
                since_sent = 0;
            }
        }
        if self.report.rows_read == 0 {
            return Err(Error::invalid(format!(
                "{} has a header but no data rows; nothing was imported",
                self.path.display()
            )));
        }
        batch.bytes_read = reader.bytes_read();
        self.send(batch)?;
        Ok(self.report)
    }

    fn empty_batch(&self) -> Batch {
        Batch {
            rows: Vec::with_capacity(super::BATCH_ROWS),
            new_sites: Vec::new(),
            bytes_read: 0,
        }
    }

    /// The writer has gone (an error, or the user cancelled): stop reading.
    fn send(&self, batch: Batch) -> Result<()> {
        self.send.blocking_send(batch).map_err(|_| Error::Cancelled)
    }

    /// Accept `rec` into `batch`, or reject it in the report.
    fn row(&mut self, rec: Record, batch: &mut Batch) {
        let (map, report) = (&self.map, &mut self.report);
        if !check_shape(report, map, &rec) {
            return;
        }
        let mut rec = rec;
        let row = match parse_row(map, &mut rec) {
            Ok(r) => r,
            Err((k, reason)) => {
                report.reject(rec.line, k.and_then(|k| map.column_name(k)), reason);
                return;
            }
        };
        if let Some(first) = self.seen.get(&row.name) {
            report.reject(
                rec.line,
                map.column_name(NAME),
                format!(
                    "computer {} is also on line {first}; each computer may appear once",
                    row.name
                ),
            );
            return;
        }
        // Resolve the site: existing, new with a zone, or a clash of zones.
        let site_key = row.site.to_lowercase();
        let site_id = match self.sites.get(&site_key) {
            Some(info) => {
                if let Some(tz) = &row.time_zone {
                    if tz != &info.time_zone {
                        let whence = if info.from_line == 0 {
                            "in PatchDesk".to_string()
                        } else {
                            format!("on line {}", info.from_line)
                        };
                        report.reject(
                            rec.line,
                            map.column_name(TIME_ZONE),
                            format!(
                                "site {} has time zone {} {whence}, this row says {tz}",
                                row.site, info.time_zone
                            ),
                        );
                        return;
                    }
                }
                info.id
            }
            None => {
                let Some(tz) = &row.time_zone else {
                    report.reject(
                        rec.line,
                        map.column_name(SITE),
                        format!(
                            "site {} is new: give its IANA time zone in a time_zone column",
                            row.site
                        ),
                    );
                    return;
                };
                let id = self.next_new_site;
                self.next_new_site -= 1;
                batch.new_sites.push((id, row.site.clone(), tz.clone()));
                self.sites.insert(
                    site_key,
                    SiteInfo {
                        id,
                        time_zone: tz.clone(),
                        from_line: rec.line,
                    },
                );
                id
            }
        };
        self.seen.insert(row.name.clone(), rec.line);
        report.accepted += 1;
        let old_role = self.existing.get(&row.name).copied();
        let role = row.role.or(old_role).unwrap_or(row.inferred_role);
        if old_role.is_some() {
            report.updated += 1;
        } else {
            report.inserted += 1;
        }
        batch.rows.push(row.into_record(site_id, role));
    }
}

struct ParsedRow {
    name: String,
    domain: String,
    site: String,
    time_zone: Option<String>,
    department: String,
    /// As the file says; `None` when the cell is blank or there is no role column.
    role: Option<Role>,
    /// From the OS name, for a new computer whose role the file does not give.
    inferred_role: Role,
    os_name: String,
    os_version: String,
    owner_name: String,
    owner_email: String,
    last_seen: Option<i64>,
    last_run: Option<i64>,
    free_disk_gb: Option<f64>,
    agent_version: String,
    agent_state: AgentState,
    client_policy: ClientPolicy,
    prerequisites: String,
    prerequisite_keys: String,
}

impl ParsedRow {
    fn into_record(self, site_id: i64, role: Role) -> ComputerRecord {
        ComputerRecord {
            name: self.name,
            domain: self.domain,
            site_id,
            department: self.department,
            role,
            os_name: self.os_name,
            os_version: self.os_version,
            owner_name: self.owner_name,
            owner_email: self.owner_email,
            last_seen: self.last_seen,
            last_run: self.last_run,
            free_disk_gb: self.free_disk_gb,
            agent_version: self.agent_version,
            agent_state: self.agent_state,
            client_policy: self.client_policy,
            prerequisites: self.prerequisites,
            prerequisite_keys: self.prerequisite_keys,
        }
    }
}

type RowError = (Option<usize>, String);

fn field<T>(k: usize, r: Result<T, String>) -> Result<T, RowError> {
    r.map_err(|e| (Some(k), e))
}

/// Move column `k`'s text out of the record, validated, without copying it.
fn take_text(map: &HeaderMap, rec: &mut Record, k: usize, max: usize) -> Result<String, RowError> {
    match map.index(k) {
        Some(i) => field(
            k,
            validate::text_owned(std::mem::take(&mut rec.fields[i]), max),
        ),
        None => Ok(String::new()),
    }
}

/// Move column `k`'s dotted version out of the record, validated.
fn take_version(map: &HeaderMap, rec: &mut Record, k: usize) -> Result<String, RowError> {
    let v = take_text(map, rec, k, 64)?;
    field(k, validate::version(&v))?;
    Ok(v)
}

fn parse_row(map: &HeaderMap, rec: &mut Record) -> Result<ParsedRow, RowError> {
    let site = take_text(map, rec, SITE, 100)?;
    let os_name = take_text(map, rec, OS_NAME, 200)?;
    let domain = take_text(map, rec, DOMAIN, 253)?;
    let department = take_text(map, rec, DEPARTMENT, 100)?;
    let owner_name = take_text(map, rec, OWNER_NAME, 200)?;
    let os_version = take_version(map, rec, OS_VERSION)?;
    let agent_version = take_version(map, rec, AGENT_VERSION)?;
    let rec = &*rec;
    let get = |k| map.get(rec, k);
    let name = field(NAME, validate::host_name(get(NAME)))?;
    if site.is_empty() {
        return Err((
            Some(SITE),
            "is empty; every computer belongs to a site".into(),
        ));
    }
    let time_zone = match get(TIME_ZONE).trim() {
        "" => None,
        tz => Some(
            field(TIME_ZONE, validate::time_zone(tz))?
                .name()
                .to_string(),
        ),
    };
    let role = field(ROLE, Role::parse(get(ROLE)))?;
    let inferred_role = if os_name.to_lowercase().contains("server") {
        Role::Server
    } else {
        Role::Workstation
    };
    let owner_email = match get(OWNER_EMAIL).trim() {
        "" => String::new(),
        e => field(OWNER_EMAIL, validate::email(e))?,
    };
    let free_disk_gb = match get(FREE_DISK).trim() {
        "" => None,
        v => match v.parse::<f64>() {
            Ok(n) if n.is_finite() && (0.0..=1_000_000.0).contains(&n) => Some(n),
            _ => {
                return Err((
                    Some(FREE_DISK),
                    format!("'{v}' is not a number of gigabytes (0 or more)"),
                ))
            }
        },
    };
    let client_policy = match get(CLIENT_POLICY).trim() {
        "" if map.has(CLIENT_POLICY) => {
            return Err((
                Some(CLIENT_POLICY),
                "is empty; every computer needs its update-client policy".into(),
            ))
        }
        // Without the column, computers are assumed to be managed by Configuration Manager.
        "" => ClientPolicy::ConfigmgrAdvertised,
        v => field(CLIENT_POLICY, ClientPolicy::parse(v))?,
    };
    let mut prereqs = BTreeMap::new();
    for (i, pname) in &map.prerequisites {
        let v = rec.fields[*i].trim();
        if !v.is_empty() {
            let v = validate::version(v)
                .map_err(|e| (None, format!("column {}: {e}", map.headers[*i])))?;
            prereqs.insert(pname.clone(), v);
        }
    }
    let (prerequisites, prerequisite_keys) = super::prerequisite_columns(&prereqs);
    Ok(ParsedRow {
        name,
        domain,
        site,
        time_zone,
        department,
        role,
        inferred_role,
        os_name,
        os_version,
        owner_name,
        owner_email,
        last_seen: field(LAST_SEEN, validate::instant(get(LAST_SEEN)))?.map(|t| t.timestamp()),
        last_run: field(LAST_RUN, validate::instant(get(LAST_RUN)))?.map(|t| t.timestamp()),
        free_disk_gb,
        agent_version,
        agent_state: field(AGENT_STATE, AgentState::parse(get(AGENT_STATE)))?,
        client_policy,
        prerequisites,
        prerequisite_keys,
    })
}
