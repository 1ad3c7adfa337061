//! The audit trail (SPEC C7): append-only, chained, written in the same transaction as
//! the change it records.
//!
//! Row `n` stores `prev_hash` (row `n - 1`'s hash, 64 zeros for the first) and
//! `hash = HMAC-SHA256(key, id | at | actor | action | entity | entity_id | detail | prev_hash)`
//! with the database's own key (see [`key`]), so rewriting rows needs the key, not only
//! the file. Rows written before the chain was keyed keep their plain SHA-256 over the
//! same parts; which rows those are is kept with the key. Ids are consecutive. Triggers
//! refuse UPDATE and DELETE. After every write transaction the head (`ID:HASH`) is also
//! written to `<database>.audit-head`, so a cut-off tail is found without a kept head.

use crate::{Error, Result};
use chrono::{DateTime, TimeZone, Utc};
use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{SqliteConnection, SqlitePool};
use std::io::Write;
use std::path::{Path, PathBuf};
use ts_rs::TS;

pub mod key;
mod records;
use key::ChainKey;
pub use key::{KeySource, KEY_DIR_ENV};

/// Who does something, and the clock that says when: what an audit row needs from a
/// caller that has no actor of its own (imports).
pub struct By<'a> {
    pub actor: &'a str,
    pub clock: &'a dyn crate::ports::Clock,
}

pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One row of the trail.
#[derive(Debug, Clone, Serialize, TS, sqlx::FromRow)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub entity: String,
    #[ts(type = "number | null")]
    pub entity_id: Option<i64>,
    /// JSON.
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The parts of a row, each preceded by its length, so no two different rows can run
/// together into the same bytes.
fn parts_bytes(parts: &[&str]) -> Vec<u8> {
    let mut b = Vec::new();
    for part in parts {
        b.extend_from_slice(&(part.len() as u64).to_be_bytes());
        b.extend_from_slice(part.as_bytes());
    }
    b
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl AuditEntry {
    /// The hash the row would have at position `id`: its id, time, actor, action, entity,
    /// entity id, detail and the previous row's hash; keyed unless `id` was written
    /// before the chain was (or the database has no key at all).
    fn hash_at(&self, id: i64, key: Option<&ChainKey>) -> String {
        let entity_id = self.entity_id.map(|e| e.to_string()).unwrap_or_default();
        let bytes = parts_bytes(&[
            &id.to_string(),
            &self.at.to_string(),
            &self.actor,
            &self.action,
            &self.entity,
            &entity_id,
            &self.detail,
            &self.prev_hash,
        ]);
        match key.filter(|k| id > k.legacy_rows) {
            Some(k) => {
                let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&k.key)
                    .expect("HMAC takes a key of any length");
                m.update(&bytes);
                hex(&m.finalize().into_bytes())
            }
            None => hex(&Sha256::digest(&bytes)),
        }
    }
}

