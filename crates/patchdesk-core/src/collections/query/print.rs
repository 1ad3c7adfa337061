//! The AST back to text. `parse(print(ast)) == ast` for every AST the parser can produce
//! (and for every builder tree after [`Expr::normalized`]).

use super::ast::*;
use chrono::SecondsFormat;
use std::fmt::Write;

/// Quotes text with single quotes, doubling any quote inside.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

pub fn print(e: &Expr) -> String {
    let mut out = String::new();
    expr(&mut out, e);
    out
}

fn expr(out: &mut String, e: &Expr) {
    match e {
        Expr::All => out.push_str("all"),
        Expr::And { items } => list(out, items, " and "),
        Expr::Or { items } => list(out, items, " or "),
        Expr::Not { item } => {
            out.push_str("not ");
            child(out, item);
        }
        Expr::Cond { field, test } => cond(out, field, test),
    }
}

/// Composite children are always parenthesised, so the tree's shape survives the text.
fn child(out: &mut String, e: &Expr) {
    if matches!(e, Expr::And { .. } | Expr::Or { .. }) {
        out.push('(');
        expr(out, e);
        out.push(')');
    } else {
        expr(out, e);
    }
}

fn list(out: &mut String, items: &[Expr], sep: &str) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        child(out, item);
    }
}

pub(crate) fn value(v: &Value) -> String {
    match v {
        Value::Text(t) => quote(t),
        Value::Number(n) => format!("{n}"),
        Value::Version(v) => v.clone(),
        Value::Time(t) => quote(&t.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
        Value::Enum(e) => e.clone(),
    }
}

fn values(vs: &[Value]) -> String {
    vs.iter().map(value).collect::<Vec<_>>().join(", ")
}

fn cond(out: &mut String, field: &Field, test: &Test) {
    out.push_str(&field.name());
    let _ = match test {
        Test::Compare { cmp, value: v } => write!(out, " {} {}", cmp.symbol(), value(v)),
        Test::Contains { text } => write!(out, " contains {}", quote(text)),
        Test::StartsWith { text } => write!(out, " starts with {}", quote(text)),
        Test::EndsWith { text } => write!(out, " ends with {}", quote(text)),
        Test::Like { pattern } => write!(out, " like {}", quote(pattern)),
        Test::In { values: vs } => write!(out, " in ({})", values(vs)),
        Test::NotIn { values: vs } => write!(out, " not in ({})", values(vs)),
        Test::Between { low, high } => write!(out, " between {} and {}", value(low), value(high)),
        Test::IsEmpty => write!(out, " is empty"),
        Test::IsNotEmpty => write!(out, " is not empty"),
        Test::Within { age } => write!(out, " within {}{}", age.amount, age.unit.suffix()),
        Test::OlderThan { age } => write!(out, " older than {}{}", age.amount, age.unit.suffix()),
    };
}
