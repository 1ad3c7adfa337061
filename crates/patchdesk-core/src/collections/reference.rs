//! A straightforward in-memory evaluator: the definition of what a query and a rule set
//! mean, written for clarity, not speed. Property tests hold the SQL evaluation to it.

use super::query::{CmpOp, Expr, Field, Test, Value};
use chrono::{DateTime, Utc};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// One computer with the attributes queries test.
#[derive(Debug, Clone)]
pub struct RefComputer {
    pub id: i64,
    pub name: String,
    pub domain: String,
    pub site: String,
    pub department: String,
    pub role: String,
    pub os_name: String,
    pub os_version: String,
    pub owner_name: String,
    pub owner_email: String,
    pub last_seen: Option<i64>,
    pub last_run: Option<i64>,
    pub free_disk_gb: Option<f64>,
    pub agent_version: String,
    pub agent_state: String,
    pub client_policy: String,
    pub prerequisites: BTreeMap<String, String>,
}

enum Attr<'a> {
    Text(&'a str),
    Version(Option<Vec<u64>>),
    Number(Option<f64>),
    Time(Option<i64>),
    Enum(&'a str),
}

fn version(v: &str) -> Option<Vec<u64>> {
    if v.is_empty() {
        return None;
    }
    v.split('.').map(|p| p.parse().ok()).collect()
}

fn attr<'a>(c: &'a RefComputer, f: &Field) -> Attr<'a> {
    match f {
        Field::Name => Attr::Text(&c.name),
        Field::Domain => Attr::Text(&c.domain),
        Field::Site => Attr::Text(&c.site),
        Field::Department => Attr::Text(&c.department),
        Field::Os => Attr::Text(&c.os_name),
        Field::Owner => Attr::Text(&c.owner_name),
        Field::Email => Attr::Text(&c.owner_email),
        Field::Role => Attr::Enum(&c.role),
        Field::AgentState => Attr::Enum(&c.agent_state),
        Field::Policy => Attr::Enum(&c.client_policy),
        Field::OsVersion => Attr::Version(version(&c.os_version)),
        Field::AgentVersion => Attr::Version(version(&c.agent_version)),
        Field::Prerequisite(p) => Attr::Version(c.prerequisites.get(p).and_then(|v| version(v))),
        Field::LastSeen => Attr::Time(c.last_seen),
        Field::LastRun => Attr::Time(c.last_run),
        Field::FreeDisk => Attr::Number(c.free_disk_gb),
    }
}

/// Text compares without regard to ASCII case (as SQLite's NOCASE does).
fn fold(s: &str) -> String {
    s.to_ascii_lowercase()
}

fn cmp_holds(o: Ordering, cmp: CmpOp) -> bool {
    match cmp {
        CmpOp::Eq => o == Ordering::Equal,
        CmpOp::Ne => o != Ordering::Equal,
        CmpOp::Lt => o == Ordering::Less,
        CmpOp::Le => o != Ordering::Greater,
        CmpOp::Gt => o == Ordering::Greater,
        CmpOp::Ge => o != Ordering::Less,
    }
}

/// How the attribute orders against a literal; `None` when the attribute is empty.
fn order(a: &Attr<'_>, v: &Value) -> Option<Ordering> {
    match (a, v) {
        (Attr::Text(t), Value::Text(x)) => Some(fold(t).cmp(&fold(x))),
        (Attr::Enum(t), Value::Enum(x)) => Some((*t).cmp(x.as_str())),
        (Attr::Version(t), Value::Version(x)) => Some(t.as_ref()?.cmp(&version(x)?)),
        (Attr::Number(t), Value::Number(x)) => t.as_ref()?.partial_cmp(x),
        (Attr::Time(t), Value::Time(x)) => Some(t.as_ref()?.cmp(&x.timestamp())),
        _ => None,
    }
}

