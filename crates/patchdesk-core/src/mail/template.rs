//! Notification templates: a subject line and a Markdown body with minijinja variables.
//!
//! One source gives both parts of a message: rendered with values as they are, it is the
//! plain-text part; rendered with values escaped for Markdown and then turned into HTML
//! (raw HTML in the source shown as text, styles inlined), it is the HTML part. A value is
//! never read as template syntax, Markdown or HTML, and rendering is bounded by fuel.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use minijinja::{Environment, UndefinedBehavior, Value};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};
use sqlx::{SqliteConnection, SqlitePool};
use ts_rs::TS;

use crate::db::begin_write;
use crate::inventory::ClientPolicy;
use crate::ports::Clock;
use crate::{audit, Error, Result};

/// What a template is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "MailKind")]
pub enum Kind {
    /// Rollout announcement; one text per update-client policy.
    Announcement,
    /// "Please leave your computer on overnight", with a calendar reminder.
    Overnight,
    /// Install-deadline reminder.
    Deadline,
    /// To the administrators of the phase's computers: the rollout is complete.
    RolloutCompleted,
    /// To the administrators of the phase's computers: the rollout failed and is halted.
    RolloutFailed,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Announcement,
        Kind::Overnight,
        Kind::Deadline,
        Kind::RolloutCompleted,
        Kind::RolloutFailed,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Announcement => "announcement",
            Kind::Overnight => "overnight",
            Kind::Deadline => "deadline",
            Kind::RolloutCompleted => "rollout_completed",
            Kind::RolloutFailed => "rollout_failed",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Kind::Announcement => "Rollout announcement",
            Kind::Overnight => "Leave your computer on overnight",
            Kind::Deadline => "Deadline reminder",
            Kind::RolloutCompleted => "Rollout completed (administrators)",
            Kind::RolloutFailed => "Rollout failed (administrators)",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "MailTemplate")]
pub struct Template {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: Kind,
    /// Set for announcements: the update-client policy this text is for.
    pub policy: Option<ClientPolicy>,
    pub name: String,
    pub subject: String,
    pub body: String,
    pub builtin: bool,
    pub updated_at: DateTime<Utc>,
}

/// The text a template is made of; what a campaign copies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TemplateSource {
    pub subject: String,
    pub body: String,
}

/// A rendered message body.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The variables a template may use (top level). Anything else is refused on save.
pub const VARIABLES: [&str; 11] = [
    "recipient",
    "computers",
    "policy",
    "release",
    "phase",
    "available",
    "deadline",
    "overnight",
    "reminder",
    "flag",
    "sender",
];

/// A runaway loop stops here; the longest default renders 1,000 computers with a tenth.
const FUEL: u64 = 500_000;
const MAX_SUBJECT: usize = 200;
const MAX_BODY: usize = 100_000;

struct Default_ {
    kind: Kind,
    policy: Option<ClientPolicy>,
    name: &'static str,
    source: &'static str,
}

const DEFAULTS: [Default_; 8] = [
    Default_ {
        kind: Kind::Announcement,
        policy: Some(ClientPolicy::NotifyDownload),
        name: "Announcement: notify for download and install",
        source: include_str!("../../../../assets/mail/announcement-notify_download.md"),
    },
    Default_ {
        kind: Kind::Announcement,
        policy: Some(ClientPolicy::AutoDownloadNotifyInstall),
        name: "Announcement: auto download, notify for install",
        source: include_str!(
            "../../../../assets/mail/announcement-auto_download_notify_install.md"
        ),
    },
    Default_ {
        kind: Kind::Announcement,
        policy: Some(ClientPolicy::AutoDownloadScheduled),
        name: "Announcement: auto download, scheduled install",
        source: include_str!("../../../../assets/mail/announcement-auto_download_scheduled.md"),
    },
    Default_ {
        kind: Kind::Announcement,
        policy: Some(ClientPolicy::ConfigmgrAdvertised),
        name: "Announcement: Configuration Manager program",
        source: include_str!("../../../../assets/mail/announcement-configmgr_advertised.md"),
    },
    Default_ {
        kind: Kind::Overnight,
        policy: None,
        name: "Leave your computer on overnight",
        source: include_str!("../../../../assets/mail/overnight.md"),
    },
    Default_ {
        kind: Kind::Deadline,
        policy: None,
        name: "Deadline reminder",
        source: include_str!("../../../../assets/mail/deadline.md"),
    },
    Default_ {
        kind: Kind::RolloutCompleted,
        policy: None,
        name: "Rollout completed",
        source: include_str!("../../../../assets/mail/rollout_completed.md"),
    },
    Default_ {
        kind: Kind::RolloutFailed,
        policy: None,
        name: "Rollout failed",
        source: include_str!("../../../../assets/mail/rollout_failed.md"),
    },
];