/// Appends `row` (its id, previous hash and hash are filled in here).
async fn append(conn: &mut SqliteConnection, key: &ChainKey, mut row: AuditEntry) -> Result<i64> {
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    let (id, prev) = match last {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    row.id = id;
    row.prev_hash = prev;
    row.hash = row.hash_at(id, Some(key));
    sqlx::query(
        "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, detail, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(row.id)
    .bind(row.at)
    .bind(&row.actor)
    .bind(&row.action)
    .bind(&row.entity)
    .bind(row.entity_id)
    .bind(&row.detail)
    .bind(&row.prev_hash)
    .bind(&row.hash)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// The database's chain key, created now if it has none; a database that already had
/// rows gets an `audit.keyed` row first, saying from where on the chain is keyed.
async fn chain_key(conn: &mut SqliteConnection, at: i64) -> Result<std::sync::Arc<ChainKey>> {
    let (key, created) = key::ensure(conn).await?;
    if created && key.legacy_rows > 0 {
        let detail =
            serde_json::json!({ "unkeyedRows": key.legacy_rows, "key": key.source.label() });
        let row = AuditEntry::new(
            at,
            "PatchDesk",
            "audit.keyed",
            "audit",
            None,
            detail.to_string(),
        );
        append(conn, &key, row).await?;
    }
    Ok(key)
}

impl AuditEntry {
    fn new(
        at: i64,
        actor: &str,
        action: &str,
        entity: &str,
        entity_id: Option<i64>,
        detail: String,
    ) -> AuditEntry {
        AuditEntry {
            id: 0,
            at,
            actor: actor.to_string(),
            action: action.to_string(),
            entity: entity.to_string(),
            entity_id,
            detail,
            prev_hash: String::new(),
            hash: String::new(),
        }
    }
}

/// Appends a row inside the caller's (write) transaction. `detail` is serialized with
/// sorted keys (serde_json's map), so the stored text is canonical.
pub async fn record(
    conn: &mut SqliteConnection,
    at: DateTime<Utc>,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    detail: serde_json::Value,
) -> Result<i64> {
    let detail = serde_json::to_string(&detail)
        .map_err(|e| Error::Internal(format!("audit detail as JSON: {e}")))?;
    let key = chain_key(conn, at.timestamp()).await?;
    let row = AuditEntry::new(at.timestamp(), actor, action, entity, entity_id, detail);
    append(conn, &key, row).await
}

/// Gives a database its chain key when it is opened (an existing database: from here
/// on). A key that cannot be found does not stop the database from opening: verify
/// reports it, and writes that need the trail say so.
pub async fn prepare(pool: &SqlitePool) -> Result<()> {
    // A database that has its key already needs no write: opening must not queue for the
    // write lock behind an import.
    {
        let mut conn = pool.acquire().await?;
        // The key itself is read at the first append (the credential store costs a
        // connection), not on every open.
        if key::database_id(&mut conn).await?.is_some() {
            return Ok(());
        }
    }
    // Busy with another writer: the first append gives it its key instead.
    let mut tx = match crate::db::begin_write(pool).await {
        Ok(tx) => tx,
        Err(e) => {
            tracing::warn!(error = %e, "the audit chain key is created with the first change");
            return Ok(());
        }
    };
    match chain_key(&mut tx, Utc::now().timestamp()).await {
        Ok(_) => tx.commit().await,
        Err(e) => {
            tracing::warn!(error = %e, "the audit chain key is not available");
            Ok(())
        }
    }
}

/// The file beside the database that holds the trail's head.
pub fn head_file(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".audit-head");
    PathBuf::from(name)
}

/// The main database file of a connection; `None` for an in-memory database.
async fn db_file(conn: &mut SqliteConnection) -> Result<Option<PathBuf>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as("PRAGMA database_list")
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows
        .into_iter()
        .find(|r| r.1 == "main")
        .map(|r| r.2)
        .filter(|f| !f.is_empty())
        .map(PathBuf::from))
}

fn parse_head(text: &str) -> Option<(i64, String)> {
    let (id, hash) = text.trim().split_once(':')?;
    Some((id.parse().ok()?, hash.to_string()))
}

fn read_head_file(db: &Path) -> Option<(i64, String)> {
    parse_head(&std::fs::read_to_string(head_file(db)).ok()?)
}

/// The head last written to each head file by this process: a commit that appended
/// nothing does not touch the file.
static PUBLISHED: std::sync::Mutex<Vec<(PathBuf, i64)>> = std::sync::Mutex::new(Vec::new());

fn published(db: &Path) -> Option<i64> {
    let p = PUBLISHED.lock().ok()?;
    p.iter().find(|(f, _)| f == db).map(|(_, id)| *id)
}

/// A head to write to the head file once the transaction has committed.
pub struct HeadUpdate {
    db: PathBuf,
    id: i64,
    hash: String,
}

