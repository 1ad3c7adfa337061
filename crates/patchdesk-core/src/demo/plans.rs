//! The demo organisation's rollout planning: ring collections, maintenance windows per
//! site, a year-end blackout, the "Patch Tuesday" template, a release made from it and
//! an emergency release.

use crate::approvals::{self, state::Action, Decision, PersonInput, Role};
use crate::collections::{self, CollectionInput};
use crate::db::begin_write;
use crate::ports::FixedClock;
use crate::releases::recurrence::{patch_tuesday, resolve, Day, Recurrence};
use crate::releases::templates::{self, collection_ref};
use crate::releases::{
    self, windows, AdvanceMode, BlackoutInput, PhaseInput, PlanTemplate, ReleaseInput, ReleaseKind,
    Risk, TemplatePhase, WindowInput,
};
use crate::Result;
use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
use sqlx::{SqliteConnection, SqlitePool};

pub const TEMPLATE: &str = "Patch Tuesday";
const ZONE: &str = "Asia/Seoul";

/// Ring collections the template targets: (name, description, query).
const RINGS: [(&str, &str, &str); 2] = [
    (
        "Ring 0: pilot",
        "IT staff workstations: they get every update first and report problems.",
        "department = 'IT' and role = workstation",
    ),
    (
        "Ring 1: early adopters",
        "Workstations of Engineering and Research & Development, outside IT.",
        "department in ('Engineering', 'Research & Development') and role = workstation",
    ),
];

