//! Opening the SQLite store: pragmas, embedded migrations, backup before migrating.

use crate::{Error, Result};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Open (creating if needed) the database at `path`.
///
/// WAL, foreign keys on every connection, a 15 s busy timeout, `synchronous = FULL`
/// (a committed import survives power loss too, and costs one extra fsync per commit).
/// An existing file with pending migrations is copied to
/// `<name>.backup-<version>.sqlite` first.
pub async fn open(path: &Path) -> Result<SqlitePool> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    }
    let existed = path.exists()
        && std::fs::metadata(path)
            .map(|m| m.len() > 0)
            .unwrap_or(false);
    // A file name, not a URL: '?' or '%' in a directory name must not change its meaning.
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(15))
        .pragma("temp_store", "memory")
        .pragma("cache_size", "-65536")
        // Reads through a memory map skip a copy per page: a scan of 200,000 computers
        // takes half the time (measured with sqlite3 on the same file).
        .pragma("mmap_size", "1073741824");
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(options)
        .await?;
    // Opening writes nothing when nothing is missing: a read-only command must not queue
    // behind a long import for the write lock.
    let pending = !existed || backup_if_pending(&pool, path).await?.is_some();
    if pending {
        MIGRATOR.run(&pool).await?;
    }
    crate::mail::template::ensure_defaults(&pool, chrono::Utc::now()).await?;
    crate::audit::prepare(&pool).await?;
    Ok(pool)
}

/// How long a write waits for another writer (an import, a demo load, an evaluation in
/// another process), and whom it tells that it waits. The app keeps the default: it
/// waits as long as the busy timeout, then says clearly why it could not write. The
/// command line waits much longer and says once that it is waiting.
pub struct WriteWait {
    pub limit: Duration,
    pub notify: Option<fn()>,
}

static WRITE_WAIT: std::sync::OnceLock<WriteWait> = std::sync::OnceLock::new();

/// Sets the process's [`WriteWait`] once, before the first write.
pub fn set_write_wait(wait: WriteWait) {
    let _ = WRITE_WAIT.set(wait);
}

pub(crate) fn is_busy(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d)
        if d.code().is_some_and(|c| c == "5" || c == "517" || c == "261")
            || d.message().contains("database is locked"))
}

/// The error a writer gets when another process kept the database locked too long.
pub fn busy_error() -> Error {
    Error::Conflict(
        "another change to the database is in progress (an import, a demo load or a collection evaluation, perhaps in another window or a script) and did not finish in time; try again when it has finished".into(),
    )
}

/// A JSON value of the settings table; the type's default when missing or unreadable
/// (a setting saved by a newer version falls back rather than failing).
pub async fn setting<T: serde::de::DeserializeOwned + Default>(
    conn: &mut sqlx::SqliteConnection,
    key: &str,
) -> Result<T> {
    let v: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(v.and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default())
}

/// Saves a JSON value in the settings table, inside the caller's transaction.
pub async fn set_setting<T: serde::Serialize>(
    conn: &mut sqlx::SqliteConnection,
    key: &str,
    value: &T,
) -> Result<()> {
    let json = serde_json::to_string(value).map_err(|e| Error::Internal(e.to_string()))?;
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(json)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Start a write transaction with `BEGIN IMMEDIATE`: a deferred transaction that
/// reads and then writes fails under a second writer despite the busy timeout.
///
/// Another writer holding the database makes this wait (each try waits out the busy
/// timeout); past the process's [`WriteWait`] limit it fails with [`busy_error`], never
/// with SQLite's bare "database is locked".
pub async fn begin_write(pool: &SqlitePool) -> Result<WriteTx> {
    let wait = WRITE_WAIT.get();
    let limit = wait.map_or(Duration::ZERO, |w| w.limit);
    let started = std::time::Instant::now();
    let mut told = false;
    loop {
        match pool.begin_with("BEGIN IMMEDIATE").await {
            Ok(tx) => return Ok(WriteTx { tx }),
            Err(e) if is_busy(&e) => {
                if started.elapsed() >= limit {
                    return Err(busy_error());
                }
                if let Some(notify) = wait.and_then(|w| w.notify).filter(|_| !told) {
                    notify();
                    told = true;
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// A write transaction. It is used like the connection it holds (`&mut tx`, `&mut *tx`);
/// its `commit` also refreshes the audit head file beside the database, after the commit,
/// so a transaction that rolls back never leaves the file ahead of the trail.
pub struct WriteTx {
    tx: Transaction<'static, Sqlite>,
}

impl WriteTx {
    pub async fn commit(mut self) -> Result<()> {
        let head = crate::audit::head_to_publish(&mut self.tx).await;
        self.tx.commit().await?;
        if let Some(head) = head {
            head.publish();
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<()> {
        Ok(self.tx.rollback().await?)
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::SqliteConnection;
    fn deref(&self) -> &sqlx::SqliteConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut sqlx::SqliteConnection {
        &mut self.tx
    }
}

async fn backup_if_pending(pool: &SqlitePool, path: &Path) -> Result<Option<PathBuf>> {
    let has_table: Option<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type='table' AND name='_sqlx_migrations'",
    )
    .fetch_optional(pool)
    .await?;
    let applied: Vec<(i64,)> = if has_table.is_some() {
        sqlx::query_as("SELECT version FROM _sqlx_migrations WHERE success = 1")
            .fetch_all(pool)
            .await?
    } else {
        Vec::new()
    };
    let pending = MIGRATOR
        .iter()
        .filter(|m| !m.migration_type.is_down_migration())
        .any(|m| !applied.iter().any(|(v,)| *v == m.version));
    if !pending {
        return Ok(None);
    }
    let latest = applied.iter().map(|(v,)| *v).max().unwrap_or(0);
    let backup = path.with_extension(format!("backup-{latest}.sqlite"));
    if backup.exists() {
        std::fs::remove_file(&backup)
            .map_err(|e| Error::io(format!("replacing {}", backup.display()), e))?;
    }
    sqlx::query("VACUUM INTO ?")
        .bind(backup.to_string_lossy().to_string())
        .execute(pool)
        .await?;
    tracing::info!(backup = %backup.display(), "backed up the database before migrating");
    Ok(Some(backup))
}
