//! Reading the inventory: server-side paging, sorting and filtering.

use super::model::*;
use crate::{Error, Result};
use chrono::{DateTime, Duration, TimeZone, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};

const SELECT: &str =
    "SELECT c.id, c.name, c.domain, c.site_id, s.name AS site, s.time_zone, c.department, \
     c.role, c.os_name, c.os_version, c.owner_name, c.owner_email, c.last_seen, c.last_run, \
     c.free_disk_gb, c.agent_version, c.agent_state, c.client_policy \
     FROM computers c JOIN sites s ON s.id = c.site_id";

fn ts(v: Option<i64>) -> Option<DateTime<Utc>> {
    v.and_then(|s| Utc.timestamp_opt(s, 0).single())
}

fn computer(row: &SqliteRow) -> Computer {
    Computer {
        id: row.get(0),
        name: row.get(1),
        domain: row.get(2),
        site_id: row.get(3),
        site: row.get(4),
        site_time_zone: row.get(5),
        department: row.get(6),
        role: Role::from_db(row.get::<&str, _>(7)),
        os_name: row.get(8),
        os_version: row.get(9),
        owner_name: row.get(10),
        owner_email: row.get(11),
        last_seen: ts(row.get(12)),
        last_run: ts(row.get(13)),
        free_disk_gb: row.get(14),
        agent_version: row.get(15),
        agent_state: AgentState::from_db(row.get::<&str, _>(16)),
        client_policy: ClientPolicy::parse(row.get::<&str, _>(17))
            .unwrap_or(ClientPolicy::ConfigmgrAdvertised),
    }
}

/// `keep_off_indexes` writes the role, policy and agent-state tests with a unary `+`, so
/// that SQLite cannot answer them from an index and walks the sort column's index instead.
fn push_filters(
    qb: &mut QueryBuilder<'_, Sqlite>,
    q: &ComputerQuery,
    now: DateTime<Utc>,
    keep_off_indexes: bool,
) {
    let plus = if keep_off_indexes { "+" } else { "" };
    qb.push(" WHERE 1=1");
    if let Some(s) = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let cols = ["c.name", "c.owner_name", "c.owner_email", "c.department"];
        crate::import::push_contains_any(qb, &cols, s);
    }
    if let Some(id) = q.site_id {
        qb.push(" AND c.site_id = ").push_bind(id);
    }
    if let Some(id) = q.collection_id {
        qb.push(" AND c.id IN (SELECT computer_id FROM collection_members WHERE collection_id = ")
            .push_bind(id)
            .push(")");
    }
    if let Some(r) = q.role {
        qb.push(format!(" AND {plus}c.role = "))
            .push_bind(r.as_str());
    }
    if let Some(os) = q.os_name.as_deref().filter(|s| !s.is_empty()) {
        qb.push(" AND c.os_name = ").push_bind(os.to_string());
    }
    if let Some(p) = q.client_policy {
        qb.push(format!(" AND {plus}c.client_policy = "))
            .push_bind(p.as_str());
    }
    if let Some(a) = q.agent_state {
        qb.push(format!(" AND {plus}c.agent_state = "))
            .push_bind(a.as_str());
    }
    if let Some(d) = q.last_seen_within_days {
        let since = (now - Duration::days(d as i64)).timestamp();
        // Unary + keeps SQLite off the last_seen index: "seen recently" matches most
        // computers, and fetching them one by one through the index is ten times
        // slower than a scan. ("Older than", below, matches few and uses it.)
        qb.push(" AND +c.last_seen >= ").push_bind(since);
    }
    if let Some(d) = q.last_seen_older_than_days {
        let before = (now - Duration::days(d as i64)).timestamp();
        qb.push(" AND (c.last_seen IS NULL OR c.last_seen < ")
            .push_bind(before)
            .push(")");
    }
}

fn order_by(sort: ComputerSort) -> &'static str {
    match sort {
        ComputerSort::Name => "c.name",
        ComputerSort::Site => "s.name",
        ComputerSort::Department => "c.department",
        ComputerSort::Role => "c.role",
        ComputerSort::Os => "c.os_name",
        ComputerSort::OsVersion => "c.os_version_key",
        ComputerSort::Owner => "c.owner_name",
        ComputerSort::LastSeen => "c.last_seen",
        ComputerSort::LastRun => "c.last_run",
        ComputerSort::FreeDisk => "c.free_disk_gb",
        ComputerSort::AgentState => "c.agent_state",
        ComputerSort::ClientPolicy => "c.client_policy",
    }
}

/// Sorts that have an index of their own to walk in order.
fn has_own_index(sort: ComputerSort) -> bool {
    matches!(
        sort,
        ComputerSort::Name
            | ComputerSort::LastSeen
            | ComputerSort::LastRun
            | ComputerSort::OsVersion
            | ComputerSort::FreeDisk
    )
}