/// Removes the plans a reload replaces (inside the caller's transaction).
pub async fn clear(conn: &mut SqliteConnection) -> Result<()> {
    for table in [
        "releases",
        "plan_templates",
        "blackouts",
        "maintenance_windows",
    ] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Creates the ring collections that do not exist yet (before collections are evaluated).
pub async fn ensure_rings(pool: &SqlitePool, now: DateTime<Utc>) -> Result<()> {
    for (name, description, query) in RINGS {
        if collections::find(pool, name).await.is_ok() {
            continue;
        }
        collections::create(
            pool,
            &FixedClock(now),
            "Min-jun Park",
            &CollectionInput {
                name: name.into(),
                description: description.into(),
                query: query.into(),
                limit_id: None,
                includes: Vec::new(),
                excludes: Vec::new(),
                direct: Vec::new(),
                continuous: true,
            },
        )
        .await?;
    }
    Ok(())
}

fn ring_phases(pilot: i64, early: i64, broad: i64) -> Vec<TemplatePhase> {
    let phase =
        |name: &str, c, cname: &str, a: i32, d: i32, pct: f64, fail: f64, mode| TemplatePhase {
            name: name.into(),
            collection: collection_ref(c, cname),
            available_day: a,
            available_time: "10:00".into(),
            deadline_day: d,
            deadline_time: "18:00".into(),
            rerun_days: None,
            success_percent: Some(pct),
            success_count: None,
            failure_percent: fail,
            advance: mode,
            advance_after_days: 1,
            overnight_day: Some(d - 1),
        };
    vec![
        phase(
            "Pilot",
            pilot,
            RINGS[0].0,
            1,
            3,
            95.0,
            5.0,
            AdvanceMode::Automatic,
        ),
        phase(
            "Early",
            early,
            RINGS[1].0,
            6,
            10,
            95.0,
            5.0,
            AdvanceMode::Automatic,
        ),
        phase(
            "Broad",
            broad,
            "All workstations",
            13,
            22,
            90.0,
            10.0,
            AdvanceMode::Manual,
        ),
    ]
}

/// Adds the planning data; the ring collections must exist and be evaluated.
pub async fn load(pool: &SqlitePool, now: DateTime<Utc>) -> Result<()> {
    let pilot = collections::find(pool, RINGS[0].0).await?;
    let early = collections::find(pool, RINGS[1].0).await?;
    let broad = collections::find(pool, "All workstations").await?;
    let servers = collections::find(pool, "All servers").await?;
    let site_collections: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, name FROM collections WHERE builtin LIKE 'site:%' ORDER BY name",
    )
    .fetch_all(pool)
    .await?;
    let mut tx = begin_write(pool).await?;
    for (id, _) in &site_collections {
        windows::insert_window(
            &mut tx,
            &WindowInput {
                collection_id: *id,
                name: "Weeknights".into(),
                recurrence: Recurrence::Weekly {
                    days: vec![Day::Mon, Day::Tue, Day::Wed, Day::Thu],
                },
                start_time: "21:00".into(),
                duration_minutes: 7 * 60,
            },
            "21:00",
        )
        .await?;
    }
    windows::insert_window(
        &mut tx,
        &WindowInput {
            collection_id: servers,
            name: "Server Sunday".into(),
            recurrence: Recurrence::Weekly {
                days: vec![Day::Sun],
            },
            start_time: "02:00".into(),
            duration_minutes: 4 * 60,
        },
        "02:00",
    )
    .await?;
    // The year-end change freeze, in head-office time.
    let seoul: chrono_tz::Tz = ZONE.parse().expect("a known zone");
    let year = now.with_timezone(&seoul).year();
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d).expect("a date");
    windows::insert_blackout(
        &mut tx,
        &BlackoutInput {
            name: "Year-end change freeze".into(),
            starts_at: resolve(seoul, day(year, 12, 24).and_time(NaiveTime::MIN)),
            ends_at: resolve(seoul, day(year + 1, 1, 4).and_time(NaiveTime::MIN)),
        },
    )
    .await?;
    let template = PlanTemplate {
        id: 0,
        name: TEMPLATE.into(),
        description: "Three rings after Microsoft's monthly release: pilot the next day, early adopters the Monday after, everyone else a week later.".into(),
        time_zone: ZONE.into(),
        phases: ring_phases(pilot, early, broad),
    };
    templates::insert(&mut tx, &template).await?;
    tx.commit().await?;

    // Three Patch Tuesday releases made relative to today, so the demo never ages: last
    // cycle's is completed, this cycle's is under way, the next one is scheduled.
    let (released, next) = super::catalog::cycles(now.with_timezone(&seoul).date_naive());
    let current = *released.last().expect("twelve cycles");
    let previous = released[released.len() - 2];
    let people = ensure_people(pool, now).await?;
    let [manager, anna, _, security] = people;
    let month = |(y, m): (i32, u32)| format!("{y:04}-{m:02}");
    let base_of = |(y, m): (i32, u32)| patch_tuesday(y, m).expect("a 2nd Tuesday");
    let planned_at = |cycle| {
        FixedClock(
            resolve(
                seoul,
                (base_of(cycle) - Duration::days(7)).and_time(NaiveTime::MIN),
            )
            .min(now - Duration::days(2)),
        )
    };
    // Last cycle: rolled out and marked completed after its broad ring's deadline.
    let planned = planned_at(previous);
    let done = create_for(pool, &planned, month(previous)).await?;
    let approved = approve_by_two(pool, now, &planned, people, done).await?;
    approvals::transition(pool, &approved, manager, done, Action::Start, "").await?;
    let finished = FixedClock(
        resolve(
            seoul,
            (base_of(previous) + Duration::days(23)).and_time(NaiveTime::MIN),
        )
        .min(now - Duration::days(1)),
    );
    approvals::transition(pool, &finished, manager, done, Action::Complete, "").await?;

    // This cycle: under way. Between its broad ring's deadline and the next pilot the
    // plan would be over, so then its broad ring runs late, as rings sometimes do.
    let planned = planned_at(current);
    let running = create_for(pool, &planned, month(current)).await?;
    let detail = releases::get(pool, running).await?;
    if let Some(broad) = detail
        .phases
        .last()
        .filter(|p| p.deadline_at <= now + Duration::days(1))
    {
        let starts = resolve(
            seoul,
            (now.with_timezone(&seoul).date_naive() - Duration::days(2))
                .and_time(NaiveTime::from_hms_opt(10, 0, 0).expect("a time")),
        );
        releases::move_phase(
            pool,
            &planned,
            "Min-jun Park",
            broad.id,
            (starts - broad.available_at).num_seconds(),
        )
        .await?;
    }
    let approved = approve_by_two(pool, now, &planned, people, running).await?;
    approvals::transition(pool, &approved, manager, running, Action::Start, "").await?;

    // The next cycle: approved and scheduled.
    let planned = FixedClock(now - Duration::days(3));
    let upcoming = create_for(pool, &planned, month(next)).await?;
    approve_by_two(pool, now, &planned, people, upcoming).await?;

    let clock = FixedClock(now - Duration::hours(30));

    // An out-of-band fix for the servers, planned in a hurry.
    let oob: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM updates WHERE severity = 'Critical' AND product LIKE 'Windows Server%'
         AND superseded_by = '' ORDER BY release_date DESC, kb LIMIT 2",
    )
    .fetch_all(pool)
    .await?;
    let start = now - Duration::days(1);
    let emergency = releases::create(
        pool,
        &clock,
        "Ji-woo Kim",
        &ReleaseInput {
            title: "Emergency: out-of-band server fix".into(),
            description: "A remotely exploitable flaw is being used in the wild; the vendor released a fix out of band.".into(),
            kind: ReleaseKind::Emergency,
            risk: Risk::High,
            justification: "Active exploitation reported by the national CERT; servers exposed to the internet first.".into(),
            requester: "Ji-woo Kim (Security Operations)".into(),
            rollback_plan: "Both updates are uninstallable: deploy an uninstall to the affected servers and restore from the pre-change snapshot if a service fails to start.".into(),
            communication_plan: "Service owners are told by phone before their servers restart; no end-user mail.".into(),
            update_ids: oob,
            phases: vec![PhaseInput {
                id: None,
                name: "All servers".into(),
                collection_id: Some(servers),
                available_at: start,
                deadline_at: start + Duration::days(6),
                rerun_days: None,
                success_percent: Some(98.0),
                success_count: None,
                failure_percent: 2.0,
                advance: AdvanceMode::Manual,
                advance_after_days: 0,
                overnight_date: None,
            }],
        },
    )
    .await?;
    approvals::transition(pool, &clock, security, emergency, Action::Submit, "").await?;
    approvals::decide(
        pool,
        &clock,
        anna,
        emergency,
        Decision::Approve,
        "Emergency path: one approval, review afterwards.",
    )
    .await?;
    approvals::transition(pool, &clock, manager, emergency, Action::Start, "").await?;
    Ok(())
}

