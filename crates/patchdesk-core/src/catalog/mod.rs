//! Update catalogue (SPEC C2): updates keyed by KB number, CSV import, list.

use crate::import::{
    check_shape, file_error, open_csv, ColumnSpec, HeaderMap, ImportOptions, ImportReport,
};
use crate::ports::Progress;
use crate::{db, validate, Error, Result};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection, SqlitePool};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Instant;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Update {
    #[ts(type = "number")]
    pub id: i64,
    pub kb: String,
    pub bulletin_id: String,
    pub title: String,
    pub classification: String,
    pub severity: String,
    pub product: String,
    /// YYYY-MM-DD
    pub release_date: Option<String>,
    /// The KB that replaces this one, if any.
    pub superseded_by: String,
    pub reboot_required: bool,
    pub uninstallable: bool,
    pub max_run_minutes: u32,
}

pub const CLASSIFICATIONS: [&str; 9] = [
    "Security Updates",
    "Critical Updates",
    "Update Rollups",
    "Service Packs",
    "Updates",
    "Feature Packs",
    "Definition Updates",
    "Drivers",
    "Tools",
];
pub const SEVERITIES: [&str; 5] = ["Critical", "Important", "Moderate", "Low", "Unspecified"];

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum UpdateSort {
    #[default]
    ReleaseDate,
    Kb,
    Title,
    Severity,
    Classification,
    Product,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct UpdateQuery {
    /// Matches KB, bulletin id, title and product.
    pub search: Option<String>,
    pub severity: Option<String>,
    pub classification: Option<String>,
    /// Hide updates that another update supersedes.
    pub hide_superseded: bool,
    pub sort: UpdateSort,
    pub descending: bool,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UpdatePage {
    #[ts(type = "number")]
    pub total: i64,
    pub offset: u32,
    pub rows: Vec<Update>,
}

const KB: usize = 0;
const BULLETIN: usize = 1;
const TITLE: usize = 2;
const CLASSIFICATION: usize = 3;
const SEVERITY: usize = 4;
const PRODUCT: usize = 5;
const RELEASE_DATE: usize = 6;
const SUPERSEDED_BY: usize = 7;
const REBOOT: usize = 8;
const UNINSTALLABLE: usize = 9;
const MAX_RUN: usize = 10;

pub const UPDATE_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        key: "kb",
        aliases: &[
            "kb",
            "kbnumber",
            "kbarticle",
            "kbarticleid",
            "articleid",
            "kbid",
        ],
        required: true,
    },
    ColumnSpec {
        key: "bulletin_id",
        aliases: &["bulletinid", "bulletin", "securitybulletin", "msrcnumber"],
        required: false,
    },
    ColumnSpec {
        key: "title",
        aliases: &["title", "name", "updatetitle"],
        required: true,
    },
    ColumnSpec {
        key: "classification",
        aliases: &["classification", "updateclassification", "category"],
        required: false,
    },
    ColumnSpec {
        key: "severity",
        aliases: &["severity", "msrcseverity", "rating"],
        required: false,
    },
    ColumnSpec {
        key: "product",
        aliases: &["product", "products", "productname"],
        required: false,
    },
    ColumnSpec {
        key: "release_date",
        aliases: &["releasedate", "released", "datereleased", "publisheddate"],
        required: false,
    },
    ColumnSpec {
        key: "superseded_by",
        aliases: &["supersededby", "replacedby"],
        required: false,
    },
    ColumnSpec {
        key: "reboot_required",
        aliases: &[
            "rebootrequired",
            "reboot",
            "restartrequired",
            "requiresrestart",
        ],
        required: false,
    },
    ColumnSpec {
        key: "uninstallable",
        aliases: &["uninstallable", "canuninstall", "removable"],
        required: false,
    },
    ColumnSpec {
        key: "max_run_minutes",
        aliases: &[
            "maxrunminutes",
            "maximumruntime",
            "maxruntime",
            "maximumrunminutes",
            "maxruntimeminutes",
        ],
        required: false,
    },
];

/// `KB936021`, `kb 936021` or `936021` → `KB936021`.
pub fn normalize_kb(v: &str) -> Result<String, String> {
    let t = v.trim();
    let digits = t
        .strip_prefix("KB")
        .or_else(|| t.strip_prefix("kb"))
        .or_else(|| t.strip_prefix("Kb"))
        .unwrap_or(t)
        .trim();
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "'{t}' is not a KB number (use KB followed by digits, such as KB936021)"
        ));
    }
    Ok(format!("KB{digits}"))
}

