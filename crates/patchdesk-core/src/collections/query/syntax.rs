//! The grammar (winnow): text to a syntax tree that keeps every token's position, so the
//! checker can point at the exact token that is wrong.
//!
//! ```text
//! query   = or EOF
//! or      = and ("or" and)*
//! and     = unary ("and" unary)*
//! unary   = "not"* primary
//! primary = "(" or ")" | "all" | field test
//! field   = word | "prerequisite" "[" string "]"
//! test    = cmp literal | "contains" literal | "starts" "with" literal
//!         | "ends" "with" literal | "like" literal | "not"? "in" list
//!         | "between" literal "and" literal | "is" "not"? "empty"
//!         | "within" literal | "older" "than" literal
//! ```

use super::ast::CmpOp;
use std::ops::Range;
use winnow::combinator::{alt, cut_err, delimited, opt, preceded, separated};
use winnow::error::{ContextError, ErrMode, ModalResult, StrContext, StrContextValue};
use winnow::prelude::*;
use winnow::stream::Location;
use winnow::stream::{LocatingSlice, Stream};
use winnow::token::{any, one_of, take_while};

pub(crate) type Span = Range<usize>;
type In<'a> = LocatingSlice<&'a str>;

/// Parentheses deeper than this are refused before parsing (no stack overflow).
pub(crate) const MAX_DEPTH: usize = 64;
/// More `not`s in a row than this are refused.
pub(crate) const MAX_NOTS: usize = 8;

#[derive(Debug)]
pub(crate) enum SExpr {
    All,
    And(Vec<SExpr>),
    Or(Vec<SExpr>),
    Not(Box<SExpr>),
    Cond(SCond),
}

#[derive(Debug)]
pub(crate) struct SCond {
    pub field: String,
    pub field_span: Span,
    /// `prerequisite['MSXML']`: the quoted name.
    pub key: Option<Lit>,
    pub op: SOp,
    pub op_span: Span,
}

#[derive(Debug)]
pub(crate) enum SOp {
    Cmp(CmpOp, Lit),
    Contains(Lit),
    StartsWith(Lit),
    EndsWith(Lit),
    Like(Lit),
    In(Vec<Lit>),
    NotIn(Vec<Lit>),
    Between(Lit, Lit),
    IsEmpty,
    IsNotEmpty,
    Within(Lit),
    OlderThan(Lit),
}

#[derive(Debug, Clone)]
pub(crate) struct Lit {
    pub text: String,
    pub span: Span,
}

/// A syntax error: where, and what was expected there.
#[derive(Debug)]
pub(crate) struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

const KEYWORDS: &[&str] = &[
    "and", "or", "not", "in", "between", "is", "empty", "contains", "starts", "ends", "with",
    "like", "within", "older", "than",
];

fn expected(what: &'static str) -> StrContext {
    StrContext::Expected(StrContextValue::Description(what))
}

fn backtrack() -> ErrMode<ContextError> {
    ErrMode::Backtrack(ContextError::new())
}

fn ws(i: &mut In<'_>) -> ModalResult<()> {
    take_while(0.., char::is_whitespace).void().parse_next(i)
}

fn word<'a>(i: &mut In<'a>) -> ModalResult<(&'a str, Span)> {
    (
        one_of(|c: char| c.is_ascii_alphabetic() || c == '_'),
        take_while(0.., |c: char| c.is_ascii_alphanumeric() || c == '_'),
    )
        .take()
        .with_span()
        .parse_next(i)
}

/// A keyword, case-insensitive, as a whole word.
fn kw<'a>(name: &'static str) -> impl Parser<In<'a>, Span, ErrMode<ContextError>> {
    move |i: &mut In<'a>| {
        let start = i.checkpoint();
        ws(i)?;
        match word(i) {
            Ok((w, span)) if w.eq_ignore_ascii_case(name) => Ok(span),
            _ => {
                i.reset(&start);
                Err(backtrack())
            }
        }
    }
}

fn sym<'a>(s: &'static str) -> impl Parser<In<'a>, Span, ErrMode<ContextError>> {
    move |i: &mut In<'a>| preceded(ws, s.span()).parse_next(i)
}

