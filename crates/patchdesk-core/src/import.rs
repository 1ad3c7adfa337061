//! What every CSV import shares: header mapping with aliases, options, the report.

use crate::csvread::{CsvFileError, CsvReader, Record};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Sqlite};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use ts_rs::TS;

/// At most this many rejections are listed one by one; the count stays exact.
pub const MAX_LISTED_REJECTIONS: usize = 10_000;

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct ImportOptions {
    /// Check everything and report, but change nothing.
    pub dry_run: bool,
    /// Refuse the whole file when any row is rejected.
    pub all_or_nothing: bool,
}

/// One rejected row: where and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Rejection {
    #[ts(type = "number")]
    pub line: u64,
    /// The column's header as written in the file, when one column is at fault.
    pub column: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportReport {
    pub file: String,
    /// Data rows read (blank lines are not rows). `accepted + rejected == rowsRead`.
    #[ts(type = "number")]
    pub rows_read: u64,
    #[ts(type = "number")]
    pub accepted: u64,
    #[ts(type = "number")]
    pub rejected: u64,
    /// Of the accepted rows: new records and records that already existed.
    #[ts(type = "number")]
    pub inserted: u64,
    #[ts(type = "number")]
    pub updated: u64,
    /// Rejected rows in file order (at most [`MAX_LISTED_REJECTIONS`]).
    pub rejections: Vec<Rejection>,
    /// Header columns that PatchDesk does not know and ignored.
    pub ignored_columns: Vec<String>,
    /// True when the accepted rows were written (false for a dry run or a refused file).
    pub applied: bool,
    pub dry_run: bool,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

impl ImportReport {
    pub fn new(file: &Path, options: ImportOptions) -> Self {
        ImportReport {
            file: file.display().to_string(),
            rows_read: 0,
            accepted: 0,
            rejected: 0,
            inserted: 0,
            updated: 0,
            rejections: Vec::new(),
            ignored_columns: Vec::new(),
            applied: false,
            dry_run: options.dry_run,
            elapsed_ms: 0,
        }
    }

    pub fn reject(&mut self, line: u64, column: Option<String>, reason: impl Into<String>) {
        self.rejected += 1;
        if self.rejections.len() < MAX_LISTED_REJECTIONS {
            self.rejections.push(Rejection {
                line,
                column,
                reason: reason.into(),
            });
        }
    }
}

/// A column an importer understands.
pub struct ColumnSpec {
    pub key: &'static str,
    /// Accepted header spellings, compared after [`normalize`].
    pub aliases: &'static [&'static str],
    pub required: bool,
}

/// Lower-case letters and digits only: `Computer Name`, `computer_name` and
/// `COMPUTERNAME` all become `computername`.
pub fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// Which field of a record holds which known column.
pub struct HeaderMap {
    pub headers: Vec<String>,
    slots: Vec<Option<usize>>,
    /// `prereq:NAME` columns: (field index, prerequisite name).
    pub prerequisites: Vec<(usize, String)>,
    pub ignored: Vec<String>,
}

impl HeaderMap {
    pub fn build(header: &Record, specs: &[ColumnSpec], allow_prereq: bool) -> Result<Self> {
        let mut slots: Vec<Option<usize>> = vec![None; specs.len()];
        let mut prerequisites = Vec::new();
        let mut ignored = Vec::new();
        for (i, raw) in header.fields.iter().enumerate() {
            let h = raw.trim();
            if h.is_empty() {
                return Err(Error::invalid(format!(
                    "line 1: column {} has an empty header",
                    i + 1
                )));
            }
            if allow_prereq {
                let lower = h.to_ascii_lowercase();
                if let Some(name) = lower
                    .strip_prefix("prereq:")
                    .or_else(|| lower.strip_prefix("prerequisite:"))
                {
                    let name = h[h.len() - name.len()..].trim().to_string();
                    if name.is_empty() || name.len() > 64 || name.chars().any(|c| c.is_control()) {
                        return Err(Error::invalid(format!(
                            "line 1: column {} ('{h}') needs a prerequisite name after 'prereq:'",
                            i + 1
                        )));
                    }
                    prerequisites.push((i, name));
                    continue;
                }
            }
            let n = normalize(h);
            match specs.iter().position(|s| s.aliases.contains(&n.as_str())) {
                Some(k) => {
                    if let Some(prev) = slots[k] {
                        return Err(Error::invalid(format!(
                            "line 1: columns {} ('{}') and {} ('{h}') both mean '{}'",
                            prev + 1,
                            header.fields[prev].as_str().trim(),
                            i + 1,
                            specs[k].key
                        )));
                    }
                    slots[k] = Some(i);
                }
                None => ignored.push(h.to_string()),
            }
        }
        let missing: Vec<String> = specs
            .iter()
            .zip(&slots)
            .filter(|(s, slot)| s.required && slot.is_none())
            .map(|(s, _)| format!("'{}' (or {})", s.key, s.aliases.join(", ")))
            .collect();
        if !missing.is_empty() {
            return Err(Error::invalid_with(
                format!(
                    "line 1: the header lacks a required column: {}",
                    missing.join("; ")
                ),
                serde_json::json!({ "line": 1 }),
            ));
        }
        Ok(HeaderMap {
            headers: header.fields.iter().map(|h| h.trim().to_string()).collect(),
            slots,
            prerequisites,
            ignored,
        })
    }

    /// The field index of spec number `k`, if the file has that column.
    pub fn index(&self, k: usize) -> Option<usize> {
        self.slots[k]
    }

