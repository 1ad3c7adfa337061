//! Collection types that cross IPC and the CLI's `--json`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CollectionRef {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
}

/// A collection as lists show it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Collection {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub description: String,
    /// Set for built-in collections, which cannot be changed.
    pub builtin: Option<String>,
    /// The query rule's text; empty when there is none.
    pub query: String,
    pub limit: Option<CollectionRef>,
    pub includes: Vec<CollectionRef>,
    pub excludes: Vec<CollectionRef>,
    #[ts(type = "number")]
    pub direct_count: i64,
    /// Re-evaluated whenever `patchdesk collection eval --all` or the app re-evaluates.
    pub continuous: bool,
    pub evaluated_at: Option<DateTime<Utc>>,
    #[ts(type = "number")]
    pub member_count: i64,
    #[ts(type = "number")]
    pub entered_count: i64,
    #[ts(type = "number")]
    pub left_count: i64,
    #[ts(type = "number")]
    pub eval_ms: i64,
}

/// A computer named in a direct rule.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DirectMember {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
}

/// A collection with everything the editor needs.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CollectionDetail {
    pub collection: Collection,
    pub direct: Vec<DirectMember>,
    /// Collections that include, exclude or limit to this one.
    pub used_by: Vec<CollectionRef>,
    /// Costly shapes (deep include chains, many continuous collections).
    pub warnings: Vec<String>,
}

/// What a user saves. `direct` holds computer names.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct CollectionInput {
    pub name: String,
    pub description: String,
    pub query: String,
    #[ts(type = "number | null")]
    pub limit_id: Option<i64>,
    #[ts(type = "number[]")]
    pub includes: Vec<i64>,
    #[ts(type = "number[]")]
    pub excludes: Vec<i64>,
    pub direct: Vec<String>,
    pub continuous: bool,
}

/// The live count and first members of a draft, computed without saving anything.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CollectionPreview {
    #[ts(type = "number")]
    pub count: i64,
    pub sample: Vec<crate::inventory::Computer>,
    #[ts(type = "number")]
    pub elapsed_ms: i64,
}

/// One evaluation's outcome.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Evaluation {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub evaluated_at: DateTime<Utc>,
    #[ts(type = "number")]
    pub member_count: i64,
    #[ts(type = "number")]
    pub entered: i64,
    #[ts(type = "number")]
    pub left: i64,
    /// The first evaluation records no entered/left lists: everyone is new.
    pub first: bool,
    #[ts(type = "number")]
    pub elapsed_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ChangeKind {
    Entered,
    Left,
}

/// A computer that entered or left at the last evaluation.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MembershipChange {
    #[ts(type = "number")]
    pub computer_id: i64,
    pub name: String,
    pub site: String,
    pub change: ChangeKind,
}