/// One page of computers matching `q`, with the total count. `now` anchors "last seen".
pub async fn list_computers(
    pool: &SqlitePool,
    q: &ComputerQuery,
    now: DateTime<Utc>,
) -> Result<ComputerPage> {
    for (what, d) in [
        ("lastSeenWithinDays", q.last_seen_within_days),
        ("lastSeenOlderThanDays", q.last_seen_older_than_days),
    ] {
        if d.is_some_and(|d| d > 36_500) {
            return Err(Error::invalid(format!(
                "{what} must be at most 36500 days (100 years)"
            )));
        }
    }
    let limit = if q.limit == 0 { 100 } else { q.limit };
    if limit > 1000 {
        return Err(Error::invalid(format!(
            "limit {limit} is too large: ask for at most 1000 rows per page"
        )));
    }
    let mut count: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT COUNT(*) FROM computers c");
    push_filters(&mut count, q, now, false);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;

    // The count tells how dense the matches are, which decides the page's plan. Walking
    // the sort column's index, skipping rows that do not match, reaches offset + limit
    // matches after about (offset + limit) × all / total rows; finding the matches over
    // the targeting index and sorting them costs about `total`. Without this SQLite
    // picks the second for "role = workstation" (it has no statistics), and a page of
    // workstations sorted by OS version took 150 ms instead of 18 ms.
    let keeps_off = q.role.is_some() || q.client_policy.is_some() || q.agent_state.is_some();
    let walk =
        if keeps_off && has_own_index(q.sort) && q.site_id.is_none() && q.collection_id.is_none() {
            let all: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM computers")
                .fetch_one(pool)
                .await?;
            let wanted = (q.offset as i64).saturating_add(limit as i64);
            (total as i128) * (total as i128) >= (wanted as i128) * (all as i128)
        } else {
            false
        };

    // Find the page's ids first, over the indexes only, then fetch those rows: OFFSET
    // then skips index entries instead of building and discarding whole joined rows.
    let dir = if q.descending { "DESC" } else { "ASC" };
    let col = order_by(q.sort);
    // NULL sorts first ascending (a computer never seen is the oldest), last descending;
    // the name breaks ties.
    let order = if q.sort == ComputerSort::Name {
        format!(" ORDER BY c.name {dir}")
    } else {
        format!(" ORDER BY {col} {dir}, c.name {dir}")
    };
    let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(SELECT);
    qb.push(" WHERE c.id IN (SELECT c.id FROM computers c");
    if q.sort == ComputerSort::Site {
        qb.push(" JOIN sites s ON s.id = c.site_id");
    }
    push_filters(&mut qb, q, now, walk);
    qb.push(&order)
        .push(" LIMIT ")
        .push_bind(limit as i64)
        .push(" OFFSET ")
        .push_bind(q.offset as i64)
        .push(")")
        .push(&order);
    let rows = qb.build().fetch_all(pool).await?;
    Ok(ComputerPage {
        total,
        offset: q.offset,
        rows: rows.iter().map(computer).collect(),
    })
}

fn local(t: Option<DateTime<Utc>>, tz: &str) -> Option<String> {
    let tz: chrono_tz::Tz = tz.parse().ok()?;
    t.map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z").to_string())
}

pub async fn get_computer(pool: &SqlitePool, id: i64) -> Result<ComputerDetail> {
    let row = sqlx::query(&format!("{SELECT} WHERE c.id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| Error::NotFound(format!("there is no computer with id {id}")))?;
    let computer = computer(&row);
    let prereq_json: String =
        sqlx::query_scalar("SELECT prerequisites FROM computers WHERE id = ?")
            .bind(id)
            .fetch_one(pool)
            .await?;
    let map: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&prereq_json).unwrap_or_default();
    Ok(ComputerDetail {
        last_seen_local: local(computer.last_seen, &computer.site_time_zone),
        last_run_local: local(computer.last_run, &computer.site_time_zone),
        computer,
        prerequisites: map
            .into_iter()
            .map(|(name, version)| Prerequisite { name, version })
            .collect(),
    })
}

pub async fn list_sites(pool: &SqlitePool) -> Result<Vec<Site>> {
    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT s.id, s.name, s.time_zone, (SELECT COUNT(*) FROM computers c WHERE c.site_id = s.id)
         FROM sites s ORDER BY s.name",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, time_zone, computer_count)| Site {
            id,
            name,
            time_zone,
            computer_count,
        })
        .collect())
}

/// The site called `name` (case-insensitive), or an error listing the sites there are.
pub async fn site_by_name(pool: &SqlitePool, name: &str) -> Result<Site> {
    let sites = list_sites(pool).await?;
    if let Some(s) = sites
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(name.trim()))
    {
        return Ok(s.clone());
    }
    let known: Vec<&str> = sites.iter().map(|s| s.name.as_str()).collect();
    Err(Error::NotFound(if known.is_empty() {
        format!("there is no site named '{name}': the inventory is empty")
    } else {
        format!(
            "there is no site named '{name}'; sites: {}",
            known.join(", ")
        )
    }))
}

async fn counts(pool: &SqlitePool, column: &str) -> Result<Vec<Count>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(&format!(
        "SELECT {column}, COUNT(*) FROM computers GROUP BY {column} ORDER BY 2 DESC, 1"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(value, count)| Count { value, count })
        .collect())
}

pub async fn facets(pool: &SqlitePool) -> Result<InventoryFacets> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM computers")
        .fetch_one(pool)
        .await?;
    Ok(InventoryFacets {
        total,
        sites: list_sites(pool).await?,
        os_names: counts(pool, "os_name").await?,
        departments: counts(pool, "department").await?,
        roles: counts(pool, "role").await?,
        client_policies: counts(pool, "client_policy").await?,
        agent_states: counts(pool, "agent_state").await?,
    })
}

/// The computers with these ids, in the order given (unknown ids are skipped).
pub async fn computers_by_id(pool: &SqlitePool, ids: &[i64]) -> Result<Vec<Computer>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(SELECT);
        qb.push(" WHERE c.id IN (");
        let mut sep = qb.separated(", ");
        for id in chunk {
            sep.push_bind(*id);
        }
        qb.push(")");
        let rows = qb.build().fetch_all(pool).await?;
        let mut by_id: std::collections::HashMap<i64, Computer> =
            rows.iter().map(computer).map(|c| (c.id, c)).collect();
        out.extend(chunk.iter().filter_map(|id| by_id.remove(id)));
    }
    Ok(out)
}
