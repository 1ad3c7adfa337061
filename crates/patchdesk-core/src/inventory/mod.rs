//! Inventory (SPEC C1): sites, computers, CSV import, paged browsing.

mod import;
mod model;
mod query;

pub use import::{import_computers, COMPUTER_COLUMNS};
pub use model::*;
pub use query::{computers_by_id, facets, get_computer, list_computers, list_sites, site_by_name};

use crate::Result;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

/// A computer ready to be written. Instants are unix seconds (UTC).
#[derive(Debug, Clone)]
pub struct ComputerRecord {
    pub name: String,
    pub domain: String,
    pub site_id: i64,
    pub department: String,
    pub role: Role,
    pub os_name: String,
    pub os_version: String,
    pub owner_name: String,
    pub owner_email: String,
    pub last_seen: Option<i64>,
    pub last_run: Option<i64>,
    pub free_disk_gb: Option<f64>,
    pub agent_version: String,
    pub agent_state: AgentState,
    pub client_policy: ClientPolicy,
    /// JSON object, prerequisite name -> version.
    pub prerequisites: String,
    /// JSON object, prerequisite name -> version key (see `validate::version_key`).
    pub prerequisite_keys: String,
}

/// The two JSON columns of a computer's prerequisites: versions and their sort keys.
pub fn prerequisite_columns<K: AsRef<str> + Ord>(
    map: &std::collections::BTreeMap<K, String>,
) -> (String, String) {
    let versions: serde_json::Map<String, serde_json::Value> = map
        .iter()
        .map(|(k, v)| (k.as_ref().to_string(), v.clone().into()))
        .collect();
    let keys: serde_json::Map<String, serde_json::Value> = map
        .iter()
        .map(|(k, v)| {
            (
                k.as_ref().to_string(),
                crate::validate::version_key(v).into(),
            )
        })
        .collect();
    (
        serde_json::Value::Object(versions).to_string(),
        serde_json::Value::Object(keys).to_string(),
    )
}

/// The columns an upsert writes, in order.
pub const WRITE_COLUMNS: [&str; 19] = [
    "name",
    "domain",
    "site_id",
    "department",
    "role",
    "os_name",
    "os_version",
    "os_version_key",
    "owner_name",
    "owner_email",
    "last_seen",
    "last_run",
    "free_disk_gb",
    "agent_version",
    "agent_version_key",
    "agent_state",
    "client_policy",
    "prerequisites",
    "prerequisite_keys",
];

/// Rows per INSERT statement: 19 columns x 480 rows stays under SQLite's 32,766 variables.
pub const BATCH_ROWS: usize = 480;

/// Insert `rows`, or update the computers of the same name. Only `update_columns` change
/// on an existing computer, so a file without, say, owner columns keeps the owners.
/// Takes the rows by value: their strings move into the statement without copies.
pub async fn upsert_computers(
    conn: &mut SqliteConnection,
    rows: &mut Vec<ComputerRecord>,
    update_columns: &[&str],
) -> Result<()> {
    while !rows.is_empty() {
        let n = rows.len().min(BATCH_ROWS);
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "INSERT INTO computers ({}) ",
            WRITE_COLUMNS.join(", ")
        ));
        qb.push_values(rows.drain(..n), |mut b, r| {
            let key = crate::validate::version_key(&r.os_version);
            let agent_key = crate::validate::version_key(&r.agent_version);
            b.push_bind(r.name)
                .push_bind(r.domain)
                .push_bind(r.site_id)
                .push_bind(r.department)
                .push_bind(r.role.as_str())
                .push_bind(r.os_name)
                .push_bind(r.os_version)
                .push_bind(key)
                .push_bind(r.owner_name)
                .push_bind(r.owner_email)
                .push_bind(r.last_seen)
                .push_bind(r.last_run)
                .push_bind(r.free_disk_gb)
                .push_bind(r.agent_version)
                .push_bind(agent_key)
                .push_bind(r.agent_state.as_str())
                .push_bind(r.client_policy.as_str())
                .push_bind(r.prerequisites)
                // Binary JSON: queries read a key without parsing the text each time.
                .push("jsonb(")
                .push_bind_unseparated(r.prerequisite_keys)
                .push_unseparated(")");
        });
        if update_columns.is_empty() {
            qb.push(" ON CONFLICT(name) DO NOTHING");
        } else {
            qb.push(" ON CONFLICT(name) DO UPDATE SET ");
            let sets: Vec<String> = update_columns
                .iter()
                .map(|c| match *c {
                    // A file's prerequisite columns add to or replace those versions only;
                    // prerequisites it does not mention (or leaves blank) are kept.
                    "prerequisites" => {
                        "prerequisites = json_patch(prerequisites, excluded.prerequisites)"
                            .to_string()
                    }
                    "prerequisite_keys" => {
                        "prerequisite_keys = jsonb_patch(prerequisite_keys, excluded.prerequisite_keys)"
                            .to_string()
                    }
                    c => format!("{c} = excluded.{c}"),
                })
                .collect();
            qb.push(sets.join(", "));
        }
        qb.build().persistent(true).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Above this many bytes of CSV, an import drops the secondary indexes of `computers`
/// and builds them again at the end: building an index once is several times cheaper
/// than updating it row by row. It all happens inside the import's transaction.
pub const BULK_BYTES: u64 = 4 << 20;

/// Drop the secondary indexes of `table`, returning the SQL that recreates them.
pub async fn suspend_indexes(conn: &mut SqliteConnection, table: &str) -> Result<Vec<String>> {
    let idx: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await?;
    for (name, _) in &idx {
        sqlx::query(&format!("DROP INDEX \"{name}\""))
            .execute(&mut *conn)
            .await?;
    }
    Ok(idx.into_iter().map(|(_, sql)| sql).collect())
}

pub async fn restore_indexes(conn: &mut SqliteConnection, sqls: &[String]) -> Result<()> {
    for sql in sqls {
        sqlx::query(sql).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Create a site, or return the existing one's id.
pub async fn ensure_site(conn: &mut SqliteConnection, name: &str, time_zone: &str) -> Result<i64> {
    let id: (i64,) = sqlx::query_as(
        "INSERT INTO sites (name, time_zone) VALUES (?, ?)
         ON CONFLICT(name) DO UPDATE SET name = name RETURNING id",
    )
    .bind(name)
    .bind(time_zone)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id.0)
}