/// Inside a write transaction, before its commit: the head the file should then say.
/// The file only moves forward along the chain: when its head is no longer in the trail
/// (rows were cut off) it is left alone, as the evidence verify reports.
pub async fn head_to_publish(conn: &mut SqliteConnection) -> Option<HeadUpdate> {
    let db = db_file(conn).await.ok()??;
    let (id, hash): (i64, String) =
        sqlx::query_as("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await
            .ok()??;
    if published(&db) == Some(id) {
        return None;
    }
    if let Some((file_id, file_hash)) = read_head_file(&db) {
        if file_id >= id {
            return None;
        }
        let there: Option<String> = sqlx::query_scalar("SELECT hash FROM audit_log WHERE id = $1")
            .bind(file_id)
            .fetch_optional(&mut *conn)
            .await
            .ok()?;
        if there.as_deref() != Some(file_hash.as_str()) {
            tracing::warn!(file = %head_file(&db).display(), "the audit head file names a row that is not in the trail; it is kept as it is");
            return None;
        }
    }
    Some(HeadUpdate { db, id, hash })
}

impl HeadUpdate {
    /// Writes the file (through a temporary file and a rename). A failure is logged, not
    /// returned: the transaction has committed, and an older head only weakens the check.
    pub fn publish(self) {
        let file = head_file(&self.db);
        let mut tmp = file.clone().into_os_string();
        tmp.push(".tmp");
        let written = std::fs::write(&tmp, format!("{}:{}\n", self.id, self.hash))
            .and_then(|()| std::fs::rename(&tmp, &file));
        match written {
            Ok(()) => {
                if let Ok(mut p) = PUBLISHED.lock() {
                    p.retain(|(f, _)| f != &self.db);
                    p.push((self.db, self.id));
                }
            }
            Err(e) => {
                tracing::warn!(file = %file.display(), error = %e, "could not write the audit head file")
            }
        }
    }
}

/// Records an applied import (its file and counts) inside the import's transaction.
pub async fn record_import(
    conn: &mut SqliteConnection,
    by: &By<'_>,
    what: &str,
    report: &crate::import::ImportReport,
) -> Result<i64> {
    record(
        conn,
        by.clock.now(),
        by.actor,
        &format!("import.{what}"),
        "inventory",
        None,
        serde_json::json!({
            "file": report.file,
            "rowsRead": report.rows_read,
            "accepted": report.accepted,
            "inserted": report.inserted,
            "updated": report.updated,
            "rejected": report.rejected,
        }),
    )
    .await
}

/// What is wrong, for a program to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "AuditProblem")]
pub enum Problem {
    /// A row's content no longer matches its MAC (or what the trail recorded about it).
    Changed,
    /// Rows are missing: ids skip, or the trail ends before a head recorded elsewhere.
    Removed,
    /// A row that was never appended here: a forged or copied row, or rows out of order.
    Inserted,
    /// An `approvals` or `people` row that the trail has no record of.
    Unrecorded,
    /// The database names a key that is in neither the credential store nor a key file.
    KeyMissing,
}

/// The outcome of checking the chain.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Verification {
    pub ok: bool,
    #[ts(type = "number")]
    pub rows: i64,
    /// The first audit row that does not hold (or the first missing one).
    #[ts(type = "number | null")]
    pub first_bad: Option<i64>,
    pub reason: Option<String>,
    pub problem: Option<Problem>,
    /// Where the problem is: `audit_log`, `approvals` or `people`.
    pub table: Option<String>,
    /// The row of `table` (for `audit_log`, the same as `first_bad`).
    #[ts(type = "number | null")]
    pub table_row: Option<i64>,
    /// The last row's id and hash: keep them elsewhere to detect a cut-off tail later.
    #[ts(type = "number | null")]
    pub head_id: Option<i64>,
    pub head_hash: Option<String>,
    /// Where the key that protects the chain was found; `None` for a database that has
    /// no key (all its rows are plain SHA-256).
    pub key_source: Option<KeySource>,
    /// Rows written before the chain was keyed: they are protected only through the
    /// keyed rows that follow them.
    #[ts(type = "number")]
    pub unkeyed_rows: i64,
    /// Whether a head file beside the database was found and checked.
    pub head_file_checked: bool,
}

pub(crate) struct Finding {
    pub problem: Problem,
    pub table: &'static str,
    pub row: Option<i64>,
    pub reason: String,
}

impl Finding {
    fn audit(problem: Problem, row: i64, reason: String) -> Finding {
        Finding {
            problem,
            table: "audit_log",
            row: Some(row),
            reason,
        }
    }
}

impl Verification {
    fn fail(mut self, f: Finding) -> Verification {
        self.ok = false;
        if f.table == "audit_log" {
            self.first_bad = f.row;
        }
        self.problem = Some(f.problem);
        self.table = Some(f.table.to_string());
        self.table_row = f.row;
        self.reason = Some(f.reason);
        self
    }
}

