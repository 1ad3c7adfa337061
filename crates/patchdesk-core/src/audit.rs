//! The audit trail (SPEC C7): append-only, hash-chained, written in the same transaction
//! as the change it records.
//!
//! Row `n` stores `prev_hash` (row `n - 1`'s hash, 64 zeros for the first) and
//! `hash = SHA-256(id | at | actor | action | entity | entity_id | detail | prev_hash)`.
//! Ids are consecutive. Triggers refuse UPDATE and DELETE; someone who edits the file
//! directly breaks the chain at the first row they touch, and cutting off the tail is
//! found against an exported head hash.

use crate::{Error, Result};
use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{SqliteConnection, SqlitePool};
use std::io::Write;
use std::path::Path;
use ts_rs::TS;

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

/// SHA-256 over the parts, each preceded by its length, so no two different rows can run
/// together into the same bytes.
fn digest(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for part in parts {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl AuditEntry {
    /// The hash of the row: its id, time, actor, action, entity, entity id, detail and
    /// the previous row's hash.
    fn expected_hash(&self) -> String {
        let entity_id = self.entity_id.map(|e| e.to_string()).unwrap_or_default();
        digest(&[
            &self.id.to_string(),
            &self.at.to_string(),
            &self.actor,
            &self.action,
            &self.entity,
            &entity_id,
            &self.detail,
            &self.prev_hash,
        ])
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
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    let (id, prev) = match last {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let detail = serde_json::to_string(&detail)
        .map_err(|e| Error::Internal(format!("audit detail as JSON: {e}")))?;
    let mut row = AuditEntry {
        id,
        at: at.timestamp(),
        actor: actor.to_string(),
        action: action.to_string(),
        entity: entity.to_string(),
        entity_id,
        detail,
        prev_hash: prev,
        hash: String::new(),
    };
    row.hash = row.expected_hash();
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

/// The outcome of checking the chain.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Verification {
    pub ok: bool,
    #[ts(type = "number")]
    pub rows: i64,
    /// The first row that does not hold (or where rows are missing).
    #[ts(type = "number | null")]
    pub first_bad: Option<i64>,
    pub reason: Option<String>,
    /// The last row's id and hash: keep them elsewhere to detect a cut-off tail later.
    #[ts(type = "number | null")]
    pub head_id: Option<i64>,
    pub head_hash: Option<String>,
}

/// Checks every row in order; with `head` ("ID:HASH" or just the hash, as exported
/// earlier) also that this row is still there, unchanged.
pub async fn verify(pool: &SqlitePool, head: Option<&str>) -> Result<Verification> {
    let rows: Vec<AuditEntry> = sqlx::query_as(
        "SELECT id, at, actor, action, entity, entity_id, detail, prev_hash, hash
         FROM audit_log ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    let mut out = Verification {
        ok: true,
        rows: rows.len() as i64,
        first_bad: None,
        reason: None,
        head_id: rows.last().map(|r| r.id),
        head_hash: rows.last().map(|r| r.hash.clone()),
    };
    let mut prev = GENESIS.to_string();
    for (expected_id, r) in (1..).zip(rows.iter()) {
        let problem = if r.id != expected_id {
            Some(format!(
                "row {expected_id} is missing (the next row is {})",
                r.id
            ))
        } else if r.prev_hash != prev {
            Some(format!(
                "row {} does not follow row {}: its previous hash differs",
                r.id,
                r.id - 1
            ))
        } else if r.hash != r.expected_hash() {
            Some(format!(
                "row {} was changed: its content does not match its hash",
                r.id
            ))
        } else {
            None
        };
        if let Some(p) = problem {
            out.ok = false;
            out.first_bad = Some(expected_id.min(r.id));
            out.reason = Some(p);
            return Ok(out);
        }
        prev = r.hash.clone();
    }
    if let Some(head) = head.map(str::trim).filter(|h| !h.is_empty()) {
        let (want_id, want_hash) = match head.split_once(':') {
            Some((i, h)) => (i.parse::<i64>().ok(), h),
            None => (None, head),
        };
        let found = rows
            .iter()
            .find(|r| r.hash == want_hash && want_id.is_none_or(|i| i == r.id));
        if found.is_none() {
            out.ok = false;
            out.first_bad = Some(want_id.unwrap_or(out.rows + 1).min(out.rows + 1));
            out.reason = Some(format!(
                "the exported head {head} is not in the trail: rows were cut off after row {}",
                out.rows
            ));
        }
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
