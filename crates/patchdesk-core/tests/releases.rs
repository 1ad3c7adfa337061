//! Releases and rollout plans over the demo organisation: refusals that change nothing,
//! templates, conflict checks, window fit, the calendar and the `.ics` export.

mod common;

use chrono::{Duration, TimeZone, Utc};
use common::*;
use patchdesk_core::approvals::state::State;
use patchdesk_core::collections;
use patchdesk_core::demo::{self, plans::TEMPLATE, DemoOptions};
use patchdesk_core::ports::FixedClock;
use patchdesk_core::releases::{
    self, plan, schedule, templates, ConflictKind, EventKind, PhaseInput, PlanTemplate,
    ReleaseInput, ReleaseKind,
};
use patchdesk_core::{ErrorKind, SqlitePool};
use std::process::Command;

async fn demo_db() -> (tempfile::TempDir, SqlitePool) {
    let (dir, pool) = fresh_db().await;
    demo::load(&pool, DemoOptions::default(), now(), false, &NP, &BY)
        .await
        .unwrap();
    (dir, pool)
}

async fn counts(pool: &SqlitePool) -> (i64, i64, i64, i64) {
    sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM releases), (SELECT COUNT(*) FROM phases),
                (SELECT COUNT(*) FROM release_updates), (SELECT COUNT(*) FROM plan_templates)",
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_demo_plans_a_patch_tuesday_release_in_three_rings_and_an_emergency() {
    let (_d, pool) = demo_db().await;
    let list = releases::list(&pool).await.unwrap();
    assert_eq!(list.len(), 4, "{list:?}");
    // Relative to the day (20 November): last cycle's completed, this cycle's under way,
    // the next one scheduled.
    let cycles: Vec<(&str, State)> = list
        .iter()
        .filter(|r| r.template.as_deref() == Some(TEMPLATE))
        .map(|r| (r.title.as_str(), r.state))
        .collect();
    assert_eq!(
        cycles,
        [
            ("Patch Tuesday — December 2026", State::Scheduled),
            ("Patch Tuesday — November 2026", State::InProgress),
            ("Patch Tuesday — October 2026", State::Completed),
        ]
    );
    for r in list.iter().filter(|r| r.template.is_some()) {
        assert!(r.update_count > 0, "{} has its month's updates", r.title);
    }
    let pt = list
        .iter()
        .find(|r| r.state == State::InProgress && r.template.is_some())
        .unwrap();
    let detail = releases::get(&pool, pt.id).await.unwrap();
    let names: Vec<&str> = detail.phases.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Pilot", "Early", "Broad"]);
    // Patch Tuesday was 10 November; the pilot opens the next day at 10:00 in Seoul.
    assert_eq!(
        detail.phases[0].available_at,
        Utc.with_ymd_and_hms(2026, 11, 11, 1, 0, 0).unwrap()
    );
    for p in &detail.phases {
        assert!(p.member_count.unwrap() > 0, "{} targets computers", p.name);
        assert_eq!(p.rerun_days, 7, "workstation rings re-run weekly");
    }
    assert!(!detail.updates.is_empty(), "November's updates are in it");
    let emergency = list
        .iter()
        .find(|r| r.kind == ReleaseKind::Emergency)
        .unwrap();
    let e = releases::get(&pool, emergency.id).await.unwrap();
    assert_eq!(e.phases[0].rerun_days, 1, "servers re-run daily");
    assert_eq!(
        releases::windows::windows(&pool, None).await.unwrap().len(),
        9
    );
    assert_eq!(releases::windows::blackouts(&pool).await.unwrap().len(), 1);
}

