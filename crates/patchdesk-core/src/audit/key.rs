//! The key of a database's audit chain: 32 random bytes, created with the database and
//! named by a random database id in the settings table. It lives in the OS credential
//! store; without one (a headless Linux machine) in a key file readable only by the user,
//! in the config directory rather than beside the database.

use crate::mail::Secrets;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use ts_rs::TS;

/// Environment variable that overrides the key-file directory (tests).
pub const KEY_DIR_ENV: &str = "PATCHDESK_AUDIT_KEY_DIR";
const SETTING: &str = "audit_chain";
const SERVICE: &str = "PatchDesk";

/// Where the key that protects the chain was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "AuditKeySource")]
pub enum KeySource {
    CredentialStore,
    /// The fallback: anyone who can read the user's files can read the key.
    KeyFile,
}

impl KeySource {
    pub fn label(self) -> &'static str {
        match self {
            KeySource::CredentialStore => "credential store",
            KeySource::KeyFile => "key file",
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChainSetting {
    database_id: String,
}

pub(crate) struct ChainKey {
    pub key: [u8; 32],
    /// Rows with an id up to this were written before the chain was keyed (plain
    /// SHA-256). Kept with the key, not in the database, so that editing the database
    /// cannot declare keyed rows unkeyed.
    pub legacy_rows: i64,
    pub source: KeySource,
}

/// Keys already read, by database id: the credential store is asked once per process.
static CACHE: Mutex<BTreeMap<String, Arc<ChainKey>>> = Mutex::new(BTreeMap::new());

fn cached(id: &str) -> Option<Arc<ChainKey>> {
    CACHE.lock().ok()?.get(id).cloned()
}

fn remember(id: &str, key: ChainKey) -> Arc<ChainKey> {
    let key = Arc::new(key);
    if let Ok(mut c) = CACHE.lock() {
        c.insert(id.to_string(), key.clone());
    }
    key
}

pub(crate) async fn database_id(conn: &mut SqliteConnection) -> Result<Option<String>> {
    let s: ChainSetting = crate::db::setting(conn, SETTING).await?;
    Ok(Some(s.database_id).filter(|i| !i.is_empty()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn random<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b)
        .map_err(|e| Error::Internal(format!("no random numbers from the OS: {e}")))?;
    Ok(b)
}

/// "v1:<64 hex digits>:<legacy rows>".
fn encode(key: &[u8; 32], legacy_rows: i64) -> String {
    format!("v1:{}:{legacy_rows}", hex(key))
}

fn decode(text: &str) -> Option<([u8; 32], i64)> {
    let mut parts = text.trim().split(':');
    if parts.next()? != "v1" {
        return None;
    }
    let h = parts.next()?;
    let legacy = parts.next()?.parse().ok()?;
    if h.len() != 64 || parts.next().is_some() {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, k) in key.iter_mut().enumerate() {
        *k = u8::from_str_radix(h.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some((key, legacy))
}

/// `$PATCHDESK_AUDIT_KEY_DIR`, else `PatchDesk/audit-keys` in the user's config directory.
pub fn key_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(KEY_DIR_ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    dirs::config_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("PatchDesk")
        .join("audit-keys")
}

fn key_file(id: &str) -> PathBuf {
    key_dir().join(format!("{id}.key"))
}

fn entry(id: &str) -> std::result::Result<keyring_core::Entry, keyring_core::Error> {
    Secrets::use_platform_store();
    keyring_core::Entry::new(SERVICE, &format!("audit-key:{id}"))
}

/// No store, or one that cannot be used now: the key file is looked at instead.
fn unavailable(e: &keyring_core::Error) -> bool {
    matches!(
        e,
        keyring_core::Error::NoDefaultStore
            | keyring_core::Error::NoStorageAccess(_)
            | keyring_core::Error::PlatformFailure(_)
    )
}

fn store_error(e: keyring_core::Error) -> Error {
    Error::Internal(format!("credential store (audit key): {e}"))
}

fn write_key_file(id: &str, secret: &str) -> Result<()> {
    use std::io::Write;
    let path = key_file(id);
    let io = |e| Error::io(format!("writing the audit key {}", path.display()), e);
    let dir = key_dir();
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(&dir).map_err(io)?;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let mut f = o.open(&path).map_err(io)?;
    f.write_all(secret.as_bytes()).map_err(io)?;
    f.sync_all().map_err(io)
}

/// The key of database `id`, from the cache, the credential store or the key file.
pub(crate) fn load(id: &str) -> Result<Option<Arc<ChainKey>>> {
    if let Some(k) = cached(id) {
        return Ok(Some(k));
    }
    // The credential store first: a key file planted beside a stored key is not used.
    let mut store_failed = None;
    let from_store = match entry(id).and_then(|e| e.get_password()) {
        Ok(s) => Some(s),
        Err(keyring_core::Error::NoEntry) => None,
        Err(e) if unavailable(&e) => None,
        Err(e) => {
            store_failed = Some(e);
            None
        }
    };
    let (text, source) = match from_store {
        Some(s) => (s, KeySource::CredentialStore),
        None => match std::fs::read_to_string(key_file(id)) {
            Ok(s) => (s, KeySource::KeyFile),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return match store_failed {
                    Some(e) => Err(store_error(e)),
                    None => Ok(None),
                }
            }
            Err(e) => {
                return Err(Error::io(
                    format!("reading the audit key {}", key_file(id).display()),
                    e,
                ))
            }
        },
    };
    let (key, legacy_rows) = decode(&text).ok_or_else(|| {
        Error::Internal(format!(
            "the audit key of database {id} ({}) is not readable",
            source.label()
        ))
    })?;
    Ok(Some(remember(
        id,
        ChainKey {
            key,
            legacy_rows,
            source,
        },
    )))
}

fn missing(id: &str) -> Error {
    Error::Conflict(format!(
        "the audit key of this database (id {id}) is neither in the credential store nor in {}: the trail cannot be extended",
        key_file(id).display()
    ))
}

/// The key of the database `conn` is in (inside a write transaction), created with its
/// database id on first use. Returns whether it was created now.
pub(crate) async fn ensure(conn: &mut SqliteConnection) -> Result<(Arc<ChainKey>, bool)> {
    if let Some(id) = database_id(conn).await? {
        return Ok((load(&id)?.ok_or_else(|| missing(&id))?, false));
    }
    let id = hex(&random::<16>()?);
    let key = random::<32>()?;
    let legacy_rows: i64 = sqlx::query_scalar("SELECT ifnull(max(id), 0) FROM audit_log")
        .fetch_one(&mut *conn)
        .await?;
    let secret = encode(&key, legacy_rows);
    // Any failure of the store falls back to the key file: the app keeps working, and
    // verify shows the weaker protection.
    let source = match entry(&id).and_then(|e| e.set_password(&secret)) {
        Ok(()) => KeySource::CredentialStore,
        Err(e) => {
            tracing::warn!(error = %e, dir = %key_dir().display(), "no usable credential store: the audit key is kept in a key file");
            write_key_file(&id, &secret)?;
            KeySource::KeyFile
        }
    };
    crate::db::set_setting(
        conn,
        SETTING,
        &ChainSetting {
            database_id: id.clone(),
        },
    )
    .await?;
    Ok((
        remember(
            &id,
            ChainKey {
                key,
                legacy_rows,
                source,
            },
        ),
        true,
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_key_reads_back() {
        let key = [7u8; 32];
        assert_eq!(super::decode(&super::encode(&key, 42)), Some((key, 42)));
        assert_eq!(super::decode("v2:00:1"), None);
        assert_eq!(super::decode("v1:zz:1"), None);
    }
}