/// The first row that does not hold, and what happened to it.
fn check_chain(rows: &[AuditEntry], key: Option<&ChainKey>) -> Option<Finding> {
    let mut prev = GENESIS;
    for (pos, r) in rows.iter().enumerate() {
        let e = pos as i64 + 1;
        if r.id < e {
            return Some(Finding::audit(
                Problem::Inserted,
                r.id,
                format!("row {} is out of order: the trail starts at row 1", r.id),
            ));
        }
        if r.id > e {
            let what = if r.id == e + 1 {
                format!("row {e} was removed")
            } else {
                format!("rows {e} to {} were removed", r.id - 1)
            };
            return Some(Finding::audit(
                Problem::Removed,
                e,
                format!("{what}: the ids skip from {} to {}", e - 1, r.id),
            ));
        }
        let own = r.hash_at(e, key) == r.hash;
        if own && r.prev_hash == prev {
            prev = &r.hash;
            continue;
        }
        if own {
            // A row with a valid MAC whose predecessor is not the row it was written
            // after: the predecessor, written before the chain was keyed, was rewritten.
            return Some(Finding::audit(
                Problem::Changed,
                e - 1,
                format!(
                    "row {} was rewritten (it, or an earlier row from before the chain was keyed): row {e} no longer follows it",
                    e - 1
                ),
            ));
        }
        // Which position is this row's MAC valid for? (Only for the first bad row.)
        let last = rows.last().map_or(0, |l| l.id).max(rows.len() as i64);
        let valid_as = (1..=last + 1000).find(|&j| j != e && r.hash_at(j, key) == r.hash);
        let finding = match valid_as {
            Some(j) if j > e => {
                if rows[pos + 1..].iter().any(|x| x.hash_at(e, key) == x.hash) {
                    Finding::audit(
                        Problem::Inserted,
                        e,
                        format!("rows are out of order: row {e} holds what was row {j}, and row {e}'s content comes later"),
                    )
                } else {
                    Finding::audit(
                        Problem::Removed,
                        e,
                        format!("row {e} holds what was row {j}: rows from {e} were removed and the later ones renumbered"),
                    )
                }
            }
            Some(j) => Finding::audit(
                Problem::Inserted,
                e,
                format!("row {e} was inserted: it is a copy of row {j}"),
            ),
            None => {
                // An extra row: the row after it still follows the row before it.
                let next_follows_prev = rows.get(pos + 1).is_some_and(|n| {
                    n.prev_hash == prev
                        && (n.hash_at(e, key) == n.hash || n.hash_at(n.id, key) == n.hash)
                });
                if next_follows_prev {
                    Finding::audit(
                        Problem::Inserted,
                        e,
                        format!("row {e} was inserted: its MAC is valid for no position and the next row follows row {}", e - 1),
                    )
                } else {
                    Finding::audit(
                        Problem::Changed,
                        e,
                        format!("row {e} was changed: its content does not match its MAC"),
                    )
                }
            }
        };
        return Some(finding);
    }
    None
}

/// Checks `rows` against a head recorded elsewhere (the head file, or one kept by the
/// user): that row must still be there, unchanged.
fn check_head(
    rows: &[AuditEntry],
    key: Option<&ChainKey>,
    want_id: Option<i64>,
    want_hash: &str,
    whose: &str,
) -> Option<Finding> {
    let count = rows.len() as i64;
    let Some(want_id) = want_id else {
        // A bare hash: it must be one of the rows.
        return (!rows.iter().any(|r| r.hash == want_hash)).then(|| {
            Finding::audit(
                Problem::Removed,
                count + 1,
                format!("{whose} is not in the trail: rows were removed (the trail now ends at row {count})"),
            )
        });
    };
    match rows.iter().find(|r| r.id == want_id) {
        None => Some(Finding::audit(
            Problem::Removed,
            count + 1,
            format!(
                "rows {} to {want_id} were removed: {whose} is row {want_id}, and the trail ends at row {count}",
                count + 1
            ),
        )),
        Some(r) if r.hash == want_hash => None,
        Some(r) if key.is_some_and(|k| r.id > k.legacy_rows) => Some(Finding::audit(
            Problem::Removed,
            want_id,
            format!("row {want_id} is not the row {whose} names: rows up to it were removed and others appended since"),
        )),
        Some(_) => Some(Finding::audit(
            Problem::Changed,
            want_id,
            format!("row {want_id} is not the row {whose} names: the trail was rewritten up to it"),
        )),
    }
}

