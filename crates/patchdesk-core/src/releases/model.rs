//! Release, plan, window and template types that cross IPC and the CLI's `--json`.

use super::recurrence::Recurrence;
use crate::collections::CollectionRef;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ReleaseKind {
    Normal,
    Emergency,
}

impl ReleaseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseKind::Normal => "normal",
            ReleaseKind::Emergency => "emergency",
        }
    }
    pub fn from_db(s: &str) -> Self {
        if s == "emergency" {
            ReleaseKind::Emergency
        } else {
            ReleaseKind::Normal
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Risk {
    Low,
    Medium,
    High,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
        }
    }
    pub fn from_db(s: &str) -> Self {
        match s {
            "low" => Risk::Low,
            "high" => Risk::High,
            _ => Risk::Medium,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum AdvanceMode {
    /// `advance_after_days` after the previous phase met its success criterion.
    Automatic,
    Manual,
}

impl AdvanceMode {
    pub fn as_str(self) -> &'static str {
        match self {
            AdvanceMode::Automatic => "automatic",
            AdvanceMode::Manual => "manual",
        }
    }
    pub fn from_db(s: &str) -> Self {
        if s == "automatic" {
            AdvanceMode::Automatic
        } else {
            AdvanceMode::Manual
        }
    }
}

/// One ring of a rollout plan, as edited.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PhaseInput {
    /// The stored phase this edits; `None` for a new one.
    #[ts(type = "number | null")]
    pub id: Option<i64>,
    pub name: String,
    #[ts(type = "number | null")]
    pub collection_id: Option<i64>,
    pub available_at: DateTime<Utc>,
    pub deadline_at: DateTime<Utc>,
    /// Days between runs of the install program; `None`: 7, or 1 when the collection
    /// holds servers.
    #[ts(type = "number | null")]
    pub rerun_days: Option<i64>,
    /// Advance when at least this share succeeded…
    pub success_percent: Option<f64>,
    /// …or at least this many computers did.
    #[ts(type = "number | null")]
    pub success_count: Option<i64>,
    /// Halt when at least this share failed.
    pub failure_percent: f64,
    pub advance: AdvanceMode,
    #[ts(type = "number")]
    pub advance_after_days: i64,
    /// The night end users are asked to leave their computers on.
    pub overnight_date: Option<NaiveDate>,
}

/// A release (change request) as created or edited, with its whole plan.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReleaseInput {
    pub title: String,
    pub description: String,
    pub kind: ReleaseKind,
    pub risk: Risk,
    pub justification: String,
    pub requester: String,
    pub rollback_plan: String,
    pub communication_plan: String,
    #[ts(type = "number[]")]
    pub update_ids: Vec<i64>,
    pub phases: Vec<PhaseInput>,
}

impl ReleaseInput {
    /// The same input with its text in composed form (NFC), as it is stored.
    pub fn composed(&self) -> ReleaseInput {
        let c = crate::validate::text_nfc;
        let mut out = self.clone();
        for v in [
            &mut out.title,
            &mut out.description,
            &mut out.justification,
            &mut out.requester,
            &mut out.rollback_plan,
            &mut out.communication_plan,
        ] {
            *v = c(v);
        }
        for p in &mut out.phases {
            p.name = c(&p.name);
        }
        out
    }
}

/// A release as lists show it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReleaseSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    pub state: crate::approvals::state::State,
    pub kind: ReleaseKind,
    pub risk: Risk,
    pub requester: String,
    #[ts(type = "number")]
    pub update_count: i64,
    #[ts(type = "number")]
    pub phase_count: i64,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub template: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// An update of a release, with what the plan needs to know of it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReleaseUpdate {
    #[ts(type = "number")]
    pub id: i64,
    pub kb: String,
    pub title: String,
    pub severity: String,
    pub uninstallable: bool,
    pub reboot_required: bool,
    #[ts(type = "number")]
    pub max_run_minutes: i64,
    pub superseded_by: String,
}

/// A stored phase.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Phase {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub position: i64,
    pub name: String,
    pub collection: CollectionRef,
    /// At the collection's last evaluation; `None` if it was never evaluated.
    #[ts(type = "number | null")]
    pub member_count: Option<i64>,
    pub available_at: DateTime<Utc>,
    pub deadline_at: DateTime<Utc>,
    #[ts(type = "number")]
    pub rerun_days: i64,
    pub success_percent: Option<f64>,
    #[ts(type = "number | null")]
    pub success_count: Option<i64>,
    pub failure_percent: f64,
    pub advance: AdvanceMode,
    #[ts(type = "number")]
    pub advance_after_days: i64,
    pub overnight_date: Option<NaiveDate>,
    #[ts(type = "number")]
    pub sequence: i64,
}

