//! A checked query as a parameterised SQL condition over `computers c`. Values are always
//! bound, never written into the SQL text.
//!
//! Every condition is two-valued: a test on an empty value is false (never NULL), so
//! `not` means exactly "the rest" and the reference evaluator can use plain booleans.

use super::ast::*;
use crate::validate::version_key;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Text(String),
    Int(i64),
    Real(f64),
}

/// A WHERE condition and its parameters, in order.
#[derive(Debug, Clone, Default)]
pub struct SqlCondition {
    pub sql: String,
    pub params: Vec<Param>,
}

enum Col {
    /// NOT NULL text compared without regard to ASCII case.
    Text(&'static str),
    /// NOT NULL zero-padded version key; '' means none.
    Version(String),
    /// Nullable number or unix time.
    Nullable(&'static str),
    /// A prerequisite's version key, NULL when the computer does not have it. Tested
    /// once per row and the NULL folded to false, so the JSON is read once, not twice.
    Json(String),
    Enum(&'static str),
}

/// Compiles a query; `now` anchors `within` and `older than`.
pub fn compile(e: &Expr, now: DateTime<Utc>) -> SqlCondition {
    let mut out = SqlCondition::default();
    compile_into(&mut out, e, now);
    out
}

/// Appends the condition to `out`, numbering its parameters after those already there.
pub fn compile_into(out: &mut SqlCondition, e: &Expr, now: DateTime<Utc>) {
    expr(out, e, now);
}

fn expr(out: &mut SqlCondition, e: &Expr, now: DateTime<Utc>) {
    match e {
        Expr::All => out.sql.push('1'),
        Expr::And { items } => balanced(out, items, " AND ", now),
        Expr::Or { items } => balanced(out, items, " OR ", now),
        Expr::Not { item } => {
            out.sql.push_str("NOT ");
            expr(out, item, now);
        }
        Expr::Cond { field, test } => cond(out, field, test, now),
    }
}

/// A long `a and b and c …` becomes a balanced tree: SQLite refuses expressions more
/// than 1,000 levels deep, and a chain would be one level per item.
fn balanced(out: &mut SqlCondition, items: &[Expr], op: &str, now: DateTime<Utc>) {
    out.sql.push('(');
    if items.len() <= 4 {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.sql.push_str(op);
            }
            expr(out, item, now);
        }
    } else {
        let (left, right) = items.split_at(items.len() / 2);
        balanced(out, left, op, now);
        out.sql.push_str(op);
        balanced(out, right, op, now);
    }
    out.sql.push(')');
}

impl SqlCondition {
    /// Adds a parameter and returns its numbered placeholder (`?3`), which the SQL may
    /// use more than once.
    pub fn bind(&mut self, p: Param) -> String {
        self.params.push(p);
        format!("?{}", self.params.len())
    }
}

fn column(field: &Field, out: &mut SqlCondition) -> Col {
    match field {
        Field::Name => Col::Text("c.name"),
        Field::Domain => Col::Text("c.domain"),
        Field::Site => Col::Text("s.name"),
        Field::Department => Col::Text("c.department"),
        Field::Os => Col::Text("c.os_name"),
        Field::Owner => Col::Text("c.owner_name"),
        Field::Email => Col::Text("c.owner_email"),
        Field::Role => Col::Enum("c.role"),
        Field::AgentState => Col::Enum("c.agent_state"),
        Field::Policy => Col::Enum("c.client_policy"),
        Field::OsVersion => Col::Version("c.os_version_key".into()),
        Field::AgentVersion => Col::Version("c.agent_version_key".into()),
        Field::Prerequisite(name) => {
            let path = out.bind(Param::Text(format!("$.\"{name}\"")));
            Col::Json(format!("json_extract(c.prerequisite_keys, {path})"))
        }
        Field::LastSeen => Col::Nullable("c.last_seen"),
        Field::LastRun => Col::Nullable("c.last_run"),
        Field::FreeDisk => Col::Nullable("c.free_disk_gb"),
    }
}

fn param(v: &Value) -> Param {
    match v {
        Value::Text(t) | Value::Enum(t) => Param::Text(t.clone()),
        Value::Number(n) => Param::Real(*n),
        Value::Version(v) => Param::Text(version_key(v)),
        Value::Time(t) => Param::Int(t.timestamp()),
    }
}

fn cond(out: &mut SqlCondition, field: &Field, test: &Test, now: DateTime<Utc>) {
    // A site test runs on the sites table, where it matches a handful of rows, and
    // reaches computers through the (site_id, name) index.
    if *field == Field::Site {
        out.sql
            .push_str("c.site_id IN (SELECT s.id FROM sites s WHERE ");
        cond_on(out, Col::Text("s.name"), test, now);
        out.sql.push(')');
        return;
    }
    let col = column(field, out);
    cond_on(out, col, test, now);
}

fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `*` and `?` wildcards as a LIKE pattern; LIKE's own wildcards are escaped.
fn like_pattern(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for c in p.chars() {
        match c {
            '*' => out.push('%'),
            '?' => out.push('_'),
            '%' | '_' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn placeholders(out: &mut SqlCondition, values: &[Value]) {
    out.sql.push('(');
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.sql.push_str(", ");
        }
        let p = out.bind(param(v));
        out.sql.push_str(&p);
    }
    out.sql.push(')');
}

fn cond_on(out: &mut SqlCondition, col: Col, test: &Test, now: DateTime<Utc>) {
    let (c, guard, nocase) = match &col {
        Col::Text(c) => (c.to_string(), None, " COLLATE NOCASE"),
        Col::Enum(c) => (c.to_string(), None, ""),
        Col::Version(c) => (c.clone(), Some(format!("{c} != ''")), ""),
        Col::Nullable(c) => (c.to_string(), Some(format!("{c} IS NOT NULL")), ""),
        Col::Json(c) => (c.clone(), None, ""),
    };
    match test {
        Test::IsEmpty => {
            out.sql.push_str(&match &col {
                Col::Nullable(c) => format!("{c} IS NULL"),
                Col::Json(c) => format!("{c} IS NULL"),
                _ => format!("{c} = ''"),
            });
            return;
        }
        Test::IsNotEmpty => {
            out.sql.push_str(&match &col {
                Col::Nullable(c) => format!("{c} IS NOT NULL"),
                Col::Json(c) => format!("{c} IS NOT NULL"),
                _ => format!("{c} != ''"),
            });
            return;
        }
        _ => {}
    }
    let json = matches!(col, Col::Json(_));
    if json {
        out.sql.push_str("coalesce(");
    }
    out.sql.push('(');
    if let Some(g) = guard {
        out.sql.push_str(&g);
        out.sql.push_str(" AND ");
    }
    match test {
        Test::Compare { cmp, value } => {
            let p = out.bind(param(value));
            out.sql
                .push_str(&format!("{c} {} {p}{nocase}", cmp.symbol()));
        }
        Test::Contains { text } => like(out, &c, format!("%{}%", like_escape(text))),
        Test::StartsWith { text } => like(out, &c, format!("{}%", like_escape(text))),
        Test::EndsWith { text } => like(out, &c, format!("%{}", like_escape(text))),
        Test::Like { pattern } => like(out, &c, like_pattern(pattern)),
        Test::In { values } => {
            out.sql.push_str(&format!("{c}{nocase} IN "));
            placeholders(out, values);
        }
        Test::NotIn { values } => {
            out.sql.push_str(&format!("{c}{nocase} NOT IN "));
            placeholders(out, values);
        }
        Test::Between { low, high } => {
            let (lo, hi) = (out.bind(param(low)), out.bind(param(high)));
            out.sql
                .push_str(&format!("{c} >= {lo}{nocase} AND {c} <= {hi}{nocase}"));
        }
        Test::Within { age } => {
            // "Seen recently" matches most computers: the unary + keeps SQLite off the
            // single-column index, where fetching them row by row is far slower than a scan.
            let p = out.bind(Param::Int(now.timestamp() - age.seconds()));
            out.sql.push_str(&format!("+{c} >= {p}"));
        }
        Test::OlderThan { age } => {
            let p = out.bind(Param::Int(now.timestamp() - age.seconds()));
            out.sql.push_str(&format!("{c} < {p}"));
        }
        Test::IsEmpty | Test::IsNotEmpty => unreachable!("handled above"),
    }
    out.sql.push(')');
    if json {
        out.sql.push_str(", 0)");
    }
}

fn like(out: &mut SqlCondition, c: &str, pattern: String) {
    let p = out.bind(Param::Text(pattern));
    out.sql.push_str(&format!("{c} LIKE {p} ESCAPE '\\'"));
}
