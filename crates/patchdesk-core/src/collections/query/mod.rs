//! The collection query language (docs/query-language.md): text → syntax tree (winnow)
//! → checked, typed AST → parameterised SQL (`sql`) or the in-memory reference.

mod ast;
mod check;
mod fields;
mod print;
pub mod sql;
mod syntax;

pub use ast::*;
pub use fields::{field_infos, FieldInfo};
pub use print::{print, quote};

use serde::Serialize;
use ts_rs::TS;

/// Longer queries are refused before parsing: no query a person writes comes close.
pub const MAX_QUERY_LEN: usize = 64 * 1024;

/// A query that does not parse or check: where it is wrong, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct QueryError {
    pub message: String,
    /// 1-based line and column (in characters) of the bad token.
    pub line: u32,
    pub column: u32,
    /// Byte offsets of the bad token in the query text.
    pub start: u32,
    pub end: u32,
    /// The line of the query and a caret under the bad token.
    pub excerpt: String,
    /// The nearest known name, for a misspelt field or value.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: {}\n{}",
            self.line, self.column, self.message, self.excerpt
        )
    }
}

impl QueryError {
    fn at(
        text: &str,
        start: usize,
        end: usize,
        message: String,
        suggestion: Option<String>,
    ) -> Self {
        let start = floor_char(text, start.min(text.len()));
        let end = floor_char(text, end.clamp(start, text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |p| p + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |p| start + p);
        let line_no = text[..start].matches('\n').count() + 1;
        let column = text[line_start..start].chars().count() + 1;
        // Long lines are cut around the error so the excerpt stays readable.
        let (from, prefix) = if column > 60 {
            (
                floor_char(text, start.saturating_sub(40).max(line_start)),
                "…",
            )
        } else {
            (line_start, "")
        };
        let shown: String = text[from..line_end].chars().take(100).collect();
        let pad = prefix.chars().count() + text[from..start].chars().count();
        let width = text[start..end.min(line_end)].chars().count().clamp(1, 60);
        let excerpt = format!("{prefix}{shown}\n{}{}", " ".repeat(pad), "^".repeat(width));
        QueryError {
            message,
            line: line_no as u32,
            column: column as u32,
            start: start as u32,
            end: end.max(start) as u32,
            excerpt,
            suggestion,
        }
    }
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Parses and checks a query.
pub fn parse(text: &str) -> Result<Expr, QueryError> {
    if text.len() > MAX_QUERY_LEN {
        return Err(QueryError::at(
            text,
            MAX_QUERY_LEN,
            MAX_QUERY_LEN,
            format!(
                "the query is {} bytes long; queries are limited to {} bytes",
                text.len(),
                MAX_QUERY_LEN
            ),
            None,
        ));
    }
    if text.trim().is_empty() {
        return Err(QueryError::at(
            text,
            0,
            0,
            "the query is empty".into(),
            None,
        ));
    }
    let tree = syntax::parse(text).map_err(|e| {
        let end = text[e.offset..]
            .find(char::is_whitespace)
            .map_or(text.len(), |p| e.offset + p);
        QueryError::at(text, e.offset, end, e.message, None)
    })?;
    let mut expr = check::check(tree)
        .map_err(|e| QueryError::at(text, e.span.start, e.span.end, e.message, e.suggestion))?;
    compose(&mut expr);
    Ok(expr)
}

/// Text literals in composed form (NFC), as stored names are, so a decomposed 'São
/// Paulo' matches the stored one. Done on the tree, not the text: composing can change
/// the text's length, and error positions point into the text as typed.
fn compose(e: &mut Expr) {
    fn text(s: &mut String) {
        if let std::borrow::Cow::Owned(c) = crate::validate::nfc(s) {
            *s = c;
        }
    }
    fn value(v: &mut Value) {
        if let Value::Text(s) | Value::Enum(s) = v {
            text(s);
        }
    }
    match e {
        Expr::All => {}
        Expr::And { items } | Expr::Or { items } => items.iter_mut().for_each(compose),
        Expr::Not { item } => compose(item),
        Expr::Cond { field, test } => {
            if let Field::Prerequisite(name) = field {
                text(name);
            }
            match test {
                Test::Compare { value: v, .. } => value(v),
                Test::Contains { text: t }
                | Test::StartsWith { text: t }
                | Test::EndsWith { text: t }
                | Test::Like { pattern: t } => text(t),
                Test::In { values } | Test::NotIn { values } => values.iter_mut().for_each(value),
                Test::Between { low, high } => {
                    value(low);
                    value(high);
                }
                Test::IsEmpty | Test::IsNotEmpty | Test::Within { .. } | Test::OlderThan { .. } => {
                }
            }
        }
    }
}

impl From<QueryError> for crate::Error {
    fn from(e: QueryError) -> Self {
        crate::Error::invalid_with(format!("query error at {e}"), &e)
    }
}