/// `*` any run of characters, `?` one character; ASCII case ignored.
fn like(text: &str, pattern: &str) -> bool {
    let t: Vec<char> = fold(text).chars().collect();
    let p: Vec<char> = fold(pattern).chars().collect();
    // Classic two-pointer wildcard match with backtracking to the last '*'.
    let (mut ti, mut pi) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            ti += 1;
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

fn test(a: &Attr<'_>, t: &Test, now: DateTime<Utc>) -> bool {
    let text = |a: &Attr<'_>| match a {
        Attr::Text(s) => fold(s),
        _ => String::new(),
    };
    match t {
        Test::Compare { cmp, value } => order(a, value).is_some_and(|o| cmp_holds(o, *cmp)),
        Test::Contains { text: x } => text(a).contains(&fold(x)),
        Test::StartsWith { text: x } => text(a).starts_with(&fold(x)),
        Test::EndsWith { text: x } => text(a).ends_with(&fold(x)),
        Test::Like { pattern } => matches!(a, Attr::Text(s) if like(s, pattern)),
        Test::In { values } => values.iter().any(|v| order(a, v) == Some(Ordering::Equal)),
        // An empty version, number or time is in no list and not in any either.
        Test::NotIn { values } => values
            .iter()
            .all(|v| order(a, v).is_some_and(|o| o != Ordering::Equal)),
        Test::Between { low, high } => {
            order(a, low).is_some_and(|o| o != Ordering::Less)
                && order(a, high).is_some_and(|o| o != Ordering::Greater)
        }
        Test::IsEmpty => is_empty(a),
        Test::IsNotEmpty => !is_empty(a),
        Test::Within { age } => {
            matches!(a, Attr::Time(Some(s)) if *s >= now.timestamp() - age.seconds())
        }
        Test::OlderThan { age } => {
            matches!(a, Attr::Time(Some(s)) if *s < now.timestamp() - age.seconds())
        }
    }
}

fn is_empty(a: &Attr<'_>) -> bool {
    match a {
        Attr::Text(s) | Attr::Enum(s) => s.is_empty(),
        Attr::Version(v) => v.is_none(),
        Attr::Number(n) => n.is_none(),
        Attr::Time(t) => t.is_none(),
    }
}

/// Whether the computer matches the query.
pub fn matches(e: &Expr, c: &RefComputer, now: DateTime<Utc>) -> bool {
    match e {
        Expr::All => true,
        Expr::And { items } => items.iter().all(|i| matches(i, c, now)),
        Expr::Or { items } => items.iter().any(|i| matches(i, c, now)),
        Expr::Not { item } => !matches(item, c, now),
        Expr::Cond { field, test: t } => test(&attr(c, field), t, now),
    }
}

/// A collection's rules with everything in memory.
#[derive(Debug, Clone, Default)]
pub struct RefCollection {
    pub query: Option<Expr>,
    pub direct: BTreeSet<i64>,
    pub includes: Vec<usize>,
    pub excludes: Vec<usize>,
    pub limit: Option<usize>,
}

/// Membership of collection `i`, straight from the definition:
/// limit ∩ (query ∪ direct ∪ include) − exclude. The rule set must have no cycles.
pub fn members(
    all: &[RefCollection],
    i: usize,
    computers: &[RefComputer],
    now: DateTime<Utc>,
) -> BTreeSet<i64> {
    let c = &all[i];
    let mut set: BTreeSet<i64> = computers
        .iter()
        .filter(|x| c.query.as_ref().is_some_and(|q| matches(q, x, now)))
        .map(|x| x.id)
        .collect();
    set.extend(c.direct.iter().copied());
    for &inc in &c.includes {
        set.extend(members(all, inc, computers, now));
    }
    for &exc in &c.excludes {
        for id in members(all, exc, computers, now) {
            set.remove(&id);
        }
    }
    if let Some(l) = c.limit {
        let limit = members(all, l, computers, now);
        set.retain(|id| limit.contains(id));
    }
    set
}