/// A quoted string: '…' or "…", the quote doubled inside to stand for itself.
fn string(i: &mut In<'_>) -> ModalResult<Lit> {
    let start = i.current_token_start();
    let opening = i.checkpoint();
    let quote = one_of(['\'', '"']).parse_next(i)?;
    let mut text = String::new();
    loop {
        match opt(any).parse_next(i)? {
            None => {
                // Point at the opening quote: that is what is unclosed.
                let mut e = ContextError::new();
                e.push(expected("a closing quote for the string that starts here"));
                i.reset(&opening);
                return Err(ErrMode::Cut(e));
            }
            Some(c) if c == quote => {
                if i.peek_token() == Some(quote) {
                    i.next_token();
                    text.push(quote);
                } else {
                    break;
                }
            }
            Some(c) => text.push(c),
        }
    }
    Ok(Lit {
        text,
        span: start..i.current_token_start(),
    })
}

/// An unquoted value: `server`, `10.0.19045`, `2026-11-01`, `7d`, `SEOUL-*`, `-3.5`.
fn bare(i: &mut In<'_>) -> ModalResult<Lit> {
    let start = i.checkpoint();
    let (text, span) = take_while(1.., |c: char| {
        c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '*' | '?' | '+')
    })
    .with_span()
    .parse_next(i)?;
    if KEYWORDS.iter().any(|k| text.eq_ignore_ascii_case(k)) {
        i.reset(&start);
        return Err(backtrack());
    }
    Ok(Lit {
        text: text.to_string(),
        span,
    })
}

fn literal(i: &mut In<'_>) -> ModalResult<Lit> {
    preceded(ws, alt((string, bare)))
        .context(expected("a value"))
        .parse_next(i)
}

fn list(i: &mut In<'_>) -> ModalResult<Vec<Lit>> {
    delimited(
        cut_err(sym("(")).context(expected("'(' to open the list")),
        cut_err(separated(1.., literal, sym(","))),
        cut_err(sym(")")).context(expected("',' or ')' to close the list")),
    )
    .parse_next(i)
}

fn cmp_op(i: &mut In<'_>) -> ModalResult<CmpOp> {
    preceded(
        ws,
        alt((
            "!=".value(CmpOp::Ne),
            "<>".value(CmpOp::Ne),
            "<=".value(CmpOp::Le),
            ">=".value(CmpOp::Ge),
            "=".value(CmpOp::Eq),
            "<".value(CmpOp::Lt),
            ">".value(CmpOp::Gt),
        )),
    )
    .parse_next(i)
}

fn test(i: &mut In<'_>) -> ModalResult<(SOp, Span)> {
    ws(i)?;
    let start = i.current_token_start();
    let lit = |i: &mut In<'_>| cut_err(literal).parse_next(i);
    let need = |i: &mut In<'_>, word: &'static str, what: &'static str| {
        cut_err(kw(word))
            .context(expected(what))
            .parse_next(i)
            .map(|_| ())
    };
    let op = if let Ok(c) = cmp_op(i) {
        SOp::Cmp(c, lit(i)?)
    } else {
        let before = i.checkpoint();
        let w = opt(word)
            .parse_next(i)?
            .map(|(w, _)| w.to_ascii_lowercase());
        match w.as_deref() {
            Some("contains") => SOp::Contains(lit(i)?),
            Some("starts") => {
                need(i, "with", "'with' after 'starts'")?;
                SOp::StartsWith(lit(i)?)
            }
            Some("ends") => {
                need(i, "with", "'with' after 'ends'")?;
                SOp::EndsWith(lit(i)?)
            }
            Some("like") => SOp::Like(lit(i)?),
            Some("in") => SOp::In(list(i)?),
            Some("not") => {
                need(
                    i,
                    "in",
                    "'in' after 'not' (write 'not' before the field to negate a test)",
                )?;
                SOp::NotIn(list(i)?)
            }
            Some("between") => {
                let low = lit(i)?;
                need(i, "and", "'and' between the two values")?;
                SOp::Between(low, lit(i)?)
            }
            Some("is") => {
                let not = opt(kw("not")).parse_next(i)?;
                need(i, "empty", "'empty' or 'not empty' after 'is'")?;
                if not.is_some() {
                    SOp::IsNotEmpty
                } else {
                    SOp::IsEmpty
                }
            }
            Some("within") => SOp::Within(lit(i)?),
            Some("older") => {
                need(i, "than", "'than' after 'older'")?;
                SOp::OlderThan(lit(i)?)
            }
            _ => {
                i.reset(&before);
                let mut e = ContextError::new();
                e.push(expected(
                    "an operator (=, !=, <, <=, >, >=, contains, starts with, ends with, like, \
                     in, not in, between, is empty, within, older than)",
                ));
                return Err(ErrMode::Cut(e));
            }
        }
    };
    Ok((op, start..i.previous_token_end()))
}