/// Checks every row in order with the database's key, the head file beside the database,
/// with `head` ("ID:HASH" or just the hash, as exported earlier) also that this row is
/// still there, unchanged, and finally that the `approvals` and `people` rows are what
/// the trail recorded.
pub async fn verify(pool: &SqlitePool, head: Option<&str>) -> Result<Verification> {
    let mut conn = pool.acquire().await?;
    let rows: Vec<AuditEntry> = sqlx::query_as(
        "SELECT id, at, actor, action, entity, entity_id, detail, prev_hash, hash
         FROM audit_log ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let db_id = key::database_id(&mut conn).await?;
    let key = match &db_id {
        Some(id) => key::load(id)?,
        None => None,
    };
    let key = key.as_deref();
    let out = Verification {
        ok: true,
        rows: rows.len() as i64,
        first_bad: None,
        reason: None,
        problem: None,
        table: None,
        table_row: None,
        head_id: rows.last().map(|r| r.id),
        head_hash: rows.last().map(|r| r.hash.clone()),
        key_source: key.map(|k| k.source),
        unkeyed_rows: key.map_or(rows.len() as i64, |k| k.legacy_rows.min(rows.len() as i64)),
        head_file_checked: false,
    };
    if let (Some(id), None) = (&db_id, key) {
        return Ok(out.fail(Finding {
            problem: Problem::KeyMissing,
            table: "audit_log",
            row: None,
            reason: format!(
                "the key of this database's trail (id {id}) is neither in the credential store nor in {}: the rows cannot be checked",
                key::key_dir().display()
            ),
        }));
    }
    if let Some(f) = check_chain(&rows, key) {
        return Ok(out.fail(f));
    }
    let mut out = out;
    if let Some(db) = db_file(&mut conn).await? {
        if let Some((id, hash)) = read_head_file(&db) {
            out.head_file_checked = true;
            let whose = format!("the head file {}", head_file(&db).display());
            if let Some(f) = check_head(&rows, key, Some(id), &hash, &whose) {
                return Ok(out.fail(f));
            }
        }
    }
    if let Some(head) = head.map(str::trim).filter(|h| !h.is_empty()) {
        let (want_id, want_hash) = match head.split_once(':') {
            Some((i, h)) => (i.parse::<i64>().ok(), h),
            None => (None, head),
        };
        let whose = format!("the exported head {head}");
        if let Some(f) = check_head(&rows, key, want_id, want_hash, &whose) {
            return Ok(out.fail(f));
        }
    }
    if let Some(f) = records::check(&mut conn, &rows).await? {
        return Ok(out.fail(f));
    }
    Ok(out)
}

/// "ID:HASH" of the last row, to keep outside the database (and print on reports).
pub async fn head(pool: &SqlitePool) -> Result<Option<String>> {
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_optional(pool)
            .await?;
    Ok(last.map(|(id, hash)| format!("{id}:{hash}")))
}

/// Rows about one entity, oldest first (a release's timeline).
pub async fn for_entity(
    conn: &mut SqliteConnection,
    entity: &str,
    entity_id: i64,
) -> Result<Vec<AuditEntry>> {
    Ok(sqlx::query_as(
        "SELECT id, at, actor, action, entity, entity_id, detail, prev_hash, hash
         FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id",
    )
    .bind(entity)
    .bind(entity_id)
    .fetch_all(&mut *conn)
    .await?)
}

/// The newest `limit` rows that match `search` (actor, action, entity or detail), newest first.
pub async fn list(pool: &SqlitePool, search: &str, limit: i64) -> Result<Vec<AuditEntry>> {
    let like = format!("%{}%", search.trim());
    Ok(sqlx::query_as(
        "SELECT id, at, actor, action, entity, entity_id, detail, prev_hash, hash
         FROM audit_log
         WHERE ?1 = '%%' OR actor LIKE ?1 OR action LIKE ?1 OR entity LIKE ?1 OR detail LIKE ?1
         ORDER BY id DESC LIMIT ?2",
    )
    .bind(like)
    .bind(limit.clamp(1, 100_000))
    .fetch_all(pool)
    .await?)
}

/// A CSV cell that a spreadsheet will not run as a formula: a leading `=`, `+`, `-`,
/// `@`, tab or carriage return gets an apostrophe in front.
pub fn safe_cell(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// Writes the whole trail as CSV, oldest first; returns the rows written.
pub async fn export_csv(pool: &SqlitePool, path: &Path) -> Result<usize> {
    let rows: Vec<AuditEntry> = sqlx::query_as(
        "SELECT id, at, actor, action, entity, entity_id, detail, prev_hash, hash
         FROM audit_log ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    let io = |e| Error::io(format!("writing {}", path.display()), e);
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
    writeln!(
        f,
        "id,at_utc,actor,action,entity,entity_id,detail,prev_hash,hash"
    )
    .map_err(io)?;
    for r in &rows {
        let at = Utc
            .timestamp_opt(r.at, 0)
            .single()
            .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_default();
        let cells = [
            r.id.to_string(),
            at,
            safe_cell(&r.actor),
            safe_cell(&r.action),
            safe_cell(&r.entity),
            r.entity_id.map(|e| e.to_string()).unwrap_or_default(),
            safe_cell(&r.detail),
            r.prev_hash.clone(),
            r.hash.clone(),
        ];
        writeln!(f, "{}", cells.join(",")).map_err(io)?;
    }
    f.flush().map_err(io)?;
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    use super::safe_cell;

    #[test]
    fn formula_cells_are_defused() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(safe_cell("+1"), "'+1");
        assert_eq!(safe_cell("-2"), "'-2");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_cell("\tx"), "'\tx");
        assert_eq!(safe_cell("plain, with comma"), "\"plain, with comma\"");
        assert_eq!(safe_cell("Kim"), "Kim");
    }
}
