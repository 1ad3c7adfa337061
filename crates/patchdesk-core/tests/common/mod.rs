#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use patchdesk_core::ports::NoProgress;
use patchdesk_core::releases::{AdvanceMode, PhaseInput, ReleaseInput, ReleaseKind, Risk};
use patchdesk_core::SqlitePool;
use std::path::{Path, PathBuf};

/// The fixed "now" of the tests.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap()
}

/// keyring-core's in-memory store, once per test binary (the default store is global):
/// audit keys and passwords of tests never reach the real credential store.
pub fn mock_credential_store() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        keyring_core::set_default_store(keyring_core::mock::Store::new().unwrap());
    });
}

/// A fresh database file in its own temporary directory.
pub async fn fresh_db() -> (tempfile::TempDir, SqlitePool) {
    mock_credential_store();
    let dir = tempfile::tempdir().unwrap();
    let pool = patchdesk_core::db::open(&dir.path().join("patchdesk.sqlite"))
        .await
        .unwrap();
    (dir, pool)
}

pub fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

/// Everything in the inventory and catalogue as one string, to prove "nothing changed".
pub async fn fingerprint(pool: &SqlitePool) -> String {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT 'c|' || c.name || '|' || (SELECT s.name FROM sites s WHERE s.id = c.site_id) || '|' || role || '|' || os_name || '|' || os_version || '|' ||
                owner_name || '|' || owner_email || '|' || ifnull(last_seen, '') || '|' || ifnull(last_run, '') || '|' ||
                ifnull(free_disk_gb, '') || '|' || agent_version || '|' || agent_state || '|' || department || '|' || domain || '|' ||
                client_policy || '|' || prerequisites
           FROM computers c
         UNION ALL SELECT 's|' || name || '|' || time_zone FROM sites
         UNION ALL SELECT 'u|' || kb || '|' || title || '|' || superseded_by || '|' || severity || '|' || ifnull(release_date, '') || '|' ||
                   reboot_required || uninstallable || '|' || max_run_minutes FROM updates
         ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    rows.into_iter().map(|r| r.0).collect::<Vec<_>>().join("\n")
}

/// A phase over `collection`, available on `day` December 2026 at 01:00 UTC, for `days` days.
pub fn phase(name: &str, collection: i64, day: u32, days: i64) -> PhaseInput {
    let available = Utc.with_ymd_and_hms(2026, 12, day, 1, 0, 0).unwrap();
    PhaseInput {
        id: None,
        name: name.into(),
        collection_id: Some(collection),
        available_at: available,
        deadline_at: available + chrono::Duration::days(days),
        rerun_days: None,
        success_percent: Some(95.0),
        success_count: None,
        failure_percent: 5.0,
        advance: AdvanceMode::Manual,
        advance_after_days: 0,
        overnight_date: None,
    }
}

/// A normal, low-risk release with these phases and nothing else.
pub fn release(title: &str, phases: Vec<PhaseInput>) -> ReleaseInput {
    ReleaseInput {
        title: title.into(),
        description: String::new(),
        kind: ReleaseKind::Normal,
        risk: Risk::Low,
        justification: String::new(),
        requester: "Tester".into(),
        rollback_plan: String::new(),
        communication_plan: String::new(),
        update_ids: Vec::new(),
        phases,
    }
}

pub const NP: NoProgress = NoProgress;

/// Imports in tests are recorded as done by "test" at the fixed time.
pub static TEST_CLOCK: patchdesk_core::ports::FixedClock =
    patchdesk_core::ports::FixedClock(match chrono::DateTime::from_timestamp(1_795_683_600, 0) {
        Some(t) => t,
        None => panic!("a valid time"),
    });
pub static BY: patchdesk_core::audit::By<'static> = patchdesk_core::audit::By {
    actor: "test",
    clock: &TEST_CLOCK,
};

/// Assert two fingerprints are equal, showing only the first line that differs.
pub fn assert_same(a: &str, b: &str, what: &str) {
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        assert_eq!(x, y, "{what}: first difference at line {i}");
    }
    assert_eq!(
        a.lines().count(),
        b.lines().count(),
        "{what}: different number of lines"
    );
}
pub mod mail_fixture;
pub mod smtp;