fn pick(value: &str, allowed: &[&str], what: &str, default: &str) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(default.to_string());
    }
    let n = crate::import::normalize(v);
    allowed
        .iter()
        .find(|a| {
            crate::import::normalize(a) == n || crate::import::normalize(a) == format!("{n}s")
        })
        .map(|a| a.to_string())
        .ok_or_else(|| format!("'{v}' is not a {what} (use one of: {})", allowed.join(", ")))
}

/// An update ready to be written.
pub struct UpdateRecord {
    pub kb: String,
    pub bulletin_id: String,
    pub title: String,
    pub classification: String,
    pub severity: String,
    pub product: String,
    pub release_date: Option<String>,
    pub superseded_by: String,
    pub reboot_required: bool,
    pub uninstallable: bool,
    pub max_run_minutes: u32,
}

pub async fn upsert_updates(conn: &mut SqliteConnection, rows: &[UpdateRecord]) -> Result<()> {
    for chunk in rows.chunks(500) {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO updates (kb, bulletin_id, title, classification, severity, product, \
             release_date, superseded_by, reboot_required, uninstallable, max_run_minutes) ",
        );
        qb.push_values(chunk, |mut b, u| {
            b.push_bind(&u.kb)
                .push_bind(&u.bulletin_id)
                .push_bind(&u.title)
                .push_bind(&u.classification)
                .push_bind(&u.severity)
                .push_bind(&u.product)
                .push_bind(&u.release_date)
                .push_bind(&u.superseded_by)
                .push_bind(u.reboot_required)
                .push_bind(u.uninstallable)
                .push_bind(u.max_run_minutes as i64);
        });
        qb.push(
            " ON CONFLICT(kb) DO UPDATE SET bulletin_id = excluded.bulletin_id, title = excluded.title, \
             classification = excluded.classification, severity = excluded.severity, \
             product = excluded.product, release_date = excluded.release_date, \
             superseded_by = excluded.superseded_by, reboot_required = excluded.reboot_required, \
             uninstallable = excluded.uninstallable, max_run_minutes = excluded.max_run_minutes",
        );
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

fn parse_row(
    map: &HeaderMap,
    rec: &crate::csvread::Record,
) -> Result<UpdateRecord, (usize, String)> {
    let get = |k| map.get(rec, k);
    let f = |k: usize, r: Result<String, String>| r.map_err(|e| (k, e));
    let title = f(TITLE, validate::text(get(TITLE), 500))?;
    if title.is_empty() {
        return Err((TITLE, "is empty; every update needs a title".into()));
    }
    let bulletin_id = f(BULLETIN, validate::text(get(BULLETIN), 32))?;
    let superseded_by = match get(SUPERSEDED_BY).trim() {
        "" => String::new(),
        v => f(SUPERSEDED_BY, normalize_kb(v))?,
    };
    let max_run_minutes = match get(MAX_RUN).trim() {
        "" => 60,
        v => match v.parse::<u32>() {
            Ok(n) if (1..=1440).contains(&n) => n,
            _ => {
                return Err((
                    MAX_RUN,
                    format!("'{v}' is not a run time in minutes from 1 to 1440"),
                ))
            }
        },
    };
    Ok(UpdateRecord {
        kb: f(KB, normalize_kb(get(KB)))?,
        bulletin_id,
        title,
        classification: f(
            CLASSIFICATION,
            pick(
                get(CLASSIFICATION),
                &CLASSIFICATIONS,
                "classification",
                "Updates",
            ),
        )?,
        severity: f(
            SEVERITY,
            pick(get(SEVERITY), &SEVERITIES, "severity", "Unspecified"),
        )?,
        product: f(PRODUCT, validate::text(get(PRODUCT), 200))?,
        release_date: validate::date(get(RELEASE_DATE))
            .map_err(|e| (RELEASE_DATE, e))?
            .map(|d| d.format("%Y-%m-%d").to_string()),
        superseded_by,
        reboot_required: validate::boolean(get(REBOOT))
            .map_err(|e| (REBOOT, e))?
            .unwrap_or(true),
        uninstallable: validate::boolean(get(UNINSTALLABLE))
            .map_err(|e| (UNINSTALLABLE, e))?
            .unwrap_or(false),
        max_run_minutes,
    })
}

/// Import updates from a CSV file, upserting by KB number. Same strictness as computers.
pub async fn import_updates(
    pool: &SqlitePool,
    path: &Path,
    options: ImportOptions,
    progress: &dyn Progress,
    by: &crate::audit::By<'_>,
) -> Result<ImportReport> {
    let started = Instant::now();
    let (mut reader, size, header) = open_csv(path)?;
    let map = HeaderMap::build(&header, UPDATE_COLUMNS, false)?;
    let mut report = ImportReport::new(path, options);
    report.ignored_columns = map.ignored.clone();
    progress.stage("Importing updates", Some(size));
    let mut tx = db::begin_write(pool).await?;
    let existing: HashSet<String> = sqlx::query_scalar::<_, String>("SELECT kb FROM updates")
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .collect();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut batch = Vec::new();
    while let Some(rec) = reader.next_record().map_err(file_error)? {
        report.rows_read += 1;
        // Also between batches of rejected rows, so a file of bad rows can be cancelled.
        if report.rows_read.is_multiple_of(1000) && progress.is_cancelled() {
            return Err(Error::Cancelled);
        }
        if !check_shape(&mut report, &map, &rec) {
            continue;
        }
        let u = match parse_row(&map, &rec) {
            Ok(u) => u,
            Err((k, reason)) => {
                report.reject(rec.line, map.column_name(k), reason);
                continue;
            }
        };
        if let Some(first) = seen.get(&u.kb) {
            report.reject(
                rec.line,
                map.column_name(KB),
                format!(
                    "{} is also on line {first}; each update may appear once",
                    u.kb
                ),
            );
            continue;
        }
        if u.superseded_by == u.kb {
            report.reject(
                rec.line,
                map.column_name(SUPERSEDED_BY),
                format!("{} cannot supersede itself", u.kb),
            );
            continue;
        }
        seen.insert(u.kb.clone(), rec.line);
        report.accepted += 1;
        if existing.contains(&u.kb) {
            report.updated += 1;
        } else {
            report.inserted += 1;
        }
        batch.push(u);
        if batch.len() >= 500 {
            upsert_updates(&mut tx, &batch).await?;
            batch.clear();
            progress.advance(reader.bytes_read());
            if progress.is_cancelled() {
                return Err(Error::Cancelled);
            }
        }
    }
    if report.rows_read == 0 {
        return Err(Error::invalid(format!(
            "{} has a header but no data rows; nothing was imported",
            path.display()
        )));
    }
    upsert_updates(&mut tx, &batch).await?;
    progress.advance(size);
    crate::import::finish(tx, report, options, progress, by, "updates", started).await
}

fn update_from_row(r: &sqlx::sqlite::SqliteRow) -> Update {
    Update {
        id: r.get("id"),
        kb: r.get("kb"),
        bulletin_id: r.get("bulletin_id"),
        title: r.get("title"),
        classification: r.get("classification"),
        severity: r.get("severity"),
        product: r.get("product"),
        release_date: r.get("release_date"),
        superseded_by: r.get("superseded_by"),
        reboot_required: r.get("reboot_required"),
        uninstallable: r.get("uninstallable"),
        max_run_minutes: r.get::<i64, _>("max_run_minutes") as u32,
    }
}

pub async fn list_updates(pool: &SqlitePool, q: &UpdateQuery) -> Result<UpdatePage> {
    let limit = if q.limit == 0 { 100 } else { q.limit.min(1000) };
    let push_filters = |qb: &mut QueryBuilder<'_, Sqlite>| {
        qb.push(" WHERE 1=1");
        if let Some(s) = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            let cols = ["kb", "bulletin_id", "title", "product"];
            crate::import::push_contains_any(qb, &cols, s);
        }
        if let Some(s) = q.severity.as_deref().filter(|s| !s.is_empty()) {
            qb.push(" AND severity = ").push_bind(s.to_string());
        }
        if let Some(c) = q.classification.as_deref().filter(|s| !s.is_empty()) {
            qb.push(" AND classification = ").push_bind(c.to_string());
        }
        if q.hide_superseded {
            qb.push(" AND superseded_by = ''");
        }
    };
    let mut count: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT COUNT(*) FROM updates");
    push_filters(&mut count);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
    let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new("SELECT * FROM updates");
    push_filters(&mut qb);
    let col = match q.sort {
        UpdateSort::ReleaseDate => "release_date",
        UpdateSort::Kb => "CAST(substr(kb, 3) AS INTEGER)",
        UpdateSort::Title => "title",
        UpdateSort::Severity => "CASE severity WHEN 'Critical' THEN 0 WHEN 'Important' THEN 1 WHEN 'Moderate' THEN 2 WHEN 'Low' THEN 3 ELSE 4 END",
        UpdateSort::Classification => "classification",
        UpdateSort::Product => "product",
    };
    let dir = if q.descending { "DESC" } else { "ASC" };
    qb.push(format!(" ORDER BY {col} {dir}, kb {dir} LIMIT "))
        .push_bind(limit as i64)
        .push(" OFFSET ")
        .push_bind(q.offset as i64);
    let rows = qb.build().fetch_all(pool).await?;
    Ok(UpdatePage {
        total,
        offset: q.offset,
        rows: rows.iter().map(update_from_row).collect(),
    })
}