/// On any day the demo has a completed release, one under way (today between its first
/// ring's opening and its last ring's deadline, in a gap between cycles too) and one scheduled, each with updates.
#[tokio::test]
async fn the_demo_never_ages() {
    for day in [
        (2026, 12, 4),
        (2026, 12, 9),
        (2027, 1, 1),
        (2027, 2, 9),
        (2027, 3, 31),
        (2027, 6, 12),
    ] {
        let today = Utc.with_ymd_and_hms(day.0, day.1, day.2, 3, 0, 0).unwrap();
        let (_dir, pool) = fresh_db().await;
        demo::load(
            &pool,
            DemoOptions {
                computers: 200,
                seed: 1,
            },
            today,
            false,
            &NP,
            &BY,
        )
        .await
        .unwrap();
        let list = releases::list(&pool).await.unwrap();
        let of = |state: State| {
            list.iter()
                .find(|r| r.template.is_some() && r.state == state)
                .unwrap_or_else(|| panic!("{day:?}: no {state:?} release in {list:#?}"))
        };
        let running = releases::get(&pool, of(State::InProgress).id)
            .await
            .unwrap();
        let first = running.phases.first().unwrap().available_at;
        let last = running.phases.last().unwrap().deadline_at;
        assert!(
            first <= today && today < last,
            "{day:?}: {} runs from {first} to {last}",
            running.title
        );
        let upcoming = of(State::Scheduled);
        assert!(upcoming.starts_at.unwrap() > today, "{day:?}");
        assert!(of(State::Completed).ends_at.unwrap() < today, "{day:?}");
        for r in list.iter().filter(|r| r.template.is_some()) {
            assert!(r.update_count > 0, "{day:?}: {} has updates", r.title);
        }
    }
}