/// Splits an asset file: `Subject: ...`, a blank line, then the body.
fn split_source(source: &str) -> TemplateSource {
    let (first, rest) = source.split_once('\n').unwrap_or((source, ""));
    TemplateSource {
        subject: first.trim_start_matches("Subject:").trim().to_string(),
        body: rest.trim_start_matches('\n').to_string(),
    }
}

/// Adds the default templates that are missing (by kind and policy). Run at open.
pub async fn ensure_defaults(pool: &SqlitePool, now: DateTime<Utc>) -> Result<()> {
    // Opening must not take the write lock when nothing is missing: a read-only `info`
    // would otherwise wait behind a long import.
    let present: Vec<(String, String, String)> =
        sqlx::query_as("SELECT kind, ifnull(policy, ''), name FROM mail_templates")
            .fetch_all(pool)
            .await?;
    let missing = DEFAULTS.iter().any(|d| {
        let policy = d.policy.map(|p| p.as_str()).unwrap_or("");
        !present
            .iter()
            .any(|(k, p, n)| (k == d.kind.as_str() && p == policy) || n == d.name)
    });
    if !missing {
        return Ok(());
    }
    let mut tx = begin_write(pool).await?;
    for d in &DEFAULTS {
        let src = split_source(d.source);
        sqlx::query(
            "INSERT INTO mail_templates (kind, policy, name, subject, body, builtin, updated_at)
             SELECT ?, ?, ?, ?, ?, 1, ?
             WHERE NOT EXISTS (SELECT 1 FROM mail_templates WHERE kind = ? AND ifnull(policy, '') = ?)
               AND NOT EXISTS (SELECT 1 FROM mail_templates WHERE name = ?)",
        )
        .bind(d.kind.as_str())
        .bind(d.policy.map(|p| p.as_str()))
        .bind(d.name)
        .bind(&src.subject)
        .bind(&src.body)
        .bind(now.timestamp())
        .bind(d.kind.as_str())
        .bind(d.policy.map(|p| p.as_str()).unwrap_or(""))
        .bind(d.name)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

type Row = (
    i64,
    String,
    Option<String>,
    String,
    String,
    String,
    bool,
    i64,
);
const COLUMNS: &str = "id, kind, policy, name, subject, body, builtin, updated_at";

fn from_row(r: Row) -> Template {
    Template {
        id: r.0,
        kind: Kind::parse(&r.1).unwrap_or(Kind::Announcement),
        policy: r.2.as_deref().and_then(|p| ClientPolicy::parse(p).ok()),
        name: r.3,
        subject: r.4,
        body: r.5,
        builtin: r.6,
        updated_at: DateTime::from_timestamp(r.7, 0).unwrap_or_default(),
    }
}

pub async fn list(pool: &SqlitePool) -> Result<Vec<Template>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM mail_templates ORDER BY
           CASE kind WHEN 'announcement' THEN 0 WHEN 'overnight' THEN 1 WHEN 'deadline' THEN 2 ELSE 3 END,
           CASE policy WHEN 'notify_download' THEN 0 WHEN 'auto_download_notify_install' THEN 1
                       WHEN 'auto_download_scheduled' THEN 2 ELSE 3 END"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(from_row).collect())
}

pub async fn get(pool: &SqlitePool, id: i64) -> Result<Template> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM mail_templates WHERE id = ?"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    row.map(from_row)
        .ok_or_else(|| Error::NotFound(format!("no template with id {id}")))
}