/// A release from the template for `month`, planned by the change manager.
async fn create_for(pool: &SqlitePool, planned: &FixedClock, month: String) -> Result<i64> {
    templates::create_release(
        pool,
        planned,
        "Min-jun Park",
        TEMPLATE,
        &month,
        "Min-jun Park (Change Manager)",
    )
    .await
}

/// Submitted by the change manager and approved two days after planning (never later
/// than an hour ago) by the two approvers; returns the approval's clock.
async fn approve_by_two(
    pool: &SqlitePool,
    now: DateTime<Utc>,
    planned: &FixedClock,
    [manager, anna, james, _]: [i64; 4],
    release: i64,
) -> Result<FixedClock> {
    let approved = FixedClock((planned.0 + Duration::days(2)).min(now - Duration::hours(1)));
    approvals::transition(pool, &approved, manager, release, Action::Submit, "").await?;
    approvals::decide(
        pool,
        &approved,
        anna,
        release,
        Decision::Approve,
        "Pilot ring is IT only; fine.",
    )
    .await?;
    approvals::decide(pool, &approved, james, release, Decision::Approve, "").await?;
    Ok(approved)
}

/// The demo's people: a change manager, two approvers (Berlin and New York) and a
/// security engineer who requests emergency changes. Returns their ids in that order.
async fn ensure_people(pool: &SqlitePool, now: DateTime<Utc>) -> Result<[i64; 4]> {
    let wanted = [
        (
            "Min-jun Park",
            "min-jun.park@contoso.example",
            vec![Role::Requester, Role::ChangeManager],
        ),
        (
            "Anna Schmidt",
            "anna.schmidt@contoso.example",
            vec![Role::Approver],
        ),
        (
            "James Miller",
            "james.miller@contoso.example",
            vec![Role::Approver, Role::ChangeManager],
        ),
        (
            "Ji-woo Kim",
            "ji-woo.kim@contoso.example",
            vec![Role::Requester],
        ),
    ];
    let mut ids = [0; 4];
    for (i, (name, email, roles)) in wanted.into_iter().enumerate() {
        ids[i] = match approvals::find_person(pool, name).await {
            Ok(p) => p.id,
            Err(_) => {
                // The demo's own load: whoever loads it adds its people.
                let mut tx = begin_write(pool).await?;
                let p = approvals::insert_person(
                    &mut tx,
                    &FixedClock(now),
                    "demo",
                    &PersonInput {
                        name: name.into(),
                        email: email.into(),
                        os_user: String::new(),
                        roles,
                    },
                )
                .await?;
                tx.commit().await?;
                p.id
            }
        };
    }
    Ok(ids)
}
