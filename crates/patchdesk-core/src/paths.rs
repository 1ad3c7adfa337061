//! Where PatchDesk keeps its data.

use std::path::PathBuf;

/// The app identifier of release builds; the app-data folder is named after it.
pub const APP_IDENTIFIER: &str = "com.patchdesk.desktop";
/// Environment variable that overrides the data directory (tests, e2e, benchmarks).
pub const DATA_DIR_ENV: &str = "PATCHDESK_DATA_DIR";
pub const DB_FILE: &str = "patchdesk.sqlite";

/// `$PATCHDESK_DATA_DIR`, else the OS app-data directory for `identifier`
/// (`~/.local/share/com.patchdesk.desktop` on Linux, `%APPDATA%\com.patchdesk.desktop` on Windows).
pub fn data_dir(identifier: &str) -> PathBuf {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(identifier)
}

pub fn db_path(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join(DB_FILE)
}
