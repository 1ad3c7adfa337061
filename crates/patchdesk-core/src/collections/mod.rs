//! Targeting collections (SPEC C3): rules, cycle checks, evaluation to stored membership
//! with who entered and who left.
//!
//! Membership = limit ∩ (query ∪ direct ∪ include) − exclude. Include, exclude and limit
//! use the referenced collection's membership as of its last evaluation (as
//! Configuration Manager does); `evaluate_all` runs every collection in dependency order.

mod model;
pub mod query;
pub mod reference;

pub use model::*;

use crate::db::begin_write;
use crate::inventory::ClientPolicy;
use crate::ports::{Clock, Progress};
use crate::{Error, Result};
use chrono::{DateTime, TimeZone, Utc};
use query::sql::{compile_into, Param, SqlCondition};
use query::Expr;
use sqlx::{SqliteConnection, SqlitePool};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

/// An include/exclude chain deeper than this gets a warning: each level is evaluated
/// separately and a change takes that many evaluations to reach the top.
pub const WARN_DEPTH: usize = 3;
/// More continuous collections than this get a warning (Configuration Manager's advice).
pub const WARN_CONTINUOUS: i64 = 200;
const MAX_NAME: usize = 200;
/// How long `evaluate_all` works before it commits.
const BATCH_TIME: std::time::Duration = std::time::Duration::from_millis(250);
const MAX_DIRECT: usize = 10_000;

/// The rules of one collection, resolved to ids.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    pub query: Option<Expr>,
    pub direct: Vec<i64>,
    pub includes: Vec<i64>,
    pub excludes: Vec<i64>,
    pub limit: Option<i64>,
}

/// Evaluation times are stored in whole seconds; results say the same.
fn whole_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    Utc.timestamp_opt(t.timestamp(), 0).single().unwrap_or(t)
}

fn ts(v: Option<i64>) -> Option<DateTime<Utc>> {
    v.and_then(|s| Utc.timestamp_opt(s, 0).single())
}

// ---------------------------------------------------------------------------------
// Built-in collections

struct Builtin {
    key: String,
    name: String,
    description: String,
    query: String,
}

async fn builtins(conn: &mut SqliteConnection) -> Result<Vec<Builtin>> {
    let mut out = vec![
        Builtin {
            key: "all".into(),
            name: "All computers".into(),
            description: "Every computer in the inventory.".into(),
            query: "all".into(),
        },
        Builtin {
            key: "workstations".into(),
            name: "All workstations".into(),
            description: "Every workstation.".into(),
            query: "role = workstation".into(),
        },
        Builtin {
            key: "servers".into(),
            name: "All servers".into(),
            description: "Every server.".into(),
            query: "role = server".into(),
        },
    ];
    let sites: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM sites ORDER BY name")
        .fetch_all(&mut *conn)
        .await?;
    for (id, name) in sites {
        out.push(Builtin {
            key: format!("site:{id}"),
            name: format!("Site: {name}"),
            description: format!("Every computer at the {name} site."),
            query: format!("site = {}", query::quote(&name)),
        });
    }
    for p in ClientPolicy::ALL {
        out.push(Builtin {
            key: format!("policy:{}", p.as_str()),
            name: format!("Policy: {}", p.label()),
            description: format!(
                "Every computer whose update client is set to “{}”.",
                p.label()
            ),
            query: format!("policy = {}", p.as_str()),
        });
    }
    Ok(out)
}

