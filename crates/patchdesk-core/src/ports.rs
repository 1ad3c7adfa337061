//! Small ports the core depends on instead of reading the world directly.

use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Time is passed in, never read with `now()` inside domain logic.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;
impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that always answers the same instant (tests, reproducible demo data).
pub struct FixedClock(pub DateTime<Utc>);
impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// A sink for the progress of long work. Adapters decide how often to forward it.
pub trait Progress: Send + Sync {
    /// A new stage starts; `total` is in the stage's own unit (bytes, rows).
    fn stage(&self, _name: &str, _total: Option<u64>) {}
    /// `done` units of the current stage are finished.
    fn advance(&self, _done: u64) {}
    /// Long work polls this between batches and stops (rolling back) when true.
    fn is_cancelled(&self) -> bool {
        false
    }
}

/// Progress that goes nowhere.
pub struct NoProgress;
impl Progress for NoProgress {}

/// A cancellation flag shared between the one who asks and the worker.
#[derive(Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);
impl CancelToken {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst)
    }
    pub fn reset(&self) {
        self.0.store(false, Ordering::SeqCst)
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Progress as it streams to the UI (a Tauri channel) or to `--json` output.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[serde(
    tag = "event",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum ProgressEvent {
    /// A stage of the work begins; `total` is in the stage's unit (bytes or rows).
    Stage {
        name: String,
        #[ts(type = "number | null")]
        total: Option<u64>,
    },
    /// `done` of `total` are finished.
    Advance {
        #[ts(type = "number")]
        done: u64,
        #[ts(type = "number | null")]
        total: Option<u64>,
    },
}