#[tokio::test]
async fn bad_plans_are_refused_naming_the_problem_and_nothing_is_saved() {
    let (_d, pool) = demo_db().await;
    let clock = FixedClock(now());
    let before = counts(&pool).await;
    let ws = collections::find(&pool, "All workstations").await.unwrap();

    let mut late = phase("Pilot", ws, 10, 2);
    late.deadline_at = late.available_at - Duration::hours(1);
    let cases: Vec<(ReleaseInput, &str)> = vec![
        (release("No phases", vec![]), "at least one phase"),
        (
            release(
                "No collection",
                vec![PhaseInput {
                    collection_id: None,
                    ..phase("Pilot", ws, 10, 2)
                }],
            ),
            "phase 1 'Pilot' has no target collection",
        ),
        (
            release("Deadline first", vec![late]),
            "must be after the available time",
        ),
        (
            ReleaseInput {
                update_ids: (1..=1001).collect(),
                ..release("Too many", vec![phase("Pilot", ws, 10, 2)])
            },
            "at most 1000 updates",
        ),
        (
            ReleaseInput {
                update_ids: vec![999_999],
                ..release("Unknown update", vec![phase("Pilot", ws, 10, 2)])
            },
            "no update with id 999999",
        ),
        (
            release("", vec![phase("Pilot", ws, 10, 2)]),
            "title is required",
        ),
    ];
    for (input, expected) in cases {
        let e = releases::create(&pool, &clock, "Tester", &input)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid, "{e}");
        assert!(
            e.to_string().contains(expected),
            "'{e}' should say '{expected}'"
        );
        assert_eq!(
            counts(&pool).await,
            before,
            "nothing saved for '{}'",
            input.title
        );
    }
    // An unknown time zone in a template.
    let e = templates::create(
        &pool,
        &clock,
        "Tester",
        &PlanTemplate {
            id: 0,
            name: "Elsewhere".into(),
            description: String::new(),
            time_zone: "Europe/Atlantis".into(),
            phases: templates::list(&pool).await.unwrap()[0].phases.clone(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
    assert!(e.to_string().contains("Europe/Atlantis"), "{e}");
    assert_eq!(counts(&pool).await, before);
    // A month that is not one.
    let e = templates::create_release(&pool, &clock, "Tester", TEMPLATE, "2026-13", "")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("YYYY-MM"), "{e}");
    assert_eq!(counts(&pool).await, before);
}

#[tokio::test]
async fn a_release_from_the_template_lands_on_patch_tuesday_and_warns_of_the_year_end_freeze() {
    let (_d, pool) = demo_db().await;
    let clock = FixedClock(now());
    let id = templates::create_release(&pool, &clock, "Tester", TEMPLATE, "2026-12", "Tester")
        .await
        .unwrap();
    let d = releases::get(&pool, id).await.unwrap();
    assert_eq!(d.title, "Patch Tuesday — December 2026");
    // Patch Tuesday is 8 December; Seoul is UTC+9.
    let starts: Vec<_> = d.phases.iter().map(|p| p.available_at).collect();
    assert_eq!(
        starts,
        [
            Utc.with_ymd_and_hms(2026, 12, 9, 1, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 12, 14, 1, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 12, 21, 1, 0, 0).unwrap(),
        ]
    );
    let blackout: Vec<_> = d
        .conflicts
        .iter()
        .filter(|c| c.kind == ConflictKind::Blackout)
        .collect();
    assert_eq!(blackout.len(), 1, "{:?}", d.conflicts);
    assert_eq!(blackout[0].phase_name.as_deref(), Some("Broad"));
    assert!(blackout[0].message.contains("Year-end change freeze"));
    // Moving the broad ring a week earlier clears it.
    let broad = d.phases[2].id;
    releases::move_phase(&pool, &clock, "Tester", broad, -7 * 86_400)
        .await
        .unwrap();
    let d = releases::get(&pool, id).await.unwrap();
    assert!(
        d.conflicts.iter().all(|c| c.kind != ConflictKind::Blackout),
        "{:?}",
        d.conflicts
    );
    assert_eq!(
        d.phases[2].sequence, 1,
        "a moved phase has a higher sequence"
    );
    assert_eq!(d.phases[2].id, broad);
}

#[tokio::test]
async fn conflicts_are_found_and_explained() {
    let (_d, pool) = demo_db().await;
    let clock = FixedClock(now());
    let ws = collections::find(&pool, "All workstations").await.unwrap();
    let pilot = collections::find(&pool, "Ring 0: pilot").await.unwrap();
    let empty = collections::create(
        &pool,
        &clock,
        "test",
        &collections::CollectionInput {
            name: "Nobody".into(),
            query: "name = 'NO-SUCH-PC'".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .collection
    .id;
    collections::evaluate(&pool, &clock, empty).await.unwrap();
    let superseded: i64 =
        sqlx::query_scalar("SELECT id FROM updates WHERE superseded_by != '' LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    // Two releases over the pilot ring in the same days; the second's phases out of order,
    // one over an empty collection, and a phase over a weekend (Saturday 01:00 to 21:00
    // UTC, Friday evening to Saturday in the Americas): no weeknight window opens in it.
    let a = releases::create(
        &pool,
        &clock,
        "Tester",
        &release("First", vec![phase("Pilot", pilot, 7, 3)]),
    )
    .await
    .unwrap();
    let mut friday = phase("Weekend", ws, 12, 1);
    friday.deadline_at = friday.available_at + Duration::hours(20);
    let b = releases::create(
        &pool,
        &clock,
        "Tester",
        &ReleaseInput {
            update_ids: vec![superseded],
            ..release(
                "Second",
                vec![
                    phase("Overlapping", pilot, 8, 2),
                    phase("Earlier", empty, 1, 2),
                    friday,
                ],
            )
        },
    )
    .await
    .unwrap();
    let d = releases::get(&pool, b).await.unwrap();
    let kinds: Vec<ConflictKind> = d.conflicts.iter().map(|c| c.kind).collect();
    for k in [
        ConflictKind::Overlap,
        ConflictKind::OutOfOrder,
        ConflictKind::EmptyCollection,
        ConflictKind::NoWindow,
        ConflictKind::SupersededUpdate,
    ] {
        assert!(kinds.contains(&k), "{k:?} in {:#?}", d.conflicts);
    }
    let overlap = d
        .conflicts
        .iter()
        .find(|c| c.kind == ConflictKind::Overlap && c.message.contains("'First'"))
        .unwrap();
    let pilot_size = collections::get(&pool, pilot)
        .await
        .unwrap()
        .collection
        .member_count;
    assert_eq!(overlap.computers, Some(pilot_size));
    assert!(overlap.message.contains("'First'"), "{}", overlap.message);
    let nowin = d
        .conflicts
        .iter()
        .find(|c| c.kind == ConflictKind::NoWindow)
        .unwrap();
    let ws_size = collections::get(&pool, ws)
        .await
        .unwrap()
        .collection
        .member_count;
    assert_eq!(
        nowin.computers,
        Some(ws_size),
        "every workstation has only weeknight windows"
    );
    // The first release sees the overlap from its side too.
    let first = releases::get(&pool, a).await.unwrap();
    assert!(first
        .conflicts
        .iter()
        .any(|c| c.kind == ConflictKind::Overlap));
    // Window fit of the pilot phase: every site installs on its Monday 21:00 local.
    let fit = plan::window_fit(&pool, a).await.unwrap();
    assert_eq!(fit.iter().map(|f| f.computers).sum::<i64>(), pilot_size);
    for f in &fit {
        assert!(f.local.as_deref().unwrap().contains("21:00"), "{f:?}");
    }
    // A collection a phase targets cannot be deleted.
    let e = collections::delete(&pool, &clock, "test", empty)
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("phase 'Earlier' of release 'Second'"),
        "{e}"
    );
}

#[tokio::test]
async fn editing_a_plan_keeps_phase_ids_and_raises_the_sequence_of_moved_phases() {
    let (_d, pool) = demo_db().await;
    let clock = FixedClock(now());
    let pilot = collections::find(&pool, "Ring 0: pilot").await.unwrap();
    let ws = collections::find(&pool, "All workstations").await.unwrap();
    let id = releases::create(
        &pool,
        &clock,
        "Tester",
        &release(
            "Edit me",
            vec![phase("Pilot", pilot, 7, 3), phase("Broad", ws, 14, 5)],
        ),
    )
    .await
    .unwrap();
    let d = releases::get(&pool, id).await.unwrap();
    let (p1, p2) = (d.phases[0].clone(), d.phases[1].clone());
    // Keep the pilot as it is, move the broad ring a day, add a third phase in between.
    let mut keep = phase("Pilot", pilot, 7, 3);
    keep.id = Some(p1.id);
    let mut moved = phase("Broad", ws, 15, 5);
    moved.id = Some(p2.id);
    releases::update(
        &pool,
        &clock,
        "Tester",
        id,
        &release("Edited", vec![keep, phase("Early", pilot, 10, 2), moved]),
    )
    .await
    .unwrap();
    let d = releases::get(&pool, id).await.unwrap();
    assert_eq!(d.title, "Edited");
    let got: Vec<(String, i64)> = d
        .phases
        .iter()
        .map(|p| (p.name.clone(), p.sequence))
        .collect();
    assert_eq!(
        got,
        [
            ("Pilot".into(), 0),
            ("Early".into(), 0),
            ("Broad".into(), 1)
        ]
    );
    assert_eq!(d.phases[0].id, p1.id);
    assert_eq!(d.phases[2].id, p2.id);
    // A phase id from elsewhere is refused, and the plan stays as it was.
    let mut foreign = phase("Stray", ws, 20, 1);
    foreign.id = Some(999_999);
    let e = releases::update(&pool, &clock, "Tester", id, &release("Bad", vec![foreign]))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not a phase of this release"), "{e}");
    assert_eq!(releases::get(&pool, id).await.unwrap().phases.len(), 3);
}

#[tokio::test]
async fn saving_a_plan_as_a_template_keeps_its_days_relative_to_patch_tuesday() {
    let (_d, pool) = demo_db().await;
    let clock = FixedClock(now());
    let nov = releases::list(&pool)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.template.is_some())
        .unwrap();
    let t =
        templates::save_release_as_template(&pool, &clock, "Tester", nov.id, "Copy", "Asia/Seoul")
            .await
            .unwrap();
    let copy = templates::list(&pool)
        .await
        .unwrap()
        .into_iter()
        .find(|x| x.id == t)
        .unwrap();
    let original = templates::find(&pool, TEMPLATE).await.unwrap();
    assert_eq!(
        copy.phases,
        original
            .phases
            .iter()
            .map(|p| {
                let mut p = p.clone();
                p.rerun_days = Some(7);
                p
            })
            .collect::<Vec<_>>()
    );
    let e =
        templates::save_release_as_template(&pool, &clock, "Tester", nov.id, "copy", "Asia/Seoul")
            .await
            .unwrap_err();
    assert_eq!(
        e.kind(),
        ErrorKind::Conflict,
        "names are unique, ignoring case"
    );
    let jan = templates::create_release(&pool, &clock, "Tester", "Copy", "2027-01", "")
        .await
        .unwrap();
    let d = releases::get(&pool, jan).await.unwrap();
    // Patch Tuesday of January 2027 is the 12th.
    assert_eq!(
        d.phases[0].available_at,
        Utc.with_ymd_and_hms(2027, 1, 13, 1, 0, 0).unwrap()
    );
}

#[tokio::test]
async fn the_calendar_holds_phases_windows_blackouts_and_overnight_nights() {
    // The demo's December release is the upcoming one.
    let (_d, pool) = demo_db().await;
    let from = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
    let events = schedule::events(&pool, from, to).await.unwrap();
    let of = |k: EventKind| {
        events
            .iter()
            .filter(|e| std::mem::discriminant(&e.kind) == std::mem::discriminant(&k))
            .count()
    };
    assert_eq!(
        of(EventKind::Phase),
        4,
        "three rings and the tail of November's broad ring"
    );
    assert_eq!(of(EventKind::Blackout), 1);
    // December's three, and November's broad ring's on 1 December.
    assert_eq!(of(EventKind::Overnight), 4);
    // Weeknight windows: 8 sites × Mon–Thu nights of December (and the night of 30 Nov).
    assert!(of(EventKind::Window) >= 8 * 16, "{}", of(EventKind::Window));
    assert!(events.windows(2).all(|w| w[0].starts_at <= w[1].starts_at));
    let broad = events
        .iter()
        .find(|e| e.title.ends_with("December 2026 · Broad"))
        .unwrap();
    assert!(broad.conflict, "the broad ring overlaps the freeze");
    let e = schedule::events(&pool, from, from + Duration::days(400))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
}

#[tokio::test]
async fn the_ics_export_parses_with_an_independent_parser() {
    let (dir, pool) = demo_db().await;
    let clock = FixedClock(now());
    let path = dir.path().join("schedule.ics");
    let n = schedule::export_ics(&pool, now(), &path).await.unwrap();
    assert_eq!(
        n, 10,
        "3 × 3 rings (October, November, December) and the emergency phase"
    );
    let bytes = std::fs::read(&path).unwrap();
    for line in bytes.split(|b| *b == b'\n') {
        assert!(
            line.len() <= 76,
            "a line of {} octets (75 + CR)",
            line.len()
        );
        assert!(line.is_empty() || line.ends_with(b"\r"), "CRLF line ends");
    }
    let script = r#"
import sys, json, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
out = []
for e in cal.walk('VEVENT'):
    out.append({'uid': str(e['UID']), 'summary': str(e['SUMMARY']),
                'start': e.decoded('DTSTART').isoformat(), 'end': e.decoded('DTEND').isoformat(),
                'sequence': int(e['SEQUENCE'])})
print(json.dumps(out))
"#;
    // Debian's interpreter, which has python3-icalendar (another python3 may come first
    // on PATH).
    let python = if std::path::Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    };
    let run = Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect("python3 (setup installs python3-icalendar)");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let events: Vec<serde_json::Value> = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(events.len(), 10);
    let broad = events
        .iter()
        .find(|e| e["summary"] == "Patch Tuesday — December 2026: Broad")
        .expect("the December broad ring");
    assert_eq!(broad["start"], "2026-12-21T01:00:00+00:00");
    assert_eq!(broad["end"], "2026-12-30T09:00:00+00:00");
    let uids: std::collections::BTreeSet<&str> =
        events.iter().map(|e| e["uid"].as_str().unwrap()).collect();
    assert_eq!(uids.len(), 10, "unique UIDs");
    // The same UIDs on the next export; a moved phase comes with a higher sequence.
    let broad_uid = broad["uid"].as_str().unwrap().to_string();
    let phase_id: i64 = broad_uid
        .split("-phase-")
        .nth(1)
        .unwrap()
        .trim_end_matches("@patchdesk")
        .parse()
        .unwrap();
    releases::move_phase(&pool, &clock, "Tester", phase_id, -86_400)
        .await
        .unwrap();
    let again = schedule::ics(&pool, now()).await.unwrap();
    assert!(again.contains(&format!("UID:{broad_uid}")));
    let unfolded = again.replace("\r\n ", "");
    let block = unfolded
        .split("BEGIN:VEVENT")
        .find(|b| b.contains(&broad_uid))
        .unwrap();
    assert!(block.contains("SEQUENCE:1"), "{block}");
}

#[tokio::test]
async fn a_draft_is_checked_for_conflicts_without_being_saved() {
    let (_d, pool) = demo_db().await;
    let clock = FixedClock(now());
    let ws = collections::find(&pool, "All workstations").await.unwrap();
    let before = counts(&pool).await;
    // Over the year-end freeze: the check says so, and nothing is written.
    let draft = release("Draft", vec![phase("Late", ws, 27, 2)]);
    let found = releases::check_draft(&pool, &clock, None, &draft)
        .await
        .unwrap();
    assert!(
        found.iter().any(|c| c.kind == ConflictKind::Blackout),
        "{found:?}"
    );
    assert_eq!(counts(&pool).await, before);
    // An edit of a stored release: checked as edited, stored as it was.
    let id = releases::create(
        &pool,
        &clock,
        "Tester",
        &release("Stored", vec![phase("Early", ws, 2, 2)]),
    )
    .await
    .unwrap();
    assert!(releases::get(&pool, id)
        .await
        .unwrap()
        .conflicts
        .iter()
        .all(|c| c.kind != ConflictKind::Blackout));
    let found = releases::check_draft(&pool, &clock, Some(id), &draft)
        .await
        .unwrap();
    assert!(found.iter().any(|c| c.kind == ConflictKind::Blackout));
    let stored = releases::get(&pool, id).await.unwrap();
    assert_eq!(stored.title, "Stored");
    assert_eq!(stored.phases[0].name, "Early");
    // A draft that cannot be saved gets the same refusal as saving.
    let e = releases::check_draft(&pool, &clock, None, &release("Empty", vec![]))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("at least one phase"));
}

