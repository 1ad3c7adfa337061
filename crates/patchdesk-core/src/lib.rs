//! PatchDesk core: every rule of the domain, storage and import/export.
//!
//! Callers (the CLI, the Tauri shell, tests, benchmarks) use these plain async
//! functions over a [`sqlx::SqlitePool`] and the small ports in [`ports`].

pub mod approvals;
pub mod audit;
pub mod catalog;
pub mod collections;
pub mod csvread;
pub mod db;
pub mod demo;
pub mod error;
pub mod ics;
pub mod import;
pub mod inventory;
pub mod mail;
pub mod paths;
pub mod ports;
pub mod releases;
pub mod validate;

pub use error::{Error, ErrorKind, Result};
pub use sqlx::SqlitePool;

use serde::Serialize;

use ts_rs::TS;

/// What the database holds, for the first-run check and the status bar.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Summary {
    #[ts(type = "number")]
    pub computers: i64,
    #[ts(type = "number")]
    pub sites: i64,
    #[ts(type = "number")]
    pub updates: i64,
}

pub async fn summary(pool: &SqlitePool) -> Result<Summary> {
    let (computers, sites, updates): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM computers), (SELECT COUNT(*) FROM sites), (SELECT COUNT(*) FROM updates)",
    )
    .fetch_one(pool)
    .await?;
    Ok(Summary {
        computers,
        sites,
        updates,
    })
}

/// Where this instance keeps its data, shown in Settings.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub database_path: String,
}