    pub fn has(&self, k: usize) -> bool {
        self.slots[k].is_some()
    }

    /// The value of spec `k` in `rec` (empty when the file lacks the column).
    pub fn get<'a>(&self, rec: &'a Record, k: usize) -> &'a str {
        self.slots[k]
            .and_then(|i| rec.fields.get(i))
            .map(|s| s.as_str())
            .unwrap_or("")
    }

    pub fn column_name(&self, k: usize) -> Option<String> {
        self.slots[k].map(|i| self.headers[i].clone())
    }
}

/// The end every import shares, once its rows are written in `tx`: roll back for a dry run
/// or a refused file, stop when the user cancelled, else record the import in the audit
/// trail and commit.
pub async fn finish(
    mut tx: crate::db::WriteTx,
    mut report: ImportReport,
    options: ImportOptions,
    progress: &dyn crate::ports::Progress,
    by: &crate::audit::By<'_>,
    what: &str,
    started: std::time::Instant,
) -> Result<ImportReport> {
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    if options.dry_run || (options.all_or_nothing && report.rejected > 0) {
        tx.rollback().await?;
        return Ok(report);
    }
    if progress.is_cancelled() {
        return Err(Error::Cancelled);
    }
    crate::audit::record_import(&mut tx, by, what, &report).await?;
    tx.commit().await?;
    report.applied = true;
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

/// Open `path` for a strict read and return the reader, its size and the header record.
pub fn open_csv(path: &Path) -> Result<(CsvReader<BufReader<File>>, u64, Record)> {
    let file = File::open(path).map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut reader = CsvReader::new(BufReader::with_capacity(256 * 1024, file));
    let header = reader.next_record().map_err(file_error)?.ok_or_else(|| {
        Error::invalid(format!(
            "{} is empty: there is no header line",
            path.display()
        ))
    })?;
    if let Some((field, reason)) = &header.problem {
        return Err(Error::invalid(format!("line 1, column {field}: {reason}")));
    }
    Ok((reader, size, header))
}

/// A file-level CSV problem as an error naming the line and column.
pub fn file_error(e: CsvFileError) -> Error {
    if e.io {
        return Error::io(
            format!(
                "line {}: reading the file failed; nothing was imported",
                e.line
            ),
            std::io::Error::other(e.message),
        );
    }
    let place = match e.field {
        Some(f) => format!("line {}, column {f}", e.line),
        None => format!("line {}", e.line),
    };
    Error::invalid_with(
        format!("{place}: {}; nothing was imported", e.message),
        serde_json::json!({ "line": e.line, "column": e.field }),
    )
}

/// Reject `rec` when its field count differs from the header's; return whether it is usable.
pub fn check_shape(report: &mut ImportReport, map: &HeaderMap, rec: &Record) -> bool {
    if let Some((field, reason)) = &rec.problem {
        let col = map.headers.get(field - 1).cloned();
        report.reject(rec.line, col, reason.clone());
        return false;
    }
    if rec.fields.len() != map.headers.len() {
        report.reject(
            rec.line,
            None,
            format!(
                "has {} fields but the header has {} columns",
                rec.fields.len(),
                map.headers.len()
            ),
        );
        return false;
    }
    true
}

/// The webview names the file to import, and the webview is untrusted: it may only
/// have PatchDesk read regular files ending in `.csv` or `.txt`, so that a hostile
/// script cannot make it read, say, an SSH key and echo lines back in a rejection.
pub fn check_webview_path(path: &Path) -> Result<()> {
    let ext_ok = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv") || e.eq_ignore_ascii_case("txt"));
    if !ext_ok {
        return Err(Error::invalid(format!(
            "{} is not a .csv or .txt file",
            path.display()
        )));
    }
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Ok(()),
        Ok(_) => Err(Error::invalid(format!("{} is not a file", path.display()))),
        Err(e) => Err(Error::io(format!("opening {}", path.display()), e)),
    }
}

/// Append ` AND (col1 LIKE ? OR col2 LIKE ? …)` matching `text` anywhere in any of
/// `columns`, case-insensitively; LIKE wildcards in the user's text are taken literally.
pub fn push_contains_any(qb: &mut QueryBuilder<'_, Sqlite>, columns: &[&str], text: &str) {
    let pat = format!(
        "%{}%",
        text.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    qb.push(" AND (");
    for (i, col) in columns.iter().enumerate() {
        if i > 0 {
            qb.push(" OR ");
        }
        qb.push(format!("{col} LIKE "))
            .push_bind(pat.clone())
            .push(" ESCAPE '\\'");
    }
    qb.push(")");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webview_paths_are_limited_to_csv_and_txt_files() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("a.CSV");
        std::fs::write(&csv, "name\n").unwrap();
        assert!(check_webview_path(&csv).is_ok());
        let key = dir.path().join("id_rsa");
        std::fs::write(&key, "secret\n").unwrap();
        assert!(check_webview_path(&key)
            .unwrap_err()
            .to_string()
            .contains("not a .csv"));
        let folder = dir.path().join("folder.csv");
        std::fs::create_dir(&folder).unwrap();
        assert!(check_webview_path(&folder)
            .unwrap_err()
            .to_string()
            .contains("not a file"));
        let missing = dir.path().join("missing.csv");
        assert_eq!(
            check_webview_path(&missing).unwrap_err().kind(),
            crate::ErrorKind::Io
        );
    }
}