/// Creates the built-in collections that do not exist yet (one per site appears with
/// the site). A user collection that already has a built-in's name keeps it; the
/// built-in then gets the name with " (built-in)".
pub async fn ensure_builtins(pool: &SqlitePool, clock: &dyn Clock) -> Result<()> {
    let mut conn = pool.acquire().await?;
    let wanted = builtins(&mut conn).await?;
    let have: BTreeSet<String> =
        sqlx::query_scalar("SELECT builtin FROM collections WHERE builtin IS NOT NULL")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect();
    drop(conn);
    let missing: Vec<&Builtin> = wanted.iter().filter(|b| !have.contains(&b.key)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let now = clock.now().timestamp();
    let mut tx = begin_write(pool).await?;
    for b in missing {
        let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM collections WHERE name = ?")
            .bind(&b.name)
            .fetch_optional(&mut *tx)
            .await?;
        let name = if taken.is_some() {
            format!("{} (built-in)", b.name)
        } else {
            b.name.clone()
        };
        sqlx::query(
            "INSERT INTO collections (name, description, builtin, query, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(name)
        .bind(&b.description)
        .bind(&b.key)
        .bind(&b.query)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------
// Reading

const COLLECTION_SELECT: &str = "SELECT co.id, co.name, co.description, co.builtin, co.query, \
    co.limit_id, l.name, co.continuous, co.evaluated_at, co.member_count, co.entered_count, \
    co.left_count, co.eval_ms, \
    (SELECT COUNT(*) FROM collection_direct d WHERE d.collection_id = co.id) \
    FROM collections co LEFT JOIN collections l ON l.id = co.limit_id";

type CollectionRow = (
    i64,
    String,
    String,
    Option<String>,
    String,
    Option<i64>,
    Option<String>,
    bool,
    Option<i64>,
    i64,
    i64,
    i64,
    i64,
    i64,
);

async fn links(conn: &mut SqliteConnection) -> Result<HashMap<i64, Vec<(String, CollectionRef)>>> {
    let rows: Vec<(i64, String, i64, String)> = sqlx::query_as(
        "SELECT k.collection_id, k.kind, t.id, t.name FROM collection_links k
         JOIN collections t ON t.id = k.target_id ORDER BY t.name",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut map: HashMap<i64, Vec<(String, CollectionRef)>> = HashMap::new();
    for (cid, kind, id, name) in rows {
        map.entry(cid)
            .or_default()
            .push((kind, CollectionRef { id, name }));
    }
    Ok(map)
}

fn to_collection(
    r: CollectionRow,
    links: &HashMap<i64, Vec<(String, CollectionRef)>>,
) -> Collection {
    let l = links.get(&r.0).map(Vec::as_slice).unwrap_or_default();
    let pick = |kind: &str| {
        l.iter()
            .filter(|(k, _)| k == kind)
            .map(|(_, c)| c.clone())
            .collect::<Vec<_>>()
    };
    Collection {
        id: r.0,
        name: r.1,
        description: r.2,
        builtin: r.3,
        query: r.4,
        limit: r.5.zip(r.6).map(|(id, name)| CollectionRef { id, name }),
        includes: pick("include"),
        excludes: pick("exclude"),
        continuous: r.7,
        evaluated_at: ts(r.8),
        member_count: r.9,
        entered_count: r.10,
        left_count: r.11,
        eval_ms: r.12,
        direct_count: r.13,
    }
}

/// Every collection, built-ins first, then by name.
pub async fn list(pool: &SqlitePool, clock: &dyn Clock) -> Result<Vec<Collection>> {
    ensure_builtins(pool, clock).await?;
    let mut conn = pool.acquire().await?;
    let rows: Vec<CollectionRow> = sqlx::query_as(&format!(
        "{COLLECTION_SELECT} ORDER BY co.builtin IS NULL, co.id"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let links = links(&mut conn).await?;
    Ok(rows.into_iter().map(|r| to_collection(r, &links)).collect())
}

pub async fn find(pool: &SqlitePool, name: &str) -> Result<i64> {
    sqlx::query_scalar("SELECT id FROM collections WHERE name = ?")
        .bind(name.trim())
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| Error::NotFound(format!("there is no collection named '{}'", name.trim())))
}

pub async fn get(pool: &SqlitePool, id: i64) -> Result<CollectionDetail> {
    let mut conn = pool.acquire().await?;
    let row: CollectionRow = sqlx::query_as(&format!("{COLLECTION_SELECT} WHERE co.id = ?"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| Error::NotFound(format!("there is no collection with id {id}")))?;
    let links = links(&mut conn).await?;
    let collection = to_collection(row, &links);
    let direct: Vec<(i64, String)> = sqlx::query_as(
        "SELECT c.id, c.name FROM collection_direct d JOIN computers c ON c.id = d.computer_id
         WHERE d.collection_id = ? ORDER BY c.name",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let used_by = used_by(&mut conn, id).await?;
    let graph = Graph::load(&mut conn).await?;
    let warnings = warnings(&mut conn, &graph, id).await?;
    Ok(CollectionDetail {
        collection,
        direct: direct
            .into_iter()
            .map(|(id, name)| DirectMember { id, name })
            .collect(),
        used_by,
        warnings,
    })
}

async fn used_by(conn: &mut SqliteConnection, id: i64) -> Result<Vec<CollectionRef>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, name FROM collections WHERE limit_id = ?1
         UNION SELECT co.id, co.name FROM collection_links k
               JOIN collections co ON co.id = k.collection_id WHERE k.target_id = ?1
         ORDER BY 2",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| CollectionRef { id, name })
        .collect())
}

/// Who entered and who left at the last evaluation.
pub async fn changes(pool: &SqlitePool, id: i64) -> Result<Vec<MembershipChange>> {
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT ch.computer_id, coalesce(c.name, '#' || ch.computer_id), coalesce(s.name, ''), ch.change
         FROM collection_changes ch
         LEFT JOIN computers c ON c.id = ch.computer_id
         LEFT JOIN sites s ON s.id = c.site_id
         WHERE ch.collection_id = ? ORDER BY ch.change, 2",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(computer_id, name, site, change)| MembershipChange {
            computer_id,
            name,
            site,
            change: if change == "left" {
                ChangeKind::Left
            } else {
                ChangeKind::Entered
            },
        })
        .collect())
}

/// The member ids as of the last evaluation, in id order.
pub async fn member_ids(pool: &SqlitePool, id: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT computer_id FROM collection_members WHERE collection_id = ? ORDER BY computer_id",
    )
    .bind(id)
    .fetch_all(pool)
    .await?)
}

// ---------------------------------------------------------------------------------
// The dependency graph: include, exclude and limit edges.

struct Graph {
    names: HashMap<i64, String>,
    /// collection -> collections it depends on (include/exclude targets, then limit).
    deps: BTreeMap<i64, Vec<i64>>,
    /// Only include/exclude edges, for the depth warning.
    links: BTreeMap<i64, Vec<i64>>,
}

impl Graph {
    async fn load(conn: &mut SqliteConnection) -> Result<Graph> {
        let cols: Vec<(i64, String, Option<i64>)> =
            sqlx::query_as("SELECT id, name, limit_id FROM collections")
                .fetch_all(&mut *conn)
                .await?;
        let edges: Vec<(i64, i64)> =
            sqlx::query_as("SELECT collection_id, target_id FROM collection_links")
                .fetch_all(&mut *conn)
                .await?;
        let mut g = Graph {
            names: HashMap::new(),
            deps: BTreeMap::new(),
            links: BTreeMap::new(),
        };
        for (id, name, limit) in cols {
            g.names.insert(id, name);
            let e = g.deps.entry(id).or_default();
            e.extend(limit);
        }
        for (from, to) in edges {
            g.deps.entry(from).or_default().push(to);
            g.links.entry(from).or_default().push(to);
        }
        Ok(g)
    }

    fn set(&mut self, id: i64, name: &str, rules: &Rules) {
        self.names.insert(id, name.to_string());
        let links: Vec<i64> = rules
            .includes
            .iter()
            .chain(&rules.excludes)
            .copied()
            .collect();
        let mut deps = links.clone();
        deps.extend(rules.limit);
        self.deps.insert(id, deps);
        self.links.insert(id, links);
    }

    fn name(&self, id: i64) -> &str {
        self.names.get(&id).map(String::as_str).unwrap_or("?")
    }

    /// A path from `start` back to itself, if there is one.
    fn cycle_through(&self, start: i64) -> Option<Vec<i64>> {
        fn dfs(
            g: &Graph,
            at: i64,
            start: i64,
            path: &mut Vec<i64>,
            seen: &mut BTreeSet<i64>,
        ) -> bool {
            for &next in g.deps.get(&at).into_iter().flatten() {
                if next == start {
                    path.push(next);
                    return true;
                }
                if seen.insert(next) {
                    path.push(next);
                    if dfs(g, next, start, path, seen) {
                        return true;
                    }
                    path.pop();
                }
            }
            false
        }
        let mut path = vec![start];
        let mut seen = BTreeSet::new();
        dfs(self, start, start, &mut path, &mut seen).then_some(path)
    }

    /// The longest include/exclude chain below `start` (the graph has no cycles).
    fn deepest_chain(&self, start: i64) -> Vec<i64> {
        fn walk(g: &Graph, at: i64, memo: &mut HashMap<i64, Vec<i64>>) -> Vec<i64> {
            if let Some(p) = memo.get(&at) {
                return p.clone();
            }
            let mut best = vec![at];
            for &next in g.links.get(&at).into_iter().flatten() {
                let sub = walk(g, next, memo);
                if sub.len() + 1 > best.len() {
                    best = std::iter::once(at).chain(sub).collect();
                }
            }
            memo.insert(at, best.clone());
            best
        }
        walk(self, start, &mut HashMap::new())
    }

    /// Every collection after those it depends on (Kahn's algorithm; ids break ties).
    fn order(&self, only: Option<&BTreeSet<i64>>) -> Vec<i64> {
        let nodes: Vec<i64> = self
            .deps
            .keys()
            .copied()
            .filter(|n| only.is_none_or(|o| o.contains(n)))
            .collect();
        let mut pending: BTreeMap<i64, usize> = BTreeMap::new();
        let mut users: HashMap<i64, Vec<i64>> = HashMap::new();
        for &n in &nodes {
            let deps: BTreeSet<i64> = self.deps[&n]
                .iter()
                .copied()
                .filter(|d| only.is_none_or(|o| o.contains(d)))
                .collect();
            pending.insert(n, deps.len());
            for d in deps {
                users.entry(d).or_default().push(n);
            }
        }
        let mut ready: BTreeSet<i64> = pending
            .iter()
            .filter(|(_, c)| **c == 0)
            .map(|(n, _)| *n)
            .collect();
        let mut out = Vec::with_capacity(nodes.len());
        while let Some(n) = ready.pop_first() {
            out.push(n);
            for &u in users.get(&n).into_iter().flatten() {
                let c = pending.get_mut(&u).expect("known node");
                *c -= 1;
                if *c == 0 {
                    ready.insert(u);
                }
            }
        }
        out
    }

    fn path_names(&self, path: &[i64]) -> String {
        path.iter()
            .map(|&i| self.name(i))
            .collect::<Vec<_>>()
            .join(" → ")
    }
}

async fn warnings(conn: &mut SqliteConnection, graph: &Graph, id: i64) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let chain = graph.deepest_chain(id);
    if chain.len() - 1 > WARN_DEPTH {
        out.push(format!(
            "Include/exclude rules nest {} levels deep ({}); more than {WARN_DEPTH} makes \
             evaluation slow and changes take several evaluations to reach this collection.",
            chain.len() - 1,
            graph.path_names(&chain)
        ));
    }
    let continuous: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM collections WHERE continuous = 1")
            .fetch_one(&mut *conn)
            .await?;
    if continuous > WARN_CONTINUOUS {
        out.push(format!(
            "{continuous} collections are marked for continuous re-evaluation; more than \
             {WARN_CONTINUOUS} slows every re-evaluation round."
        ));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------
// Saving

fn clean_name(name: &str) -> Result<String> {
    let n = name.trim();
    if n.is_empty() {
        return Err(Error::invalid("name: a collection needs a name"));
    }
    if n.chars().count() > MAX_NAME {
        return Err(Error::invalid(format!(
            "name: at most {MAX_NAME} characters"
        )));
    }
    if n.chars().any(char::is_control) {
        return Err(Error::invalid(
            "name: line breaks and control characters are not allowed",
        ));
    }
    Ok(n.to_string())
}

/// Resolves and checks a draft's rules: the query parses, every referenced collection
/// and computer exists, nothing is both included and excluded.
async fn resolve(
    conn: &mut SqliteConnection,
    input: &CollectionInput,
    own: Option<i64>,
) -> Result<Rules> {
    let query = match input.query.trim() {
        "" => None,
        q => Some(query::parse(q)?),
    };
    let mut ids: Vec<i64> = input
        .includes
        .iter()
        .chain(&input.excludes)
        .copied()
        .collect();
    ids.extend(input.limit_id);
    ids.sort_unstable();
    ids.dedup();
    for id in &ids {
        if Some(*id) == own {
            return Err(Error::invalid(
                "a collection cannot include, exclude or limit to itself",
            ));
        }
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM collections WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        if exists.is_none() {
            return Err(Error::invalid(format!(
                "there is no collection with id {id}"
            )));
        }
    }
    if let Some(both) = input.includes.iter().find(|i| input.excludes.contains(i)) {
        return Err(Error::invalid(format!(
            "collection {both} is both included and excluded; choose one"
        )));
    }
    if input.direct.len() > MAX_DIRECT {
        return Err(Error::invalid(format!(
            "direct rules: at most {MAX_DIRECT} computers; use a query for more"
        )));
    }
    let mut direct = Vec::with_capacity(input.direct.len());
    let mut unknown = Vec::new();
    for name in &input.direct {
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM computers WHERE name = ?")
            .bind(name.trim())
            .fetch_optional(&mut *conn)
            .await?;
        match id {
            Some(id) => direct.push(id),
            None => unknown.push(name.trim().to_string()),
        }
    }
    if !unknown.is_empty() {
        return Err(Error::invalid_with(
            format!(
                "direct rules: no computer named {}",
                unknown
                    .iter()
                    .take(5)
                    .map(|n| format!("'{n}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            &unknown,
        ));
    }
    direct.sort_unstable();
    direct.dedup();
    let dedup = |v: &[i64]| {
        let mut v = v.to_vec();
        v.sort_unstable();
        v.dedup();
        v
    };
    Ok(Rules {
        query,
        direct,
        includes: dedup(&input.includes),
        excludes: dedup(&input.excludes),
        limit: input.limit_id,
    })
}

/// Creates a collection (not evaluated yet). Refuses a cycle, naming it.
pub async fn create(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    input: &CollectionInput,
) -> Result<CollectionDetail> {
    let id = save(pool, clock, actor, None, input).await?;
    get(pool, id).await
}

/// Replaces a user collection's name, description and rules.
pub async fn update(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    id: i64,
    input: &CollectionInput,
) -> Result<CollectionDetail> {
    save(pool, clock, actor, Some(id), input).await?;
    get(pool, id).await
}

/// A collection's stored rules, for the audit trail.
async fn rules_record(conn: &mut SqliteConnection, id: i64) -> Result<serde_json::Value> {
    let (name, query, limit): (String, String, Option<i64>) =
        sqlx::query_as("SELECT name, query, limit_id FROM collections WHERE id = ?")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    let links: Vec<(i64, String)> = sqlx::query_as(
        "SELECT target_id, kind FROM collection_links WHERE collection_id = ? ORDER BY 2, 1",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let direct: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM collection_direct WHERE collection_id = ?")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(serde_json::json!({
        "name": name, "query": query, "limit": limit, "links": links, "direct": direct,
    }))
}

async fn save(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    id: Option<i64>,
    input: &CollectionInput,
) -> Result<i64> {
    let name = clean_name(&input.name)?;
    let now = clock.now().timestamp();
    let mut tx = begin_write(pool).await?;
    if let Some(id) = id {
        user_collection(&mut tx, id, "changed").await?;
    }
    let clash: Option<i64> =
        sqlx::query_scalar("SELECT id FROM collections WHERE name = ? AND id IS NOT ?")
            .bind(&name)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
    if clash.is_some() {
        return Err(Error::Conflict(format!(
            "a collection named '{name}' already exists"
        )));
    }
    let rules = resolve(&mut tx, input, id).await?;
    if rules.query.is_none() && rules.direct.is_empty() && rules.includes.is_empty() {
        return Err(Error::invalid(
            "a collection needs at least one rule that adds computers: a query, direct \
             members or an included collection",
        ));
    }
    let mut graph = Graph::load(&mut tx).await?;
    // A new collection has no id yet; 0 stands in for it in the graph.
    let node = id.unwrap_or(0);
    graph.set(node, &name, &rules);
    if let Some(cycle) = graph.cycle_through(node) {
        return Err(Error::invalid_with(
            format!(
                "these rules would make a cycle: {}",
                graph.path_names(&cycle)
            ),
            cycle
                .iter()
                .map(|&i| graph.name(i).to_string())
                .collect::<Vec<_>>(),
        ));
    }
    let before = match id {
        Some(id) => Some(rules_record(&mut tx, id).await?),
        None => None,
    };
    let id = match id {
        Some(id) => {
            sqlx::query(
                "UPDATE collections SET name = ?, description = ?, query = ?, limit_id = ?,
                 continuous = ?, updated_at = ? WHERE id = ?",
            )
            .bind(&name)
            .bind(input.description.trim())
            .bind(input.query.trim())
            .bind(rules.limit)
            .bind(input.continuous)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM collection_links WHERE collection_id = ?")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM collection_direct WHERE collection_id = ?")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            id
        }
        None => {
            sqlx::query_scalar(
                "INSERT INTO collections (name, description, query, limit_id, continuous, created_at, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(&name)
            .bind(input.description.trim())
            .bind(input.query.trim())
            .bind(rules.limit)
            .bind(input.continuous)
            .bind(now)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
        }
    };
    for (kind, targets) in [("include", &rules.includes), ("exclude", &rules.excludes)] {
        for t in targets {
            sqlx::query(
                "INSERT INTO collection_links (collection_id, target_id, kind) VALUES (?, ?, ?)",
            )
            .bind(id)
            .bind(t)
            .bind(kind)
            .execute(&mut *tx)
            .await?;
        }
    }
    for c in &rules.direct {
        sqlx::query("INSERT INTO collection_direct (collection_id, computer_id) VALUES (?, ?)")
            .bind(id)
            .bind(c)
            .execute(&mut *tx)
            .await?;
    }
    let after = rules_record(&mut tx, id).await?;
    crate::audit::record(
        &mut tx,
        clock.now(),
        actor,
        if before.is_some() {
            "collection.edit"
        } else {
            "collection.create"
        },
        "collection",
        Some(id),
        serde_json::json!({ "before": before, "after": after }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Refuses a collection that does not exist or is built in (`what`: "changed", "deleted").
async fn user_collection(conn: &mut SqliteConnection, id: i64, what: &str) -> Result<()> {
    let builtin: Option<Option<String>> =
        sqlx::query_scalar("SELECT builtin FROM collections WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    match builtin {
        None => Err(Error::NotFound(format!(
            "there is no collection with id {id}"
        ))),
        Some(Some(_)) => Err(Error::Conflict(format!(
            "built-in collections cannot be {what}"
        ))),
        Some(None) => Ok(()),
    }
}

/// Deletes a user collection; refused while another collection uses it.
pub async fn delete(pool: &SqlitePool, clock: &dyn Clock, actor: &str, id: i64) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    user_collection(&mut tx, id, "deleted").await?;
    let users = used_by(&mut tx, id).await?;
    if !users.is_empty() {
        let names: Vec<String> = users.iter().map(|u| format!("'{}'", u.name)).collect();
        return Err(Error::Conflict(format!(
            "this collection is used by {}; change {} first",
            names.join(", "),
            if users.len() == 1 { "it" } else { "them" }
        )));
    }
    let phases = crate::releases::phases_targeting(&mut tx, id).await?;
    if !phases.is_empty() {
        return Err(Error::Conflict(format!(
            "this collection is the target of {}; change the plan first",
            phases.join(", ")
        )));
    }
    let before = rules_record(&mut tx, id).await?;
    crate::audit::record(
        &mut tx,
        clock.now(),
        actor,
        "collection.delete",
        "collection",
        Some(id),
        serde_json::json!({ "before": before }),
    )
    .await?;
    sqlx::query("DELETE FROM collections WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------
// Evaluation

/// Where a collection's direct members come from.
enum Direct<'a> {
    Stored(i64),
    Ids(&'a [i64]),
}

/// The membership as one parameterised SELECT of computer ids.
fn membership_sql(rules: &Rules, direct: Direct<'_>, now: DateTime<Utc>) -> SqlCondition {
    let mut out = SqlCondition::default();
    let mut parts: Vec<String> = Vec::new();
    if let Some(q) = &rules.query {
        let mut cond = SqlCondition {
            sql: String::new(),
            params: std::mem::take(&mut out.params),
        };
        compile_into(&mut cond, q, now);
        out.params = cond.params;
        parts.push(format!(
            "SELECT c.id AS id FROM computers c WHERE {}",
            cond.sql
        ));
    }
    match direct {
        Direct::Stored(id) => {
            let p = out.bind(Param::Int(id));
            parts.push(format!(
                "SELECT computer_id AS id FROM collection_direct WHERE collection_id = {p}"
            ));
        }
        Direct::Ids(ids) if !ids.is_empty() => {
            let list: Vec<String> = ids.iter().map(|i| out.bind(Param::Int(*i))).collect();
            parts.push(format!(
                "SELECT id FROM computers WHERE id IN ({})",
                list.join(", ")
            ));
        }
        Direct::Ids(_) => {}
    }
    if !rules.includes.is_empty() {
        let list: Vec<String> = rules
            .includes
            .iter()
            .map(|i| out.bind(Param::Int(*i)))
            .collect();
        parts.push(format!(
            "SELECT computer_id AS id FROM collection_members WHERE collection_id IN ({})",
            list.join(", ")
        ));
    }
    if parts.is_empty() {
        out.sql = "SELECT NULL AS id WHERE 0".into();
        return out;
    }
    let mut filters = Vec::new();
    if let Some(l) = rules.limit {
        let p = out.bind(Param::Int(l));
        filters.push(format!(
            "id IN (SELECT computer_id FROM collection_members WHERE collection_id = {p})"
        ));
    }
    if !rules.excludes.is_empty() {
        let list: Vec<String> = rules
            .excludes
            .iter()
            .map(|i| out.bind(Param::Int(*i)))
            .collect();
        filters.push(format!(
            "id NOT IN (SELECT computer_id FROM collection_members WHERE collection_id IN ({}))",
            list.join(", ")
        ));
    }
    let union = parts.join(" UNION ");
    out.sql = if filters.is_empty() && parts.len() == 1 {
        parts.pop().expect("one part")
    } else if filters.is_empty() {
        format!("SELECT id FROM ({union})")
    } else {
        format!("SELECT id FROM ({union}) WHERE {}", filters.join(" AND "))
    };
    out
}

/// Binds a compiled condition's parameters, in order.
pub fn bind_params<'q>(
    mut q: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    params: &'q [Param],
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
    for p in params {
        q = match p {
            Param::Text(t) => q.bind(t.as_str()),
            Param::Int(i) => q.bind(*i),
            Param::Real(r) => q.bind(*r),
        };
    }
    q
}

async fn stored_rules(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<(String, Rules, Option<i64>)> {
    let (name, text, limit, evaluated): (String, String, Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT name, query, limit_id, evaluated_at FROM collections WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| Error::NotFound(format!("there is no collection with id {id}")))?;
    let query = match text.trim() {
        "" => None,
        q => Some(query::parse(q).map_err(|e| {
            Error::Internal(format!(
                "stored query of collection {id} no longer parses: {e}"
            ))
        })?),
    };
    let links: Vec<(i64, String)> =
        sqlx::query_as("SELECT target_id, kind FROM collection_links WHERE collection_id = ?")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    let pick = |k: &str| {
        links
            .iter()
            .filter(|(_, kind)| kind == k)
            .map(|(t, _)| *t)
            .collect()
    };
    Ok((
        name,
        Rules {
            query,
            direct: Vec::new(),
            includes: pick("include"),
            excludes: pick("exclude"),
            limit,
        },
        evaluated,
    ))
}

/// The members of collection `id` as of its last evaluation, sorted. Read as one text
/// value: fetching 200,000 ids as rows through sqlx is many times slower.
pub(crate) async fn stored_member_ids(conn: &mut SqliteConnection, id: i64) -> Result<Vec<i64>> {
    let stored: Option<String> = sqlx::query_scalar(
        "SELECT group_concat(computer_id) FROM collection_members WHERE collection_id = ?",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    parse_ids(stored)
}

/// Ids as SQLite's `group_concat` gives them ("3,1,2"), sorted and without repeats.
pub(crate) fn parse_ids(text: Option<String>) -> Result<Vec<i64>> {
    let mut ids = text
        .as_deref()
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.split(',')
                .map(|v| {
                    v.parse::<i64>()
                        .map_err(|_| Error::Internal(format!("'{v}' is not a computer id")))
                })
                .collect::<Result<Vec<i64>>>()
        })
        .transpose()?
        .unwrap_or_default();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Who is in `new` and not in `old`, and who is in `old` and not in `new` (both sorted).
fn sorted_difference(new: &[i64], old: &[i64]) -> (Vec<i64>, Vec<i64>) {
    let (mut entered, mut left) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < new.len() || j < old.len() {
        match (new.get(i), old.get(j)) {
            (Some(a), Some(b)) if a == b => {
                i += 1;
                j += 1;
            }
            (Some(a), Some(b)) if a < b => {
                entered.push(*a);
                i += 1;
            }
            (Some(a), None) => {
                entered.push(*a);
                i += 1;
            }
            (_, Some(b)) => {
                left.push(*b);
                j += 1;
            }
            (None, None) => break,
        }
    }
    (entered, left)
}

/// A JSON array of ids, bound as one parameter and read back with `json_each`.
fn id_array(ids: &[i64]) -> String {
    let mut out = String::with_capacity(ids.len() * 7 + 2);
    out.push('[');
    for (k, id) in ids.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push_str(&id.to_string());
    }
    out.push(']');
    out
}

/// Evaluates one collection inside the caller's write transaction.
///
/// The new membership and the stored one each come back from SQLite as one text value
/// and are compared in memory, so an unchanged membership costs its query and two reads,
/// and only who entered or left is written.
async fn evaluate_in(
    conn: &mut SqliteConnection,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Evaluation> {
    use sqlx::Row;
    let started = Instant::now();
    let (name, rules, previous) = stored_rules(conn, id).await?;
    let m = membership_sql(&rules, Direct::Stored(id), now);
    let select = format!("SELECT group_concat(id) FROM ({})", m.sql);
    let row = bind_params(sqlx::query(&select), &m.params)
        .fetch_one(&mut *conn)
        .await?;
    let members = parse_ids(row.try_get(0)?)?;
    let first = previous.is_none();
    let old = if first {
        Vec::new()
    } else {
        stored_member_ids(conn, id).await?
    };
    sqlx::query("DELETE FROM collection_changes WHERE collection_id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    if first {
        // Everyone is new: no entered/left lists on a first evaluation.
        sqlx::query("DELETE FROM collection_members WHERE collection_id = ?")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    let (entered, left) = sorted_difference(&members, &old);
    if !entered.is_empty() {
        let ids = id_array(&entered);
        sqlx::query(
            "INSERT INTO collection_members (collection_id, computer_id)
             SELECT ?1, value FROM json_each(?2)",
        )
        .bind(id)
        .bind(&ids)
        .execute(&mut *conn)
        .await?;
        if !first {
            sqlx::query(
                "INSERT INTO collection_changes (collection_id, computer_id, change)
                 SELECT ?1, value, 'entered' FROM json_each(?2)",
            )
            .bind(id)
            .bind(&ids)
            .execute(&mut *conn)
            .await?;
        }
    }
    if !left.is_empty() {
        let ids = id_array(&left);
        sqlx::query(
            "DELETE FROM collection_members WHERE collection_id = ?1
             AND computer_id IN (SELECT value FROM json_each(?2))",
        )
        .bind(id)
        .bind(&ids)
        .execute(&mut *conn)
        .await?;
        sqlx::query(
            "INSERT INTO collection_changes (collection_id, computer_id, change)
             SELECT ?1, value, 'left' FROM json_each(?2)",
        )
        .bind(id)
        .bind(&ids)
        .execute(&mut *conn)
        .await?;
    }
    let (entered, left) = if first {
        (0, 0)
    } else {
        (entered.len() as i64, left.len() as i64)
    };
    let member_count = members.len() as i64;
    let elapsed_ms = started.elapsed().as_millis() as i64;
    sqlx::query(
        "UPDATE collections SET evaluated_at = ?, member_count = ?, entered_count = ?,
         left_count = ?, eval_ms = ? WHERE id = ?",
    )
    .bind(now.timestamp())
    .bind(member_count)
    .bind(entered)
    .bind(left)
    .bind(elapsed_ms)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(Evaluation {
        id,
        name,
        evaluated_at: now,
        member_count,
        entered,
        left,
        first,
        elapsed_ms,
    })
}

/// Evaluates one collection, after any collection it depends on that was never
/// evaluated. Returns every evaluation made, the asked-for collection last.
pub async fn evaluate(pool: &SqlitePool, clock: &dyn Clock, id: i64) -> Result<Vec<Evaluation>> {
    let now = whole_seconds(clock.now());
    let mut tx = begin_write(pool).await?;
    // Usually every collection it depends on was evaluated before: then it is the only
    // one to evaluate, and the whole graph need not be loaded.
    let pending: Option<i64> = sqlx::query_scalar(
        "WITH RECURSIVE deps(id) AS (
             SELECT ?1
             UNION SELECT k.target_id FROM collection_links k JOIN deps d ON k.collection_id = d.id
             UNION SELECT c.limit_id FROM collections c JOIN deps d ON c.id = d.id
                   WHERE c.limit_id IS NOT NULL)
         SELECT (SELECT COUNT(*) FROM deps JOIN collections c ON c.id = deps.id
                 WHERE c.evaluated_at IS NULL AND c.id != ?1)
         WHERE EXISTS (SELECT 1 FROM collections WHERE id = ?1)",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(pending) = pending else {
        return Err(Error::NotFound(format!(
            "there is no collection with id {id}"
        )));
    };
    if pending == 0 {
        let one = evaluate_in(&mut tx, id, now).await?;
        tx.commit().await?;
        return Ok(vec![one]);
    }
    let graph = Graph::load(&mut tx).await?;
    let never: BTreeSet<i64> =
        sqlx::query_scalar::<_, i64>("SELECT id FROM collections WHERE evaluated_at IS NULL")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect();
    // The collection itself and the never-evaluated collections it reaches.
    let mut wanted = BTreeSet::from([id]);
    let mut stack = vec![id];
    while let Some(n) = stack.pop() {
        for &d in graph.deps.get(&n).into_iter().flatten() {
            if never.contains(&d) && wanted.insert(d) {
                stack.push(d);
            }
        }
    }
    let mut out = Vec::new();
    for n in graph.order(Some(&wanted)) {
        out.push(evaluate_in(&mut tx, n, now).await?);
    }
    tx.commit().await?;
    Ok(out)
}

/// Which collections `evaluate_all` covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    /// Continuous collections and everything they depend on.
    Continuous,
}

/// Evaluates collections in dependency order, committing about every quarter second (so
/// a long round never holds the write lock for long); stops between collections when
/// cancelled, keeping what was evaluated.
pub async fn evaluate_all(
    pool: &SqlitePool,
    clock: &dyn Clock,
    scope: Scope,
    progress: &dyn Progress,
) -> Result<Vec<Evaluation>> {
    ensure_builtins(pool, clock).await?;
    let now = whole_seconds(clock.now());
    let mut conn = pool.acquire().await?;
    let graph = Graph::load(&mut conn).await?;
    drop(conn);
    let only = match scope {
        Scope::All => None,
        Scope::Continuous => {
            let mut set: BTreeSet<i64> =
                sqlx::query_scalar::<_, i64>("SELECT id FROM collections WHERE continuous = 1")
                    .fetch_all(pool)
                    .await?
                    .into_iter()
                    .collect();
            let mut stack: Vec<i64> = set.iter().copied().collect();
            while let Some(n) = stack.pop() {
                for &d in graph.deps.get(&n).into_iter().flatten() {
                    if set.insert(d) {
                        stack.push(d);
                    }
                }
            }
            Some(set)
        }
    };
    let order = graph.order(only.as_ref());
    progress.stage("evaluating collections", Some(order.len() as u64));
    let mut out = Vec::with_capacity(order.len());
    let mut tx = begin_write(pool).await?;
    let mut batch_started = Instant::now();
    for (i, id) in order.into_iter().enumerate() {
        if progress.is_cancelled() {
            // What is evaluated so far is consistent: keep it.
            tx.commit().await?;
            return Err(Error::Cancelled);
        }
        out.push(evaluate_in(&mut tx, id, now).await?);
        // Commit every quarter of a second: one fsync per collection would cost more
        // than many evaluations, and a shorter hold keeps other writers waiting little.
        if batch_started.elapsed() > BATCH_TIME {
            tx.commit().await?;
            tx = begin_write(pool).await?;
            batch_started = Instant::now();
        }
        progress.advance(i as u64 + 1);
    }
    tx.commit().await?;
    Ok(out)
}

/// The live count and the first `sample` members of a draft (nothing is stored).
pub async fn preview(
    pool: &SqlitePool,
    clock: &dyn Clock,
    input: &CollectionInput,
    own: Option<i64>,
    sample: u32,
) -> Result<CollectionPreview> {
    let started = Instant::now();
    let mut conn = pool.acquire().await?;
    let rules = resolve(&mut conn, input, own).await?;
    let m = membership_sql(&rules, Direct::Ids(&rules.direct), clock.now());
    let count_sql = format!("SELECT COUNT(*) FROM ({})", m.sql);
    let count: i64 = bind_params(sqlx::query(&count_sql), &m.params)
        .fetch_one(&mut *conn)
        .await
        .map(|row| sqlx::Row::get(&row, 0))?;
    let ids_sql = format!(
        "SELECT c.id FROM computers c WHERE c.id IN ({}) ORDER BY c.name LIMIT {}",
        m.sql,
        sample.min(500)
    );
    let ids: Vec<i64> = bind_params(sqlx::query(&ids_sql), &m.params)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| sqlx::Row::get(r, 0))
        .collect();
    drop(conn);
    let sample = crate::inventory::computers_by_id(pool, &ids).await?;
    Ok(CollectionPreview {
        count,
        sample,
        elapsed_ms: started.elapsed().as_millis() as i64,
    })
}

/// The SQL an evaluation runs for a collection's query rule alone, with its parameters
/// (benchmarks compare it with the same query written by hand).
pub fn query_sql(text: &str, now: DateTime<Utc>) -> Result<(String, Vec<Param>)> {
    let rules = Rules {
        query: Some(query::parse(text)?),
        ..Rules::default()
    };
    let m = membership_sql(&rules, Direct::Ids(&[]), now);
    Ok((m.sql, m.params))
}

// ---------------------------------------------------------------------------------
// For the rule builder

/// Parses and checks a query for the builder; errors carry line, column and caret.
pub fn parse_query(text: &str) -> Result<Expr> {
    Ok(query::parse(text)?)
}

/// The text form of a builder's tree (normalised first, so it parses back equal).
pub fn print_query(expr: Expr) -> String {
    query::print(&expr.normalized())
}

/// The fields a query can test, with the prerequisite names the inventory holds.
pub async fn fields(pool: &SqlitePool) -> Result<Vec<query::FieldInfo>> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT j.key FROM (SELECT prerequisites FROM computers LIMIT 5000) c,
         json_each(c.prerequisites) j ORDER BY 1",
    )
    .fetch_all(pool)
    .await?;
    Ok(query::field_infos(&names))
}

/// The most common values of a text or version field, for the value picker.
pub async fn field_values(pool: &SqlitePool, field: &query::Field) -> Result<Vec<String>> {
    use query::Field as F;
    let col = match field {
        F::Name => return Ok(Vec::new()),
        F::Domain => "c.domain",
        F::Site => "s.name",
        F::Department => "c.department",
        F::Os => "c.os_name",
        F::OsVersion => "c.os_version",
        F::Owner => "c.owner_name",
        F::Email => return Ok(Vec::new()),
        F::AgentVersion => "c.agent_version",
        F::Prerequisite(p) => {
            return Ok(sqlx::query_scalar(
                "SELECT v FROM (SELECT json_extract(prerequisites, ?) AS v FROM computers)
                 WHERE v IS NOT NULL GROUP BY v ORDER BY COUNT(*) DESC, v LIMIT 100",
            )
            .bind(format!("$.\"{p}\""))
            .fetch_all(pool)
            .await?)
        }
        F::Role | F::AgentState | F::Policy => {
            return Ok(field.enum_values().iter().map(|v| v.to_string()).collect())
        }
        F::LastSeen | F::LastRun | F::FreeDisk => return Ok(Vec::new()),
    };
    Ok(sqlx::query_scalar(&format!(
        "SELECT {col} FROM computers c JOIN sites s ON s.id = c.site_id
         WHERE {col} != '' GROUP BY {col} ORDER BY COUNT(*) DESC, {col} LIMIT 100"
    ))
    .fetch_all(pool)
    .await?)
}