/// The kind a user means by a name: a kind ("overnight"), its label, or a template's name.
pub async fn resolve_kind(pool: &SqlitePool, name: &str) -> Result<Kind> {
    let n = name.trim();
    if let Some(k) = Kind::ALL
        .into_iter()
        .find(|k| k.as_str().eq_ignore_ascii_case(n) || k.label().eq_ignore_ascii_case(n))
    {
        return Ok(k);
    }
    let kind: Option<String> =
        sqlx::query_scalar("SELECT kind FROM mail_templates WHERE name = ? COLLATE NOCASE")
            .bind(n)
            .fetch_optional(pool)
            .await?;
    kind.as_deref().and_then(Kind::parse).ok_or_else(|| {
        Error::NotFound(format!(
            "no template or kind \"{n}\"; kinds: {}",
            Kind::ALL.map(|k| k.as_str()).join(", ")
        ))
    })
}

/// The templates a campaign of `kind` uses, keyed by policy (`""` = any policy).
pub async fn sources_for(
    conn: &mut SqliteConnection,
    kind: Kind,
) -> Result<std::collections::BTreeMap<String, TemplateSource>> {
    let rows: Vec<(Option<String>, String, String)> =
        sqlx::query_as("SELECT policy, subject, body FROM mail_templates WHERE kind = ?")
            .bind(kind.as_str())
            .fetch_all(&mut *conn)
            .await?;
    if rows.is_empty() {
        return Err(Error::invalid(format!(
            "there is no template for \"{}\"",
            kind.label()
        )));
    }
    Ok(rows
        .into_iter()
        .map(|(p, subject, body)| (p.unwrap_or_default(), TemplateSource { subject, body }))
        .collect())
}

/// Saves an edited template after checking that it renders with sample data.
pub async fn save(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    id: i64,
    source: &TemplateSource,
) -> Result<Template> {
    let before = get(pool, id).await?;
    check(source, Some(before.kind))?;
    let mut tx = begin_write(pool).await?;
    sqlx::query("UPDATE mail_templates SET subject = ?, body = ?, updated_at = ? WHERE id = ?")
        .bind(&source.subject)
        .bind(&source.body)
        .bind(clock.now().timestamp())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        clock.now(),
        actor,
        "mail_template.update",
        "mail_template",
        Some(id),
        serde_json::json!({ "name": before.name, "subject": source.subject }),
    )
    .await?;
    tx.commit().await?;
    get(pool, id).await
}

/// Puts a built-in template back to the shipped text.
pub async fn reset(pool: &SqlitePool, clock: &dyn Clock, actor: &str, id: i64) -> Result<Template> {
    let t = get(pool, id).await?;
    let d = DEFAULTS
        .iter()
        .find(|d| d.kind == t.kind && d.policy == t.policy)
        .ok_or_else(|| Error::invalid(format!("\"{}\" has no shipped text", t.name)))?;
    save(pool, clock, actor, id, &split_source(d.source)).await
}

/// Refuses a template that does not parse, uses an unknown variable, or fails on the
/// sample data; the error names the part and, where minijinja knows it, the line.
pub fn check(source: &TemplateSource, kind: Option<Kind>) -> Result<()> {
    check_and_render(source, kind).map(|_| ())
}