fn condition(i: &mut In<'_>) -> ModalResult<SExpr> {
    ws(i)?;
    let before = i.checkpoint();
    let (name, field_span) = word
        .context(expected("a field name, 'not' or '('"))
        .parse_next(i)?;
    if name.eq_ignore_ascii_case("all") {
        return Ok(SExpr::All);
    }
    if KEYWORDS.iter().any(|k| name.eq_ignore_ascii_case(k)) {
        i.reset(&before);
        let mut e = ContextError::new();
        e.push(expected("a field name, 'not' or '('"));
        return Err(ErrMode::Cut(e));
    }
    let key = if name.eq_ignore_ascii_case("prerequisite") {
        Some(
            delimited(
                cut_err(sym("[")).context(expected("'[' and the prerequisite's name in quotes")),
                cut_err(preceded(ws, string))
                    .context(expected("the prerequisite's name in quotes")),
                cut_err(sym("]")).context(expected("']'")),
            )
            .parse_next(i)?,
        )
    } else {
        None
    };
    let (op, op_span) = test(i)?;
    Ok(SExpr::Cond(SCond {
        field: name.to_string(),
        field_span,
        key,
        op,
        op_span,
    }))
}

fn primary(i: &mut In<'_>) -> ModalResult<SExpr> {
    ws(i)?;
    if i.peek_token() == Some('(') {
        i.next_token();
        let e = or_expr(i)?;
        cut_err(sym(")"))
            .context(expected("')' to close the parenthesis, or 'and'/'or'"))
            .parse_next(i)?;
        return Ok(e);
    }
    condition(i)
}

fn unary(i: &mut In<'_>) -> ModalResult<SExpr> {
    let mut nots = 0;
    loop {
        let before = i.checkpoint();
        if kw("not").parse_next(i).is_err() {
            break;
        }
        nots += 1;
        if nots > MAX_NOTS {
            i.reset(&before);
            ws(i)?;
            let mut e = ContextError::new();
            e.push(expected("at most 8 'not' in a row"));
            return Err(ErrMode::Cut(e));
        }
    }
    let mut e = primary(i)?;
    for _ in 0..nots {
        e = SExpr::Not(Box::new(e));
    }
    Ok(e)
}

fn chain(
    i: &mut In<'_>,
    sep: &'static str,
    item: fn(&mut In<'_>) -> ModalResult<SExpr>,
    make: fn(Vec<SExpr>) -> SExpr,
) -> ModalResult<SExpr> {
    let mut items = vec![item(i)?];
    while kw(sep).parse_next(i).is_ok() {
        items.push(cut_err(item).parse_next(i)?);
    }
    Ok(if items.len() == 1 {
        items.pop().expect("one item")
    } else {
        make(items)
    })
}

fn and_expr(i: &mut In<'_>) -> ModalResult<SExpr> {
    chain(i, "and", unary, SExpr::And)
}

fn or_expr(i: &mut In<'_>) -> ModalResult<SExpr> {
    chain(i, "or", and_expr, SExpr::Or)
}

fn query(i: &mut In<'_>) -> ModalResult<SExpr> {
    let e = or_expr(i)?;
    ws(i)?;
    if i.eof_offset() > 0 {
        let mut err = ContextError::new();
        err.push(expected("'and', 'or' or the end of the query"));
        return Err(ErrMode::Cut(err));
    }
    Ok(e)
}

/// Refuses nesting deeper than [`MAX_DEPTH`] before the recursive parser sees it.
fn check_depth(text: &str) -> Result<(), SyntaxError> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (at, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(SyntaxError {
                        offset: at,
                        message: format!("parentheses are nested more than {MAX_DEPTH} deep"),
                    });
                }
            }
            (None, ')') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

pub(crate) fn parse(text: &str) -> Result<SExpr, SyntaxError> {
    check_depth(text)?;
    query.parse(LocatingSlice::new(text)).map_err(|e| {
        let mut offset = e.offset();
        // Point at the token, not at the whitespace before it.
        offset += text[offset..].len() - text[offset..].trim_start().len();
        let wanted: Vec<String> = e
            .inner()
            .context()
            .filter_map(|c| match c {
                StrContext::Expected(v) => Some(v.to_string()),
                _ => None,
            })
            .collect();
        let found = match text[offset..].chars().next() {
            None => "the end of the query".to_string(),
            Some(_) => {
                let tok: String = text[offset..]
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .take(20)
                    .collect();
                format!("'{tok}'")
            }
        };
        let message = match wanted.first() {
            Some(w) => format!("expected {w}, found {found}"),
            None => format!("unexpected {found}"),
        };
        SyntaxError { offset, message }
    })
}
