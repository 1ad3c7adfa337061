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

    // This month's release, from the template: its broad ring is under way now.
    let local = now.with_timezone(&seoul);
    let (y, m) = (local.year(), local.month());
    let base = patch_tuesday(y, m).expect("a 2nd Tuesday");
    let month = if local.date_naive() < base + Duration::days(1) {
        // Before this month's pilot: last month's rollout is the one in progress.
        if m == 1 {
            (y - 1, 12)
        } else {
            (y, m - 1)
        }
    } else {
        (y, m)
    };
    let people = ensure_people(pool, now).await?;
    let [manager, anna, james, security] = people;
    // Planned a week before Patch Tuesday, approved by two people, under way.
    let planned = FixedClock(
        resolve(seoul, (base - Duration::days(7)).and_time(NaiveTime::MIN))
            .min(now - Duration::days(2)),
    );
    let approved = FixedClock(planned.0 + Duration::days(2));
    let pt = templates::create_release(
        pool,
        &planned,
        "Min-jun Park",
        TEMPLATE,
        &format!("{:04}-{:02}", month.0, month.1),
        "Min-jun Park (Change Manager)",
    )
    .await?;
    approvals::transition(pool, &planned, manager, pt, Action::Submit, "").await?;
    approvals::decide(
        pool,
        &approved,
        anna,
        pt,
        Decision::Approve,
        "Pilot ring is IT only; fine.",
    )
    .await?;
    approvals::decide(pool, &approved, james, pt, Decision::Approve, "").await?;
    approvals::transition(pool, &approved, manager, pt, Action::Start, "").await?;
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
    approvals::transition(pool, &clock, security, emergency, Action::Start, "").await?;
    Ok(())
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
                approvals::create_person(
                    pool,
                    &FixedClock(now),
                    "demo",
                    &PersonInput {
                        name: name.into(),
                        email: email.into(),
                        os_user: String::new(),
                        roles,
                    },
                )
                .await?
                .id
            }
        };
    }
    Ok(ids)
}