/// [`check`], returning the rendering of the sample data it made on the way.
fn check_and_render(source: &TemplateSource, kind: Option<Kind>) -> Result<Rendered> {
    let subject = crate::validate::text(&source.subject, MAX_SUBJECT)
        .map_err(|e| Error::invalid(format!("subject {e}")))?;
    if subject.is_empty() {
        return Err(Error::invalid("the subject is empty"));
    }
    if source.body.len() > MAX_BODY {
        return Err(Error::invalid(format!(
            "the body is longer than {MAX_BODY} bytes"
        )));
    }
    let env = environment(Mode::Text);
    for (part, text) in [("subject", &source.subject), ("body", &source.body)] {
        let tmpl = env
            .template_from_str(text)
            .map_err(|e| template_error(part, &e))?;
        // Functions such as `range` are globals, not data.
        let known: BTreeSet<&str> = VARIABLES
            .into_iter()
            .chain(env.globals().map(|(name, _)| name))
            .collect();
        let mut unknown: Vec<String> = tmpl
            .undeclared_variables(false)
            .into_iter()
            .filter(|v| !known.contains(v.as_str()))
            .collect();
        unknown.sort();
        if !unknown.is_empty() {
            return Err(Error::invalid_with(
                format!(
                    "the {part} uses unknown variable{} {}; known: {}",
                    if unknown.len() > 1 { "s" } else { "" },
                    unknown.join(", "),
                    VARIABLES.join(", ")
                ),
                &unknown,
            ));
        }
    }
    let rendered = render(source, &sample_context())?;
    // A campaign may have no flag or reminder, and only overnight ones have a night:
    // what a template uses must be there, or guarded with {% if … %}.
    if let Some(kind) = kind {
        let mut bare = sample_json();
        bare["flag"] = serde_json::Value::Null;
        bare["reminder"] = serde_json::Value::Null;
        if kind != Kind::Overnight {
            bare["overnight"] = serde_json::Value::Null;
        }
        render(source, &value(bare)).map_err(|e| {
            Error::invalid(format!(
                "{e} (a campaign without a follow-up flag or calendar reminder{} has none: guard it with {{% if … %}})",
                if kind == Kind::Overnight { "" } else { ", or not for one night," }
            ))
        })?;
    }
    Ok(rendered)
}

fn template_error(part: &str, e: &minijinja::Error) -> Error {
    let line = e.line().map(|l| format!(" (line {l})")).unwrap_or_default();
    let what = match e.kind() {
        minijinja::ErrorKind::OutOfFuel => {
            "takes too long to render (a loop that does not end?)".to_string()
        }
        _ => e.detail().unwrap_or(&e.kind().to_string()).to_string(),
    };
    Error::invalid(format!("the {part}{line}: {what}"))
}

#[derive(Clone, Copy)]
enum Mode {
    Text,
    Markdown,
}

fn environment(mode: Mode) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    // `safe` would let a value bypass escaping.
    env.remove_filter("safe");
    env.set_formatter(move |out, _state, value| {
        if value.is_none() || value.is_undefined() {
            return Ok(());
        }
        let s = value.to_string();
        let s = clean_value(&s);
        let written = match mode {
            Mode::Text => s,
            Mode::Markdown => markdown_escape(&s),
        };
        out.write_str(&written).map_err(minijinja::Error::from)
    });
    env
}

