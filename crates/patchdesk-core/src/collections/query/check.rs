//! From the syntax tree to the typed AST: fields resolved, operators and values checked
//! against the field's type. Every error points at the token that is wrong.

use super::ast::*;
use super::fields::{all_names, nearest};
use super::syntax::{Lit, SCond, SExpr, SOp, Span};
use chrono::{DateTime, Datelike, NaiveDate, Utc};

pub(crate) struct CheckError {
    pub span: Span,
    pub message: String,
    pub suggestion: Option<String>,
}

type R<T> = Result<T, CheckError>;

fn err(span: &Span, message: impl Into<String>) -> CheckError {
    CheckError {
        span: span.clone(),
        message: message.into(),
        suggestion: None,
    }
}

pub(crate) fn check(e: SExpr) -> R<Expr> {
    Ok(match e {
        SExpr::All => Expr::All,
        SExpr::And(items) => Expr::And {
            items: items.into_iter().map(check).collect::<R<_>>()?,
        },
        SExpr::Or(items) => Expr::Or {
            items: items.into_iter().map(check).collect::<R<_>>()?,
        },
        SExpr::Not(item) => Expr::Not {
            item: Box::new(check(*item)?),
        },
        SExpr::Cond(c) => cond(c)?,
    })
}

fn field(c: &SCond) -> R<Field> {
    if let Some(key) = &c.key {
        let name = key.text.trim();
        if name.is_empty() || name.contains('"') {
            return Err(err(
                &key.span,
                "a prerequisite's name cannot be empty or contain '\"'",
            ));
        }
        return Ok(Field::Prerequisite(name.to_string()));
    }
    Field::lookup(&c.field).ok_or_else(|| {
        let suggestion = nearest(&c.field, all_names()).map(str::to_string);
        let message = match &suggestion {
            Some(s) => format!("unknown field '{}'; did you mean '{s}'?", c.field),
            None => format!(
                "unknown field '{}' (fields: name, site, role, os, os_version, department, \
                 owner, email, last_seen, last_run, free_disk_gb, agent_version, agent_state, \
                 policy, prerequisite['…'])",
                c.field
            ),
        };
        CheckError {
            span: c.field_span.clone(),
            message,
            suggestion,
        }
    })
}

fn type_name(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Text => "a text field",
        FieldType::Version => "a version field",
        FieldType::Number => "a number field",
        FieldType::Time => "a time field",
        FieldType::Enum => "a field with fixed values",
    }
}

fn cond(c: SCond) -> R<Expr> {
    let f = field(&c)?;
    let ty = f.ty();
    let fname = f.name();
    let refuse = |what: &str, instead: &str| {
        err(
            &c.op_span,
            format!(
                "'{what}' does not apply to {fname} ({}); use {instead}",
                type_name(ty)
            ),
        )
    };
    let text_only = |what: &str| match ty {
        FieldType::Text => Ok(()),
        FieldType::Enum => Err(refuse(what, "=, != or in")),
        FieldType::Time => Err(refuse(what, "within, older than, <, > or between")),
        _ => Err(refuse(what, "=, !=, <, <=, >, >=, in or between")),
    };
    let test = match c.op {
        SOp::Cmp(cmp, v) => {
            if ty == FieldType::Enum && !matches!(cmp, CmpOp::Eq | CmpOp::Ne) {
                return Err(refuse(cmp.symbol(), "=, != or in"));
            }
            Test::Compare {
                cmp,
                value: value(&f, &v)?,
            }
        }
        SOp::Contains(v) => {
            text_only("contains")?;
            Test::Contains { text: v.text }
        }
        SOp::StartsWith(v) => {
            text_only("starts with")?;
            Test::StartsWith { text: v.text }
        }
        SOp::EndsWith(v) => {
            text_only("ends with")?;
            Test::EndsWith { text: v.text }
        }
        SOp::Like(v) => {
            text_only("like")?;
            Test::Like { pattern: v.text }
        }
        SOp::In(vs) | SOp::NotIn(vs) if ty == FieldType::Time => {
            let _ = vs;
            return Err(refuse("in", "within, older than, <, > or between"));
        }
        SOp::In(vs) => Test::In {
            values: vs.iter().map(|v| value(&f, v)).collect::<R<_>>()?,
        },
        SOp::NotIn(vs) => Test::NotIn {
            values: vs.iter().map(|v| value(&f, v)).collect::<R<_>>()?,
        },
        SOp::Between(a, b) => {
            if ty == FieldType::Enum {
                return Err(refuse("between", "=, != or in"));
            }
            Test::Between {
                low: value(&f, &a)?,
                high: value(&f, &b)?,
            }
        }
        SOp::IsEmpty | SOp::IsNotEmpty if ty == FieldType::Enum => {
            return Err(refuse("is empty", "=, != or in"));
        }
        SOp::IsEmpty => Test::IsEmpty,
        SOp::IsNotEmpty => Test::IsNotEmpty,
        SOp::Within(v) | SOp::OlderThan(v) if ty != FieldType::Time => {
            let _ = v;
            return Err(refuse(
                "within/older than",
                "a time field such as last_seen",
            ));
        }
        SOp::Within(v) => Test::Within { age: age(&v)? },
        SOp::OlderThan(v) => Test::OlderThan { age: age(&v)? },
    };
    Ok(Expr::Cond { field: f, test })
}