/// A release with its updates, plan and the conflicts found in it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReleaseDetail {
    #[ts(type = "number")]
    pub id: i64,
    pub title: String,
    pub state: crate::approvals::state::State,
    /// The plan may be edited in this state (approvals given so far are then reset).
    pub editable: bool,
    pub description: String,
    pub kind: ReleaseKind,
    pub risk: Risk,
    pub justification: String,
    pub requester: String,
    pub rollback_plan: String,
    pub communication_plan: String,
    pub template: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub updates: Vec<ReleaseUpdate>,
    pub phases: Vec<Phase>,
    pub conflicts: Vec<Conflict>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ConflictKind {
    /// Computers in two phases of different releases whose times overlap.
    Overlap,
    /// A phase's time overlaps an org-wide blackout.
    Blackout,
    DeadlineBeforeAvailable,
    /// Computers with maintenance windows none of which fits before the deadline.
    NoWindow,
    EmptyCollection,
    /// A later phase becomes available before an earlier one.
    OutOfOrder,
    SupersededUpdate,
    /// The release rolls out no update: it cannot be submitted.
    NoUpdates,
}

impl ConflictKind {
    /// A blocking conflict stops the release from being submitted (and so approved).
    pub fn blocks(self) -> bool {
        matches!(self, ConflictKind::NoUpdates)
    }
}

/// A problem with a plan, shown before anyone approves it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Conflict {
    pub kind: ConflictKind,
    #[ts(type = "number")]
    pub release_id: i64,
    pub release_title: String,
    #[ts(type = "number | null")]
    pub phase_id: Option<i64>,
    pub phase_name: Option<String>,
    /// How many computers it concerns, where that is known.
    #[ts(type = "number | null")]
    pub computers: Option<i64>,
    pub message: String,
    /// The release cannot be submitted while this stands.
    pub blocking: bool,
}

/// A maintenance window on a collection.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MaintenanceWindow {
    #[ts(type = "number")]
    pub id: i64,
    pub collection: CollectionRef,
    pub name: String,
    pub recurrence: Recurrence,
    /// HH:MM, local time at each computer's site.
    pub start_time: String,
    pub duration_minutes: u32,
    /// "Mon, Tue 22:00–04:00 (6 h)".
    pub summary: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WindowInput {
    #[ts(type = "number")]
    pub collection_id: i64,
    pub name: String,
    pub recurrence: Recurrence,
    pub start_time: String,
    pub duration_minutes: u32,
}

/// An org-wide change freeze.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Blackout {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BlackoutInput {
    pub name: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// A phase of a template: times relative to the base date (Patch Tuesday).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TemplatePhase {
    pub name: String,
    pub collection: CollectionRef,
    /// Days after the base date, and the time of day in the template's zone.
    pub available_day: i32,
    pub available_time: String,
    pub deadline_day: i32,
    pub deadline_time: String,
    #[ts(type = "number | null")]
    pub rerun_days: Option<i64>,
    pub success_percent: Option<f64>,
    #[ts(type = "number | null")]
    pub success_count: Option<i64>,
    pub failure_percent: f64,
    pub advance: AdvanceMode,
    #[ts(type = "number")]
    pub advance_after_days: i64,
    /// Days after the base date of the "leave it on" night.
    pub overnight_day: Option<i32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlanTemplate {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub description: String,
    pub time_zone: String,
    pub phases: Vec<TemplatePhase>,
}

/// When the computers of one site (sharing the same windows) will install in a phase.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WindowFit {
    #[ts(type = "number")]
    pub phase_id: i64,
    pub site: String,
    pub time_zone: String,
    #[ts(type = "number")]
    pub computers: i64,
    /// The windows these computers have (none: they may install at any time).
    pub windows: Vec<String>,
    /// When the install starts; `None` when no window fits before the deadline.
    pub installs_at: Option<DateTime<Utc>>,
    /// The same, as wall-clock time at the site ("Tue 10 Dec 22:00").
    pub local: Option<String>,
}

/// Something on the calendar.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum EventKind {
    Phase,
    Window,
    Blackout,
    Overnight,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CalendarEvent {
    pub kind: EventKind,
    /// Stable within a schedule: `phase-12`, `window-3-Berlin-2026-12-08`.
    pub key: String,
    pub title: String,
    pub detail: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    #[ts(type = "number | null")]
    pub release_id: Option<i64>,
    #[ts(type = "number | null")]
    pub phase_id: Option<i64>,
    /// Phases with a conflict are marked on the calendar.
    pub conflict: bool,
}