/// Control characters in a value (a line break in a name) become spaces: a value is one
/// line of text wherever it lands.
fn clean_value(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Backslash-escapes every ASCII punctuation character (CommonMark allows it for all of
/// them), so a value is shown as typed and never becomes a link, emphasis or table cell.
fn markdown_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Renders subject, plain text and HTML for one recipient's context.
pub fn render(source: &TemplateSource, ctx: &Value) -> Result<Rendered> {
    let text_env = environment(Mode::Text);
    let subject = text_env
        .render_str(&source.subject, ctx)
        .map_err(|e| template_error("subject", &e))?;
    let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
    let text = text_env
        .render_str(&source.body, ctx)
        .map_err(|e| template_error("body", &e))?;
    let md = environment(Mode::Markdown)
        .render_str(&source.body, ctx)
        .map_err(|e| template_error("body", &e))?;
    Ok(Rendered {
        html: markdown_to_html(&md, &subject),
        subject,
        text: tidy_text(&text),
    })
}

/// The plain-text part: Markdown reads well as it is, except for bold marks and table
/// syntax; tables become aligned columns.
fn tidy_text(s: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut table: Vec<Vec<String>> = Vec::new();
    let flush = |table: &mut Vec<Vec<String>>, lines: &mut Vec<String>| {
        let cols = table.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..cols)
            .map(|i| {
                table
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|c| c.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for row in table.drain(..) {
            let cells: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{c:<w$}", w = widths[i]))
                .collect();
            lines.push(cells.join("   ").trim_end().to_string());
        }
    };
    for line in s.lines() {
        let line = line.trim_end().replace("**", "");
        if line.starts_with('|') {
            let inner = line.trim_matches('|');
            if inner.chars().all(|c| matches!(c, '-' | ':' | '|' | ' ')) {
                continue;
            }
            table.push(inner.split('|').map(|c| c.trim().to_string()).collect());
            continue;
        }
        if !table.is_empty() {
            flush(&mut table, &mut lines);
        }
        lines.push(line);
    }
    flush(&mut table, &mut lines);
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in lines {
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(&line);
        out.push('\n');
    }
    out.trim().to_string() + "\n"
}

// Inline styles, because most mail clients drop <style> blocks.
const STYLE_BODY: &str = "margin:0;padding:24px;background:#f4f5f7;font-family:'Segoe UI',Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1f2328";
const STYLE_CARD: &str =
    "max-width:640px;margin:0 auto;background:#ffffff;border:1px solid #d8dee4;border-radius:6px;padding:24px 28px";
const STYLE_TABLE: &str = "border-collapse:collapse;margin:12px 0;font-size:14px";
const STYLE_TH: &str =
    "text-align:left;padding:6px 10px;border-bottom:2px solid #d8dee4;background:#f6f8fa";
const STYLE_TD: &str = "padding:6px 10px;border-bottom:1px solid #eaeef2";

/// Markdown to a complete HTML document. Raw HTML in the source is shown as text.
fn markdown_to_html(md: &str, title: &str) -> String {
    let parser =
        Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|ev| {
            match ev {
                Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
                other => other,
            }
        });
    let mut body = String::new();
    let mut in_head = false;
    for ev in parser {
        // Open and close tags get their style inline; everything else is pushed as is.
        let styled = match &ev {
            Event::Start(Tag::Table(_)) => Some(format!("<table style=\"{STYLE_TABLE}\">")),
            Event::Start(Tag::TableHead) => {
                in_head = true;
                Some("<thead><tr>".to_string())
            }
            Event::End(TagEnd::TableHead) => {
                in_head = false;
                Some("</tr></thead><tbody>".to_string())
            }
            Event::End(TagEnd::Table) => Some("</tbody></table>".to_string()),
            Event::Start(Tag::TableCell) if in_head => Some(format!("<th style=\"{STYLE_TH}\">")),
            Event::Start(Tag::TableCell) => Some(format!("<td style=\"{STYLE_TD}\">")),
            Event::End(TagEnd::TableCell) if in_head => Some("</th>".to_string()),
            Event::End(TagEnd::TableCell) => Some("</td>".to_string()),
            Event::Start(Tag::TableRow) => Some("<tr>".to_string()),
            Event::End(TagEnd::TableRow) => Some("</tr>".to_string()),
            Event::Start(Tag::Paragraph) => Some("<p style=\"margin:0 0 12px\">".to_string()),
            _ => None,
        };
        match styled {
            Some(s) => body.push_str(&s),
            None => pulldown_cmark::html::push_html(&mut body, std::iter::once(ev)),
        }
    }
    let title_html = html_escape(title);
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title_html}</title></head>\n<body style=\"{STYLE_BODY}\"><div style=\"{STYLE_CARD}\">\n{body}</div></body></html>\n"
    )
}

pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Template data from JSON.
pub fn value(v: serde_json::Value) -> Value {
    Value::from(minijinja::value::Serde(v))
}

/// Sample values for checking a template and for the editor's preview.
pub fn sample_context() -> Value {
    value(sample_json())
}