/// Window fit groups each phase's computers by site and by the set of window collections
/// they belong to. With a second window on the pilot ring, pilot computers have two
/// windows and the rest of their site one; checked against the same grouping in SQL.
#[tokio::test]
async fn window_fit_groups_computers_by_site_and_window_collections() {
    let (_d, pool) = demo_db().await;
    let clock = FixedClock(now());
    let pilot = collections::find(&pool, "Ring 0: pilot").await.unwrap();
    releases::windows::create_window(
        &pool,
        &clock,
        "Tester",
        &releases::WindowInput {
            collection_id: pilot,
            name: "Pilot Fridays".into(),
            recurrence: releases::recurrence::Recurrence::Weekly {
                days: vec![releases::recurrence::Day::Fri],
            },
            start_time: "18:00".into(),
            duration_minutes: 180,
        },
    )
    .await
    .unwrap();
    let release: i64 = sqlx::query_scalar("SELECT min(id) FROM releases")
        .fetch_one(&pool)
        .await
        .unwrap();
    let mut fit: Vec<(i64, String, i64, i64)> = plan::window_fit(&pool, release)
        .await
        .unwrap()
        .into_iter()
        .map(|f| (f.phase_id, f.site, f.windows.len() as i64, f.computers))
        .collect();
    fit.sort();
    let expected: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT phase, site, windows, COUNT(*) FROM (
             SELECT p.id AS phase, s.name AS site,
                    (SELECT COUNT(*) FROM maintenance_windows w JOIN collection_members x
                       ON x.collection_id = w.collection_id WHERE x.computer_id = c.id) AS windows
             FROM phases p JOIN collection_members m ON m.collection_id = p.collection_id
             JOIN computers c ON c.id = m.computer_id JOIN sites s ON s.id = c.site_id
             WHERE p.release_id = ?)
         GROUP BY phase, site, windows ORDER BY phase, site, windows",
    )
    .bind(release)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(
        fit.iter().any(|f| f.2 == 2) && fit.iter().any(|f| f.2 == 1),
        "pilot computers have two windows, the others one: {fit:?}"
    );
    assert_eq!(fit, expected);
}
