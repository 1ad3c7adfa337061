//! The mail tests' world: computers with owners at two sites, one release with one phase
//! over all of them, scheduled. Shared by the mail tests and the mail benchmark.

use super::*;
use chrono::NaiveDate;
use patchdesk_core::collections::{self, Scope};
use patchdesk_core::import::ImportOptions;
use patchdesk_core::inventory;
use patchdesk_core::mail::campaign::{FlagSpec, NewCampaign, ReminderSpec};
use patchdesk_core::mail::template::Kind;
use patchdesk_core::ports::FixedClock;
use patchdesk_core::releases::{self, PhaseInput};
use patchdesk_core::SqlitePool;

pub const CLOCK: FixedClock =
    FixedClock(match chrono::DateTime::from_timestamp(1_795_683_600, 0) {
        Some(t) => t,
        None => panic!("a valid time"),
    });

/// One computer per line: (owner name, owner e-mail, site, policy).
pub struct Owner<'a>(pub &'a str, pub String, pub &'a str, pub &'a str);

pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub pool: SqlitePool,
    pub release: i64,
    pub phase_id: i64,
}

pub const SITES: [(&str, &str); 2] = [("Seoul", "Asia/Seoul"), ("New York", "America/New_York")];

pub async fn fixture(owners: &[Owner<'_>]) -> Fixture {
    let (dir, pool) = fresh_db().await;
    let mut csv = String::from(
        "Computer Name,Site,Time Zone,Role,OS,OS Version,Owner,Owner E-mail,Last Seen,Update Client Policy\n",
    );
    for (i, o) in owners.iter().enumerate() {
        let tz = SITES.iter().find(|s| s.0 == o.2).unwrap().1;
        csv.push_str(&format!(
            "PC-{i:05},{},{tz},workstation,Windows 11,10.0.22631,\"{}\",{},2026-11-19T08:00:00Z,{}\n",
            o.2,
            o.0.replace('"', "\"\""),
            o.1,
            o.3
        ));
    }
    let file = write(dir.path(), "computers.csv", csv.as_bytes());
    let report = inventory::import_computers(&pool, &file, ImportOptions::default(), &NP, &BY)
        .await
        .unwrap();
    assert_eq!(report.rejected, 0, "{:?}", report.rejections);
    collections::evaluate_all(&pool, &CLOCK, Scope::All, &NP)
        .await
        .unwrap();
    let all = collections::find(&pool, "All computers").await.unwrap();
    let ring = PhaseInput {
        overnight_date: NaiveDate::from_ymd_opt(2026, 12, 10),
        ..phase("Ring 1", all, 9, 7)
    };
    let release = releases::create(
        &pool,
        &CLOCK,
        "tester",
        &release("December 2026 security updates", vec![ring]),
    )
    .await
    .unwrap();
    // Approval is the approvals suite's subject; here the release is simply scheduled.
    sqlx::query("UPDATE releases SET state = 'scheduled' WHERE id = ?")
        .bind(release)
        .execute(&pool)
        .await
        .unwrap();
    let phase_id = sqlx::query_scalar("SELECT id FROM phases WHERE release_id = ?")
        .bind(release)
        .fetch_one(&pool)
        .await
        .unwrap();
    Fixture {
        dir,
        pool,
        release,
        phase_id,
    }
}

pub fn people(n: usize, prefix: &str) -> Vec<Owner<'static>> {
    (0..n)
        .map(|i| {
            Owner(
                "Test User",
                format!("{prefix}{i:04}@example.com"),
                SITES[i % 2].0,
                [
                    "notify_download",
                    "auto_download_notify_install",
                    "auto_download_scheduled",
                    "configmgr_advertised",
                ][i % 4],
            )
        })
        .collect()
}

pub fn overnight(f: &Fixture) -> NewCampaign {
    NewCampaign {
        release_id: f.release,
        phase: 1,
        kind: Kind::Overnight,
        name: None,
        send_at: None,
        flag: Some(FlagSpec {
            text: "Leave your computer on".into(),
            due_at: None,
        }),
        reminder: Some(ReminderSpec {
            title: "Leave your computer on tonight".into(),
            date: None,
            time: "16:30".into(),
            minutes: 15,
        }),
    }
}