/// The same names and shapes a campaign's messages are rendered with.
fn sample_json() -> serde_json::Value {
    let computers = vec![
        serde_json::json!({"name": "SEOUL-WS-0042", "site": "Seoul", "time_zone": "Asia/Seoul",
            "policy": "Auto download, notify for install", "available": "Wed 9 Dec 2026, 09:00 (KST)",
            "deadline": "Wed 16 Dec 2026, 18:00 (KST)"}),
        serde_json::json!({"name": "SEOUL-LT-0107", "site": "Seoul", "time_zone": "Asia/Seoul",
            "policy": "Auto download, notify for install", "available": "Wed 9 Dec 2026, 09:00 (KST)",
            "deadline": "Wed 16 Dec 2026, 18:00 (KST)"}),
    ];
    serde_json::json!({
        "recipient": {"name": "Kim Min-jun", "email": "minjun.kim@example.com"},
        "computers": computers,
        "policy": {"key": "auto_download_notify_install", "label": "Auto download, notify for install"},
        "release": {"id": 12, "title": "December 2026 security updates", "kind": "normal"},
        "phase": {"name": "Ring 1: early adopters"},
        "available": "Wed 9 Dec 2026, 09:00 (KST)",
        "deadline": "Wed 16 Dec 2026, 18:00 (KST)",
        "overnight": {"date": "Thursday 10 December 2026"},
        "reminder": {"title": "Leave your computer on tonight", "start": "Thu 10 Dec 2026, 16:30 (KST)", "time": "16:30"},
        "flag": {"text": "Follow up", "due": "Wed 16 Dec 2026, 18:00 (KST)"},
        "sender": {"name": "IT Service Desk", "email": "servicedesk@example.com"},
    })
}

/// Renders a template as it is being edited, against the sample data.
pub fn preview(source: &TemplateSource, kind: Option<Kind>) -> Result<Rendered> {
    check_and_render(source, kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_renders_and_uses_only_known_variables() {
        for d in &DEFAULTS {
            let src = split_source(d.source);
            check(&src, Some(d.kind)).unwrap_or_else(|e| panic!("{}: {e}", d.name));
            let r = render(&src, &sample_context()).unwrap();
            assert!(r.html.contains("SEOUL-WS-0042"), "{}", d.name);
            assert!(!r.subject.contains('\n'));
        }
    }

    #[test]
    fn values_are_literal_text_in_both_parts() {
        let src = TemplateSource {
            subject: "Hi {{ recipient.name }}".into(),
            body: "Dear {{ recipient.name }}".into(),
        };
        let ctx = value(serde_json::json!({
            "recipient": {"name": "<script>alert(1)</script> {{ 7*7 }} *x* [a](http://e)\r\nBcc: x"}
        }));
        let r = render(&src, &ctx).unwrap();
        assert!(!r.html.contains("<script>"));
        assert!(r.html.contains("&lt;script&gt;"));
        assert!(r.html.contains("{{ 7*7 }}"));
        assert!(!r.html.contains("<em>") && !r.html.contains("<a "));
        assert!(!r.subject.contains('\r') && !r.subject.contains('\n'));
        assert!(r.text.contains("{{ 7*7 }}") && !r.text.contains("49"));
    }

    #[test]
    fn raw_html_in_the_source_is_shown_as_text() {
        let src = TemplateSource {
            subject: "s".into(),
            body: "<script>alert(1)</script>\n\nHello <b>you</b>".into(),
        };
        let r = render(&src, &sample_context()).unwrap();
        assert!(!r.html.contains("<script>") && !r.html.contains("<b>"));
    }

    #[test]
    fn unknown_variables_and_runaway_loops_are_refused() {
        let bad = TemplateSource {
            subject: "s".into(),
            body: "{{ recipient.name }} {{ secret_token }}".into(),
        };
        let e = check(&bad, None).unwrap_err().to_string();
        assert!(e.contains("secret_token"), "{e}");
        let nested = TemplateSource {
            subject: "s".into(),
            body: "{{ recipient.shoe_size }}".into(),
        };
        assert!(check(&nested, None).is_err());
        let looping = TemplateSource {
            subject: "s".into(),
            body: "{% for i in range(1000) %}{% for j in range(1000) %}x{% endfor %}{% endfor %}"
                .into(),
        };
        let e = check(&looping, None).unwrap_err().to_string();
        assert!(e.contains("too long"), "{e}");
        let crlf = TemplateSource {
            subject: "a\r\nBcc: evil@example.com".into(),
            body: "b".into(),
        };
        assert!(check(&crlf, None).is_err());
        // A flag used without a guard fails when a campaign has none.
        let unguarded = TemplateSource {
            subject: "s".into(),
            body: "Due {{ flag.due }}".into(),
        };
        assert!(check(&unguarded, None).is_ok());
        let e = check(&unguarded, Some(Kind::Deadline))
            .unwrap_err()
            .to_string();
        assert!(e.contains("guard it"), "{e}");
    }
}