fn age(v: &Lit) -> R<Age> {
    let t = v.text.trim();
    let bad = || {
        err(
            &v.span,
            format!("'{t}' is not an age; write a whole number and a unit: 30m, 12h, 7d or 2w"),
        )
    };
    let unit = match t.chars().last().map(|c| c.to_ascii_lowercase()) {
        Some('m') => AgeUnit::Minutes,
        Some('h') => AgeUnit::Hours,
        Some('d') => AgeUnit::Days,
        Some('w') => AgeUnit::Weeks,
        _ => return Err(bad()),
    };
    let digits = &t[..t.len() - 1];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let amount: u32 = digits.parse().map_err(|_| bad())?;
    if amount > 100_000 {
        return Err(err(
            &v.span,
            format!("'{t}' is too long ago (at most 100000 of a unit)"),
        ));
    }
    Ok(Age { amount, unit })
}

fn value(f: &Field, v: &Lit) -> R<Value> {
    let t = v.text.as_str();
    Ok(match f.ty() {
        FieldType::Text => Value::Text(t.to_string()),
        FieldType::Number => {
            let n: f64 = t.trim().parse().ok().filter(|n: &f64| n.is_finite()).ok_or_else(|| {
                err(&v.span, format!("'{t}' is not a number ({} takes numbers such as 20 or 7.5)", f.name()))
            })?;
            Value::Number(n)
        }
        FieldType::Version => {
            let ok = !t.is_empty()
                && t.split('.').all(|p| !p.is_empty() && p.len() <= 10 && p.bytes().all(|b| b.is_ascii_digit()));
            if !ok {
                return Err(err(
                    &v.span,
                    format!("'{t}' is not a version ({} takes digits separated by dots, such as 10.0.19045)", f.name()),
                ));
            }
            Value::Version(t.to_string())
        }
        FieldType::Time => Value::Time(time(t).ok_or_else(|| {
            err(
                &v.span,
                format!("'{t}' is not a date or time (use 2026-11-01 or 2026-11-01T08:00:00Z, in UTC, years 1970 to 9999; or 'within 7d')"),
            )
        })?),
        FieldType::Enum => {
            let canon = match f {
                Field::Role => crate::inventory::Role::parse(t).ok().flatten().map(|r| r.as_str()),
                Field::AgentState => crate::inventory::AgentState::parse(t).ok().map(|a| a.as_str()),
                Field::Policy => crate::inventory::ClientPolicy::parse(t).ok().map(|p| p.as_str()),
                _ => None,
            };
            match canon {
                Some(c) => Value::Enum(c.to_string()),
                None => {
                    let values = f.enum_values();
                    let suggestion = nearest(t, values.iter().copied()).map(str::to_string);
                    let message = match &suggestion {
                        Some(s) => format!("'{t}' is not a value of {}; did you mean '{s}'?", f.name()),
                        None => format!("'{t}' is not a value of {} (use {})", f.name(), values.join(", ")),
                    };
                    return Err(CheckError {
                        span: v.span.clone(),
                        message,
                        suggestion,
                    });
                }
            }
        }
    })
}

/// Years 1970 to 9999: what an inventory holds, and what RFC 3339 can print back.
fn time(t: &str) -> Option<DateTime<Utc>> {
    let parsed = match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        Ok(d) => d.and_hms_opt(0, 0, 0).map(|n| n.and_utc()),
        Err(_) => DateTime::parse_from_rfc3339(t)
            .ok()
            .map(|d| d.with_timezone(&Utc)),
    }?;
    (1970..=9999).contains(&parsed.year()).then_some(parsed)
}
