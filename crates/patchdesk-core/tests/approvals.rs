//! The release lifecycle, approvals with quorum and separation of duties, and the
//! tamper-evident audit trail.

mod common;

use common::*;
use patchdesk_core::approvals::state::{self, Action, State};
use patchdesk_core::approvals::{self, Decision, PersonInput, Policy, Role};
use patchdesk_core::audit;
use patchdesk_core::demo::{self, DemoOptions};
use patchdesk_core::ports::FixedClock;
use patchdesk_core::releases::templates;
use patchdesk_core::{ErrorKind, SqlitePool};
use proptest::prelude::*;
use std::collections::BTreeSet;

/// Every edge of the machine, written out once more by hand.
const EDGES: &[(State, Action, State)] = &[
    (State::Draft, Action::Submit, State::Submitted),
    (State::ChangesRequested, Action::Submit, State::Submitted),
    (State::Submitted, Action::Approve, State::Approved),
    (State::Submitted, Action::Reject, State::Rejected),
    (
        State::Submitted,
        Action::RequestChanges,
        State::ChangesRequested,
    ),
    (State::Approved, Action::Schedule, State::Scheduled),
    (State::Scheduled, Action::Start, State::InProgress),
    (State::InProgress, Action::Halt, State::Halted),
    (State::Halted, Action::Resume, State::InProgress),
    (State::InProgress, Action::Complete, State::Completed),
    (State::InProgress, Action::RollBack, State::RolledBack),
    (State::Halted, Action::RollBack, State::RolledBack),
    (State::Draft, Action::Cancel, State::Cancelled),
    (State::Submitted, Action::Cancel, State::Cancelled),
    (State::ChangesRequested, Action::Cancel, State::Cancelled),
    (State::Approved, Action::Cancel, State::Cancelled),
    (State::Scheduled, Action::Cancel, State::Cancelled),
    (State::Halted, Action::Cancel, State::Cancelled),
    (State::Completed, Action::OpenReview, State::ReviewDue),
    (State::RolledBack, Action::OpenReview, State::ReviewDue),
    (State::Cancelled, Action::OpenReview, State::ReviewDue),
    (State::Rejected, Action::Close, State::Closed),
    (State::ReviewDue, Action::Close, State::Closed),
    (State::Cancelled, Action::Close, State::Closed),
    (State::Approved, Action::Reopen, State::Submitted),
    (State::Scheduled, Action::Reopen, State::Submitted),
    (State::InProgress, Action::Reopen, State::Halted),
];

#[test]
fn every_transition_is_exactly_the_specified_one() {
    for emergency in [false, true] {
        for s in State::ALL {
            for a in Action::ALL {
                let mut expected = EDGES
                    .iter()
                    .find(|(f, x, _)| *f == s && *x == a)
                    .map(|e| e.2);
                // The emergency path: approved may start at once.
                if emergency && s == State::Approved && a == Action::Start {
                    expected = Some(State::InProgress);
                }
                assert_eq!(
                    state::next(s, a, emergency),
                    expected,
                    "{s:?} --{a:?}--> (emergency {emergency})"
                );
            }
        }
    }
    // Closed is the end; nothing leads back to Draft.
    assert!(state::allowed(State::Closed, false).is_empty());
    assert!(EDGES.iter().all(|e| e.2 != State::Draft));
}

/// The administrator created at the first start (every role), who adds the others.
async fn admin(pool: &SqlitePool) -> i64 {
    approvals::operator_for_os_user(pool, &FixedClock(now()), "admin")
        .await
        .unwrap()
        .id
}

async fn setup() -> (tempfile::TempDir, SqlitePool, [i64; 4]) {
    let (dir, pool) = fresh_db().await;
    let admin = admin(&pool).await;
    demo::load(
        &pool,
        DemoOptions {
            computers: 300,
            seed: 5,
        },
        now(),
        false,
        &NP,
        &BY,
    )
    .await
    .unwrap();
    let clock = FixedClock(now());
    let mut ids = [0; 4];
    for (i, name) in [
        "Rae Requester",
        "Avery Approver",
        "Blair Approver",
        "Casey Approver",
    ]
    .iter()
    .enumerate()
    {
        let roles = if i == 0 {
            vec![Role::Requester, Role::Approver, Role::ChangeManager]
        } else {
            vec![Role::Approver]
        };
        ids[i] = approvals::create_person(
            &pool,
            &clock,
            admin,
            &PersonInput {
                name: (*name).into(),
                email: String::new(),
                os_user: String::new(),
                roles,
            },
        )
        .await
        .unwrap()
        .id;
    }
    (dir, pool, ids)
}

/// A draft from the template for a month ahead (so plans never collide), with three of
/// the catalogue's current updates: a release with none cannot be submitted.
async fn draft(pool: &SqlitePool, month: &str) -> i64 {
    let id = templates::create_release(
        pool,
        &FixedClock(now()),
        "Rae Requester",
        demo::plans::TEMPLATE,
        month,
        "",
    )
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO release_updates (release_id, update_id)
         SELECT $1, id FROM updates WHERE superseded_by = '' ORDER BY id LIMIT 3",
    )
    .bind(id)
    .execute(pool)
    .await
    .unwrap();
    id
}

async fn state_of(pool: &SqlitePool, id: i64) -> State {
    approvals::status(pool, &FixedClock(now()), id)
        .await
        .unwrap()
        .state
}

#[tokio::test]
async fn a_normal_change_needs_two_distinct_approvers_and_never_its_requester() {
    let (_d, pool, [rae, avery, blair, _]) = setup().await;
    let clock = FixedClock(now());
    let id = draft(&pool, "2027-02").await;
    // Nobody decides on a draft.
    let e = approvals::decide(&pool, &clock, avery, id, Decision::Approve, "")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    approvals::transition(&pool, &clock, rae, id, Action::Submit, "")
        .await
        .unwrap();
    // The requester cannot approve, even though they hold the approver role.
    let e = approvals::decide(&pool, &clock, rae, id, Decision::Approve, "")
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("never approves their own change"),
        "{e}"
    );
    let s = approvals::decide(&pool, &clock, avery, id, Decision::Approve, "ok")
        .await
        .unwrap();
    assert_eq!(
        (s.state, s.approved_by.len(), s.required),
        (State::Submitted, 1, 2)
    );
    // A second approval by the same person does not count.
    let e = approvals::decide(&pool, &clock, avery, id, Decision::Approve, "again")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("counts once"), "{e}");
    let s = approvals::decide(&pool, &clock, blair, id, Decision::Approve, "")
        .await
        .unwrap();
    assert_eq!(
        s.state,
        State::Scheduled,
        "quorum reached: approved and scheduled"
    );
    assert_eq!(s.approved_by, ["Avery Approver", "Blair Approver"]);
    // An illegal step names where the release can go.
    let e = approvals::transition(&pool, &clock, rae, id, Action::Submit, "")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("from here it can go to"), "{e}");
    assert!(audit::verify(&pool, None).await.unwrap().ok);
}

#[tokio::test]
async fn high_risk_needs_one_more_and_an_emergency_one_then_a_review() {
    let (_d, pool, [rae, avery, blair, casey]) = setup().await;
    let clock = FixedClock(now());
    let id = draft(&pool, "2027-03").await;
    sqlx::query("UPDATE releases SET risk = 'high' WHERE id = ?")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    approvals::transition(&pool, &clock, rae, id, Action::Submit, "")
        .await
        .unwrap();
    for p in [avery, blair] {
        approvals::decide(&pool, &clock, p, id, Decision::Approve, "")
            .await
            .unwrap();
    }
    assert_eq!(state_of(&pool, id).await, State::Submitted);
    approvals::decide(&pool, &clock, casey, id, Decision::Approve, "")
        .await
        .unwrap();
    assert_eq!(state_of(&pool, id).await, State::Scheduled);

    let e = draft(&pool, "2027-04").await;
    sqlx::query("UPDATE releases SET kind = 'emergency' WHERE id = ?")
        .bind(e)
        .execute(&pool)
        .await
        .unwrap();
    approvals::transition(&pool, &clock, rae, e, Action::Submit, "")
        .await
        .unwrap();
    let s = approvals::decide(&pool, &clock, avery, e, Decision::Approve, "")
        .await
        .unwrap();
    assert_eq!((s.state, s.required), (State::Scheduled, 1));
    approvals::transition(&pool, &clock, rae, e, Action::Start, "")
        .await
        .unwrap();
    let s = approvals::transition(&pool, &clock, rae, e, Action::Complete, "")
        .await
        .unwrap();
    assert_eq!(
        s.state,
        State::ReviewDue,
        "an emergency change is always reviewed"
    );
    assert!(s.review_required);
}

#[tokio::test]
async fn revoking_halts_a_running_rollout_and_editing_resets_approvals() {
    let (_d, pool, [rae, avery, blair, _]) = setup().await;
    let clock = FixedClock(now());
    let id = draft(&pool, "2027-05").await;
    approvals::transition(&pool, &clock, rae, id, Action::Submit, "")
        .await
        .unwrap();
    approvals::decide(&pool, &clock, avery, id, Decision::Approve, "")
        .await
        .unwrap();
    approvals::decide(&pool, &clock, blair, id, Decision::Approve, "")
        .await
        .unwrap();
    approvals::transition(&pool, &clock, rae, id, Action::Start, "")
        .await
        .unwrap();
    let e = approvals::revoke(&pool, &clock, avery, id, "")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid, "a reason is required");
    let s = approvals::revoke(&pool, &clock, avery, id, "a driver breaks docking stations")
        .await
        .unwrap();
    assert_eq!(s.state, State::Halted);
    assert_eq!(s.approved_by, ["Blair Approver"]);
    // A halted plan is frozen: it is resumed, rolled back or cancelled, not edited.
    let phase = patchdesk_core::releases::get(&pool, id)
        .await
        .unwrap()
        .phases[0]
        .id;
    let e = patchdesk_core::releases::move_phase(&pool, &clock, "Rae Requester", phase, 3600)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(e.to_string().contains("Halted and cannot be edited"), "{e}");

    // Editing a scheduled release sends it back with its approvals reset, on the record.
    let other = draft(&pool, "2027-06").await;
    approvals::transition(&pool, &clock, rae, other, Action::Submit, "")
        .await
        .unwrap();
    approvals::decide(&pool, &clock, avery, other, Decision::Approve, "")
        .await
        .unwrap();
    approvals::decide(&pool, &clock, blair, other, Decision::Approve, "")
        .await
        .unwrap();
    assert_eq!(state_of(&pool, other).await, State::Scheduled);
    let phase = patchdesk_core::releases::get(&pool, other)
        .await
        .unwrap()
        .phases[0]
        .id;
    patchdesk_core::releases::move_phase(&pool, &clock, "Rae Requester", phase, 3600)
        .await
        .unwrap();
    let s = approvals::status(&pool, &clock, other).await.unwrap();
    assert_eq!(s.state, State::Submitted);
    assert!(s.approved_by.is_empty());
    assert!(s
        .decisions
        .iter()
        .all(|d| d.revoked_reason.as_deref() == Some("the release was edited after approval")));
    let mut conn = pool.acquire().await.unwrap();
    let timeline = audit::for_entity(&mut conn, "release", other)
        .await
        .unwrap();
    let actions: Vec<&str> = timeline.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.ends_with(&["approval.reset", "release.reopen", "release.move_phase"]),
        "{actions:?}"
    );
}

#[tokio::test]
async fn policy_changes_are_checked_and_audited() {
    let (_d, pool, [rae, avery, _, _]) = setup().await;
    let clock = FixedClock(now());
    let e = approvals::set_policy(
        &pool,
        &clock,
        admin(&pool).await,
        &Policy {
            normal_approvers: 0,
            ..Policy::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
    approvals::set_policy(
        &pool,
        &clock,
        admin(&pool).await,
        &Policy {
            normal_approvers: 1,
            ..Policy::default()
        },
    )
    .await
    .unwrap();
    let id = draft(&pool, "2027-07").await;
    approvals::transition(&pool, &clock, rae, id, Action::Submit, "")
        .await
        .unwrap();
    let s = approvals::decide(&pool, &clock, avery, id, Decision::Approve, "")
        .await
        .unwrap();
    assert_eq!(s.state, State::Scheduled);
    let rows = audit::list(&pool, "approval_policy", 10).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert!(
        rows[0].detail.contains("\"normalApprovers\":1"),
        "{}",
        rows[0].detail
    );
}

/// One step a random actor may try.
#[derive(Debug, Clone)]
enum Try {
    Step(Action),
    Decide(usize, Decision),
    Revoke(usize),
}

fn tries() -> impl Strategy<Value = Try> {
    prop_oneof![
        prop::sample::select(vec![
            Action::Submit,
            Action::Start,
            Action::Halt,
            Action::Resume,
            Action::Complete,
            Action::RollBack,
            Action::Cancel,
            Action::OpenReview,
            Action::Close,
        ])
        .prop_map(Try::Step),
        (
            0usize..4,
            prop::sample::select(vec![
                Decision::Approve,
                Decision::Approve,
                Decision::Reject,
                Decision::RequestChanges
            ])
        )
            .prop_map(|(p, d)| Try::Decide(p, d)),
        (0usize..4).prop_map(Try::Revoke),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PATCHDESK_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)
    ))]

    /// Random people trying random steps: the stored state only ever moves along an edge
    /// of the machine, the requester never counts as an approver (whoever the call claims
    /// to be), a release is approved only with enough distinct approvers, and the audit
    /// chain holds.
    #[test]
    fn random_actions_never_leave_the_machine(steps in prop::collection::vec(tries(), 1..40)) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let (_d, pool, people) = setup().await;
            let clock = FixedClock(now());
            let id = draft(&pool, "2027-08").await;
            let mut previous = State::Draft;
            for t in steps {
                let _ = match t {
                    Try::Step(a) => approvals::transition(&pool, &clock, people[0], id, a, "because").await,
                    Try::Decide(p, d) => approvals::decide(&pool, &clock, people[p], id, d, "because").await,
                    Try::Revoke(p) => approvals::revoke(&pool, &clock, people[p], id, "because").await,
                };
                let s = approvals::status(&pool, &clock, id).await.unwrap();
                if s.state != previous {
                    // Some actions take two edges at once (approve → scheduled, complete → review).
                    let one = Action::ALL.iter().any(|a| state::next(previous, *a, false) == Some(s.state));
                    let two = Action::ALL.iter().any(|a| {
                        state::next(previous, *a, false)
                            .is_some_and(|mid| Action::ALL.iter().any(|b| state::next(mid, *b, false) == Some(s.state)))
                    });
                    prop_assert!(one || two, "{previous:?} -> {:?}", s.state);
                }
                prop_assert!(!s.approved_by.contains(&"Rae Requester".to_string()));
                let distinct: BTreeSet<&String> = s.approved_by.iter().collect();
                prop_assert_eq!(distinct.len(), s.approved_by.len());
                if matches!(s.state, State::Approved | State::Scheduled) {
                    prop_assert!(s.approved_by.len() as u32 >= s.required);
                }
                previous = s.state;
            }
            prop_assert!(audit::verify(&pool, None).await.unwrap().ok);
            Ok(())
        })?;
    }
}

/// Changes the database as someone with the file would: the triggers are dropped first.
async fn tamper(pool: &SqlitePool, sql: &str) {
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("DROP TRIGGER IF EXISTS audit_log_no_update")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("DROP TRIGGER IF EXISTS audit_log_no_delete")
        .execute(&mut *tx)
        .await
        .unwrap();
    for s in sql.split(';').filter(|s| !s.trim().is_empty()) {
        sqlx::query(s).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// A copy of the database (same id, so the same key), without the original's head file.
async fn copy_of(pool: &SqlitePool) -> (tempfile::TempDir, SqlitePool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.sqlite");
    sqlx::query("VACUUM INTO ?")
        .bind(path.to_string_lossy().to_string())
        .execute(pool)
        .await
        .unwrap();
    let copy = patchdesk_core::db::open(&path).await.unwrap();
    (dir, copy)
}

async fn bad(pool: &SqlitePool) -> audit::Verification {
    let v = audit::verify(pool, None).await.unwrap();
    assert!(!v.ok, "not found: {v:?}");
    v
}

#[tokio::test]
async fn the_trail_refuses_changes_and_finds_tampering_at_the_first_bad_row() {
    let (_d, pool, _) = setup().await;
    let good = audit::verify(&pool, None).await.unwrap();
    assert!(good.ok && good.rows > 10, "{good:?}");
    assert_eq!(good.key_source, Some(audit::KeySource::CredentialStore));
    assert_eq!(good.unkeyed_rows, 0);
    assert!(good.head_file_checked);
    // The triggers refuse changes through SQL.
    let e = sqlx::query("UPDATE audit_log SET actor = 'x' WHERE id = 3")
        .execute(&pool)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    let e = sqlx::query("DELETE FROM audit_log WHERE id = 3")
        .execute(&pool)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");

    use audit::Problem::*;
    let cases: [(&str, i64, audit::Problem); 6] = [
        // An edited row.
        ("UPDATE audit_log SET actor = 'Mallory' WHERE id = 5", 5, Changed),
        // A removed row in the middle.
        ("DELETE FROM audit_log WHERE id = 6", 6, Removed),
        // A removed row, the later ones renumbered to close the gap.
        ("DELETE FROM audit_log WHERE id = 6; UPDATE audit_log SET id = id - 1 WHERE id > 6", 6, Removed),
        // Two rows' contents swapped.
        ("UPDATE audit_log SET id = -7 WHERE id = 7; UPDATE audit_log SET id = 7 WHERE id = 8; UPDATE audit_log SET id = 8 WHERE id = -7", 7, Inserted),
        // A forged row slipped in after row 3, the later ones renumbered.
        ("UPDATE audit_log SET id = id + 1000 WHERE id > 3; UPDATE audit_log SET id = id - 999 WHERE id > 1000;
          INSERT INTO audit_log (id, at, actor, action, entity, entity_id, detail, prev_hash, hash)
          SELECT 4, at, 'Mallory', 'approval.approve', entity, entity_id, detail, hash, hash FROM audit_log WHERE id = 3", 4, Inserted),
        // A genuine row copied in after itself.
        ("UPDATE audit_log SET id = id + 1000 WHERE id > 3; UPDATE audit_log SET id = id - 999 WHERE id > 1000;
          INSERT INTO audit_log (id, at, actor, action, entity, entity_id, detail, prev_hash, hash)
          SELECT 4, at, actor, action, entity, entity_id, detail, prev_hash, hash FROM audit_log WHERE id = 3", 4, Inserted),
    ];
    for (sql, first_bad, problem) in cases {
        // Each case on its own copy of the database.
        let (_d2, copy) = copy_of(&pool).await;
        assert!(audit::verify(&copy, None).await.unwrap().ok);
        tamper(&copy, sql).await;
        let v = bad(&copy).await;
        assert_eq!(v.first_bad, Some(first_bad), "{sql}: {:?}", v.reason);
        assert_eq!(v.problem, Some(problem), "{sql}: {:?}", v.reason);
        assert_eq!(v.table.as_deref(), Some("audit_log"));
    }
}

/// The parts of a row as the unkeyed chain hashed them.
/// The old attack: from row `from` on, each row re-hashed with plain SHA-256 over the
/// previous one, as the SQL that writes them back.
fn rechained_from(rows: &mut [audit::AuditEntry], from: usize) -> String {
    let mut sql = String::new();
    for i in from..rows.len() {
        rows[i].prev_hash = rows[i - 1].hash.clone();
        rows[i].hash = sha256_row(&rows[i]);
        sql.push_str(&format!(
            "UPDATE audit_log SET actor = '{}', prev_hash = '{}', hash = '{}' WHERE id = {};",
            rows[i].actor, rows[i].prev_hash, rows[i].hash, rows[i].id
        ));
    }
    sql
}

fn sha256_row(r: &audit::AuditEntry) -> String {
    use sha2::{Digest, Sha256};
    let entity_id = r.entity_id.map(|e| e.to_string()).unwrap_or_default();
    let mut h = Sha256::new();
    for part in [
        r.id.to_string().as_str(),
        &r.at.to_string(),
        &r.actor,
        &r.action,
        &r.entity,
        &entity_id,
        &r.detail,
        &r.prev_hash,
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn a_rewritten_chain_does_not_verify() {
    let (_d, pool, _) = setup().await;
    // The attack that fooled the unkeyed chain: edit row 5 and recompute every hash
    // from there on, so that each row follows the one before.
    let mut rows: Vec<audit::AuditEntry> = sqlx::query_as(
        "SELECT id, at, actor, action, entity, entity_id, detail, prev_hash, hash FROM audit_log ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    rows[4].actor = "Mallory".into();
    tamper(&pool, &rechained_from(&mut rows, 4)).await;
    let v = bad(&pool).await;
    assert_eq!(v.first_bad, Some(5), "{:?}", v.reason);
    assert_eq!(v.problem, Some(audit::Problem::Changed));
    assert!(v.reason.unwrap().contains("row 5 was changed"));
}

#[tokio::test]
async fn a_cut_off_tail_is_found_through_the_head_file() {
    let (_d, pool, _) = setup().await;
    let good = audit::verify(&pool, None).await.unwrap();
    let head = audit::head(&pool).await.unwrap().unwrap();
    let rows = good.rows;
    tamper(
        &pool,
        &format!("DELETE FROM audit_log WHERE id > {}", rows - 2),
    )
    .await;
    // No head kept by anyone: the file beside the database has it.
    let v = bad(&pool).await;
    assert_eq!(v.problem, Some(audit::Problem::Removed), "{:?}", v.reason);
    assert_eq!(v.first_bad, Some(rows - 1));
    assert!(v.reason.unwrap().contains("head file"));
    let v = audit::verify(&pool, Some(&head)).await.unwrap();
    assert!(!v.ok);
    assert_eq!(v.problem, Some(audit::Problem::Removed));

    // The app goes on writing: the file is not moved over the gap, the cut stays found.
    approvals::create_person(
        &pool,
        &FixedClock(now()),
        admin(&pool).await,
        &PersonInput {
            name: "After the cut".into(),
            email: String::new(),
            os_user: String::new(),
            roles: vec![],
        },
    )
    .await
    .unwrap();
    for _ in 0..3 {
        approvals::set_policy(
            &pool,
            &FixedClock(now()),
            admin(&pool).await,
            &Policy::default(),
        )
        .await
        .unwrap();
    }
    let v = bad(&pool).await;
    assert_eq!(v.problem, Some(audit::Problem::Removed), "{:?}", v.reason);
}

#[tokio::test]
async fn a_rolled_back_transaction_leaves_the_trail_whole() {
    let (_d, pool, _) = setup().await;
    let before = audit::head(&pool).await.unwrap();
    {
        let mut tx = patchdesk_core::db::begin_write(&pool).await.unwrap();
        for _ in 0..3 {
            audit::record(
                &mut tx,
                now(),
                "test",
                "test.thing",
                "test",
                None,
                serde_json::json!({}),
            )
            .await
            .unwrap();
        }
        tx.rollback().await.unwrap();
    }
    {
        // Dropped without a commit (an error on the way out).
        let mut tx = patchdesk_core::db::begin_write(&pool).await.unwrap();
        audit::record(
            &mut tx,
            now(),
            "test",
            "test.thing",
            "test",
            None,
            serde_json::json!({}),
        )
        .await
        .unwrap();
    }
    assert_eq!(audit::head(&pool).await.unwrap(), before);
    let v = audit::verify(&pool, None).await.unwrap();
    assert!(v.ok && v.head_file_checked, "{v:?}");
    // And the next committed write carries on from there.
    approvals::set_policy(
        &pool,
        &FixedClock(now()),
        admin(&pool).await,
        &Policy::default(),
    )
    .await
    .unwrap();
    let v = audit::verify(&pool, None).await.unwrap();
    assert!(v.ok, "{v:?}");
}

#[tokio::test]
async fn approvals_and_people_edited_behind_the_apps_back_are_found() {
    let (_d, pool, [rae, avery, blair, casey]) = setup().await;
    let clock = FixedClock(now());
    let id = draft(&pool, "2027-03").await;
    approvals::transition(&pool, &clock, rae, id, Action::Submit, "")
        .await
        .unwrap();
    approvals::decide(&pool, &clock, avery, id, Decision::Approve, "fine")
        .await
        .unwrap();
    approvals::revoke(&pool, &clock, avery, id, "second thoughts")
        .await
        .unwrap();
    approvals::decide(&pool, &clock, blair, id, Decision::Approve, "")
        .await
        .unwrap();
    let v = audit::verify(&pool, None).await.unwrap();
    assert!(v.ok, "{v:?}");
    let approval: i64 =
        sqlx::query_scalar("SELECT id FROM approvals WHERE person_id = $1 AND revoked_at IS NULL")
            .bind(blair)
            .fetch_one(&pool)
            .await
            .unwrap();
    let revoked: i64 = sqlx::query_scalar("SELECT id FROM approvals WHERE person_id = $1")
        .bind(avery)
        .fetch_one(&pool)
        .await
        .unwrap();
    use audit::Problem::*;
    let cases: Vec<(String, &str, i64, audit::Problem)> = vec![
        (format!("UPDATE approvals SET decision = 'reject' WHERE id = {approval}"), "approvals", approval, Changed),
        (format!("UPDATE approvals SET person_id = {casey} WHERE id = {approval}"), "approvals", approval, Changed),
        (format!("UPDATE approvals SET revoked_at = NULL, revoked_reason = NULL WHERE id = {revoked}"), "approvals", revoked, Changed),
        (format!("UPDATE approvals SET comment = 'looks good' WHERE id = {approval}"), "approvals", approval, Changed),
        (format!("INSERT INTO approvals (id, release_id, person_id, decision, comment, at) VALUES (9999, {id}, {casey}, 'approve', '', 1)"), "approvals", 9999, Unrecorded),
        (format!("DELETE FROM approvals WHERE id = {approval}"), "approvals", approval, Removed),
        (format!("UPDATE people SET roles = '[\"administrator\",\"approver\"]' WHERE id = {casey}"), "people", casey, Changed),
        (format!("UPDATE people SET email = 'mallory@example.com' WHERE id = {rae}"), "people", rae, Changed),
        ("INSERT INTO people (id, name, roles) VALUES (9999, 'Mallory', '[\"administrator\"]')".into(), "people", 9999, Unrecorded),
    ];
    for (sql, table, row, problem) in cases {
        let (_d2, copy) = copy_of(&pool).await;
        sqlx::query(&sql).execute(&copy).await.unwrap();
        let v = bad(&copy).await;
        assert_eq!(v.problem, Some(problem), "{sql}: {:?}", v.reason);
        assert_eq!(v.table.as_deref(), Some(table), "{sql}: {:?}", v.reason);
        assert_eq!(v.table_row, Some(row), "{sql}: {:?}", v.reason);
        assert_eq!(v.first_bad, None);
    }
}

#[tokio::test]
async fn rows_from_before_the_key_still_verify_and_are_anchored_by_the_keyed_rows() {
    let (d, pool, _) = setup().await;
    let path = d.path().join("patchdesk.sqlite");
    // The database as an older version left it: the same rows, hashed with plain SHA-256,
    // and no key.
    let mut rows: Vec<audit::AuditEntry> = sqlx::query_as(
        "SELECT id, at, actor, action, entity, entity_id, detail, prev_hash, hash FROM audit_log ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut prev = audit::GENESIS.to_string();
    let mut sql = String::from("DELETE FROM settings WHERE key = 'audit_chain';");
    for r in rows.iter_mut() {
        r.prev_hash = prev;
        r.hash = sha256_row(r);
        prev = r.hash.clone();
        sql.push_str(&format!(
            "UPDATE audit_log SET prev_hash = '{}', hash = '{}' WHERE id = {};",
            r.prev_hash, r.hash, r.id
        ));
    }
    tamper(&pool, &sql).await;
    pool.close().await;
    let _ = std::fs::remove_file(audit::head_file(&path));
    let old = rows.len() as i64;

    // Opening it keys the chain from here on.
    let pool = patchdesk_core::db::open(&path).await.unwrap();
    let v = audit::verify(&pool, None).await.unwrap();
    assert!(v.ok, "{v:?}");
    assert_eq!(v.unkeyed_rows, old);
    assert_eq!(v.rows, old + 1);
    assert_eq!(v.key_source, Some(audit::KeySource::CredentialStore));
    let keyed = audit::list(&pool, "audit.keyed", 10).await.unwrap();
    assert_eq!(keyed.len(), 1);
    assert_eq!(keyed[0].id, old + 1);

    // Rewriting the old rows the old way no longer passes: the first keyed row holds
    // the old head.
    let (_d2, copy) = copy_of(&pool).await;
    rows[2].actor = "Mallory".into();
    tamper(&copy, &rechained_from(&mut rows, 2)).await;
    let v = bad(&copy).await;
    assert_eq!(v.problem, Some(audit::Problem::Changed), "{:?}", v.reason);
    assert_eq!(v.first_bad, Some(old), "{:?}", v.reason);
}

#[tokio::test]
async fn each_database_gets_its_own_key() {
    let (_d1, one) = fresh_db().await;
    let (_d2, two) = fresh_db().await;
    let mut secrets = Vec::new();
    for pool in [&one, &two] {
        approvals::set_policy(
            pool,
            &FixedClock(now()),
            admin(pool).await,
            &Policy::default(),
        )
        .await
        .unwrap();
        let setting: String =
            sqlx::query_scalar("SELECT value FROM settings WHERE key = 'audit_chain'")
                .fetch_one(pool)
                .await
                .unwrap();
        let id = serde_json::from_str::<serde_json::Value>(&setting).unwrap()["databaseId"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(id.len(), 32, "{id}");
        let secret = keyring_core::Entry::new("PatchDesk", &format!("audit-key:{id}"))
            .unwrap()
            .get_password()
            .unwrap();
        assert!(secret.starts_with("v1:"), "{secret}");
        secrets.push((id, secret));
        let v = audit::verify(pool, None).await.unwrap();
        assert!(v.ok);
        assert_eq!(v.key_source, Some(audit::KeySource::CredentialStore));
    }
    assert_ne!(secrets[0].0, secrets[1].0);
    assert_ne!(secrets[0].1, secrets[1].1);
    // The key is what the rows' MACs need: another database's key does not verify them.
    sqlx::query("UPDATE settings SET value = $1 WHERE key = 'audit_chain'")
        .bind(format!("{{\"databaseId\":\"{}\"}}", secrets[1].0))
        .execute(&one)
        .await
        .unwrap();
    let v = bad(&one).await;
    assert_eq!(v.first_bad, Some(1), "{:?}", v.reason);
}

#[tokio::test]
async fn the_export_defuses_formulas() {
    let (d, pool, _) = setup().await;
    let formula = approvals::create_person(
        &pool,
        &FixedClock(now()),
        admin(&pool).await,
        &PersonInput {
            name: "=cmd|' /C calc'!A0".into(),
            email: String::new(),
            os_user: String::new(),
            roles: vec![Role::Administrator],
        },
    )
    .await
    .unwrap();
    approvals::create_person(
        &pool,
        &FixedClock(now()),
        formula.id,
        &PersonInput {
            name: "Formula".into(),
            email: String::new(),
            os_user: String::new(),
            roles: vec![],
        },
    )
    .await
    .unwrap();
    let path = d.path().join("audit.csv");
    let n = audit::export_csv(&pool, &path).await.unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), n + 1);
    assert!(text.contains(",'=cmd|' /C calc'!A0,"), "{text}");
    assert!(!text.contains(",=cmd"));
}

#[tokio::test]
async fn an_applied_import_is_on_the_trail_and_a_dry_run_is_not() {
    let (d, pool, _) = setup().await;
    let csv = write(
        d.path(),
        "two.csv",
        b"name,site,time_zone,role,os_name,client_policy\nAUD-1,Seoul HQ,Asia/Seoul,workstation,Windows 11,notify_download\nAUD-2,Seoul HQ,Asia/Seoul,server,Windows Server 2022,notify_download\n",
    );
    let dry = patchdesk_core::import::ImportOptions {
        dry_run: true,
        all_or_nothing: false,
    };
    patchdesk_core::inventory::import_computers(&pool, &csv, dry, &NP, &BY)
        .await
        .unwrap();
    assert!(audit::list(&pool, "import.", 10).await.unwrap().is_empty());
    let r = patchdesk_core::inventory::import_computers(&pool, &csv, Default::default(), &NP, &BY)
        .await
        .unwrap();
    assert_eq!(r.inserted, 2, "{r:?}");
    let rows = audit::list(&pool, "import.computers", 10).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].actor, "test");
    assert!(
        rows[0].detail.contains("\"inserted\":2"),
        "{}",
        rows[0].detail
    );
    assert!(audit::verify(&pool, None).await.unwrap().ok);
}

#[tokio::test]
async fn with_per_phase_approval_a_rollout_starts_only_once_its_first_phase_is_approved() {
    let (_d, pool, [rae, avery, blair, _]) = setup().await;
    let clock = FixedClock(now());
    approvals::set_policy(
        &pool,
        &clock,
        admin(&pool).await,
        &Policy {
            per_phase: true,
            ..Policy::default()
        },
    )
    .await
    .unwrap();
    let id = draft(&pool, "2027-09").await;
    approvals::transition(&pool, &clock, rae, id, Action::Submit, "")
        .await
        .unwrap();
    approvals::decide(&pool, &clock, avery, id, Decision::Approve, "")
        .await
        .unwrap();
    approvals::decide(&pool, &clock, blair, id, Decision::Approve, "")
        .await
        .unwrap();
    let e = approvals::transition(&pool, &clock, rae, id, Action::Start, "")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("first phase is not approved"), "{e}");
    let phases = patchdesk_core::releases::get(&pool, id)
        .await
        .unwrap()
        .phases;
    let e = approvals::approve_phase(&pool, &clock, rae, phases[0].id, "")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("cannot approve its phases"), "{e}");
    // Approving a later phase does not open the first.
    approvals::approve_phase(&pool, &clock, avery, phases[1].id, "")
        .await
        .unwrap();
    assert!(
        approvals::transition(&pool, &clock, rae, id, Action::Start, "")
            .await
            .is_err()
    );
    let s = approvals::approve_phase(&pool, &clock, avery, phases[0].id, "pilot ok")
        .await
        .unwrap();
    // Phase approvals do not count towards the release's quorum.
    assert_eq!(s.approved_by.len(), 2);
    let s = approvals::transition(&pool, &clock, rae, id, Action::Start, "")
        .await
        .unwrap();
    assert_eq!(s.state, State::InProgress);
}

/// At start-up the app acts as the person of the OS account; when no one claims the
/// account it falls back to the first administrator added (the person created at the
/// first start), not to whoever sorts first by name among the demo's people.
#[tokio::test]
async fn the_operator_is_the_os_accounts_person_or_the_first_administrator() {
    let (_dir, pool) = fresh_db().await;
    let clock = FixedClock(now());
    let first = approvals::operator_for_os_user(&pool, &clock, "")
        .await
        .unwrap();
    assert_eq!(first.name, "Operator");
    assert!(first.roles.contains(&Role::Administrator));
    demo::load(&pool, DemoOptions::default(), now(), false, &NP, &BY)
        .await
        .unwrap();
    let names: Vec<String> = approvals::people(&pool)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert!(names.len() > 2 && names[0] < first.name, "{names:?}");
    for os_user in ["", "someone-else"] {
        let p = approvals::operator_for_os_user(&pool, &clock, os_user)
            .await
            .unwrap();
        assert_eq!(p.id, first.id, "{os_user:?}");
    }
    let alice = approvals::create_person(
        &pool,
        &clock,
        first.id,
        &PersonInput {
            name: "Alice Example".into(),
            email: String::new(),
            os_user: "alice".into(),
            roles: vec![Role::Requester],
        },
    )
    .await
    .unwrap();
    let p = approvals::operator_for_os_user(&pool, &clock, "alice")
        .await
        .unwrap();
    assert_eq!(p.id, alice.id);
}

/// Whoever creates a release is its requester for good: a colleague submitting it does
/// not make them eligible to approve it.
#[tokio::test]
async fn the_creator_stays_the_requester_when_someone_else_submits() {
    let (_d, pool, [rae, avery, blair, _]) = setup().await;
    let clock = FixedClock(now());
    // Avery creates it (through the template, as Rae's drafts are), Rae submits it.
    let id = templates::create_release(
        &pool,
        &clock,
        "Avery Approver",
        demo::plans::TEMPLATE,
        "2027-04",
        "",
    )
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO release_updates (release_id, update_id)
         SELECT $1, id FROM updates WHERE superseded_by = '' ORDER BY id LIMIT 1",
    )
    .bind(id)
    .execute(&pool)
    .await
    .unwrap();
    let s = approvals::transition(&pool, &clock, rae, id, Action::Submit, "")
        .await
        .unwrap();
    assert_eq!(s.requester.as_deref(), Some("Avery Approver"));
    let e = approvals::decide(&pool, &clock, avery, id, Decision::Approve, "")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("requested"), "{e}");
    // The one who submitted may approve: they did not request it.
    approvals::decide(&pool, &clock, rae, id, Decision::Approve, "")
        .await
        .unwrap();
    approvals::decide(&pool, &clock, blair, id, Decision::Approve, "")
        .await
        .unwrap();
    assert_eq!(state_of(&pool, id).await, State::Scheduled);
}

/// Every action checks the actor's role: lifecycle steps are a change manager's,
/// decisions an approver's, people and the policy an administrator's.
#[tokio::test]
async fn every_action_checks_the_actors_role() {
    let (_d, pool, [rae, avery, blair, casey]) = setup().await;
    let clock = FixedClock(now());
    let requester_only = approvals::create_person(
        &pool,
        &clock,
        admin(&pool).await,
        &PersonInput {
            name: "Quinn Requester".into(),
            email: String::new(),
            os_user: String::new(),
            roles: vec![Role::Requester],
        },
    )
    .await
    .unwrap()
    .id;
    let id = draft(&pool, "2027-05").await;
    approvals::transition(&pool, &clock, rae, id, Action::Submit, "")
        .await
        .unwrap();
    // A requester decides nothing.
    let e = approvals::decide(&pool, &clock, requester_only, id, Decision::Approve, "")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden, "{e}");
    approvals::decide(&pool, &clock, avery, id, Decision::Approve, "")
        .await
        .unwrap();
    approvals::decide(&pool, &clock, blair, id, Decision::Approve, "")
        .await
        .unwrap();
    // Neither a requester nor an approver starts the rollout; a change manager does.
    for who in [requester_only, casey] {
        let e = approvals::transition(&pool, &clock, who, id, Action::Start, "")
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Forbidden, "{e}");
        assert!(e.to_string().contains("change manager"), "{e}");
    }
    assert_eq!(state_of(&pool, id).await, State::Scheduled);
    approvals::transition(&pool, &clock, rae, id, Action::Start, "")
        .await
        .unwrap();
    // Only an administrator adds people or lowers the quorum.
    let e = approvals::create_person(
        &pool,
        &clock,
        avery,
        &PersonInput {
            name: "Mallory".into(),
            email: String::new(),
            os_user: String::new(),
            roles: vec![Role::Approver],
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden, "{e}");
    let e = approvals::set_policy(
        &pool,
        &clock,
        rae,
        &Policy {
            normal_approvers: 1,
            ..Policy::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden, "{e}");
    assert_eq!(
        approvals::get_policy(&pool).await.unwrap(),
        Policy::default()
    );
    assert!(approvals::find_person(&pool, "Mallory").await.is_err());
}

/// In local mode, picking someone else in "Acting as" (or `--as`) is advisory: it is
/// written to the trail with the OS account that did it.
#[tokio::test]
async fn switching_the_local_profile_is_audited_as_advisory() {
    let (_d, pool, [_, avery, _, _]) = setup().await;
    let clock = FixedClock(now());
    let me = approvals::operator_for_os_user(&pool, &clock, "admin")
        .await
        .unwrap();
    let to = approvals::switch_operator(&pool, &clock, "admin", &me, avery, "--as")
        .await
        .unwrap();
    assert_eq!(to.name, "Avery Approver");
    let rows = audit::list(&pool, "operator.switch", 10).await.unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let detail: serde_json::Value = serde_json::from_str(&rows[0].detail).unwrap();
    assert_eq!(detail["advisory"], true);
    assert_eq!(detail["osUser"], "admin");
    assert_eq!(detail["to"], "Avery Approver");
    assert_eq!(rows[0].actor, me.name);
    // Staying who you are writes nothing.
    approvals::switch_operator(&pool, &clock, "admin", &me, me.id, "app")
        .await
        .unwrap();
    assert_eq!(
        audit::list(&pool, "operator.switch", 10)
            .await
            .unwrap()
            .len(),
        1
    );
}

/// A release that rolls out nothing is a blocking conflict and cannot be submitted.
#[tokio::test]
async fn a_release_without_updates_cannot_be_submitted() {
    let (_d, pool, [rae, _, _, _]) = setup().await;
    let clock = FixedClock(now());
    // No updates in the catalogue for that month.
    let id = templates::create_release(
        &pool,
        &clock,
        "Rae Requester",
        demo::plans::TEMPLATE,
        "2027-08",
        "",
    )
    .await
    .unwrap();
    let detail = patchdesk_core::releases::get(&pool, id).await.unwrap();
    assert!(detail.updates.is_empty());
    let c = detail
        .conflicts
        .iter()
        .find(|c| c.kind == patchdesk_core::releases::ConflictKind::NoUpdates)
        .expect("a no-updates conflict");
    assert!(c.blocking);
    let e = approvals::transition(&pool, &clock, rae, id, Action::Submit, "")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
    assert!(e.to_string().contains("no update"), "{e}");
    assert_eq!(state_of(&pool, id).await, State::Draft);
}

/// Control characters never enter a person's name, a release's title or its
/// requester, and a hostile account name does not become a person.
#[tokio::test]
async fn control_characters_are_refused_where_names_enter() {
    let (_d, pool, _) = setup().await;
    let clock = FixedClock(now());
    for bad in ["Eve\r\nBcc: x", "Eve\u{1b}[31m", "Eve\u{7}"] {
        let e = approvals::create_person(
            &pool,
            &clock,
            admin(&pool).await,
            &PersonInput {
                name: bad.into(),
                email: String::new(),
                os_user: String::new(),
                roles: vec![],
            },
        )
        .await
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid, "{bad:?}");
        assert!(e.to_string().contains("control character"), "{e}");
    }
    let ws = patchdesk_core::collections::find(&pool, "All workstations")
        .await
        .unwrap();
    let ok = release("Fine", vec![phase("Pilot", ws, 10, 2)]);
    for input in [
        patchdesk_core::releases::ReleaseInput {
            title: "Evil\u{1b}]0;owned\u{7}".into(),
            ..ok.clone()
        },
        patchdesk_core::releases::ReleaseInput {
            requester: "Eve\nAdmin".into(),
            ..ok.clone()
        },
        patchdesk_core::releases::ReleaseInput {
            description: "line one\nline two \u{1b}[2J".into(),
            ..ok.clone()
        },
    ] {
        let e = patchdesk_core::releases::create(&pool, &clock, "Tester", &input)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("control character"), "{e}");
    }
    // Line breaks are fine in a description.
    patchdesk_core::releases::create(
        &pool,
        &clock,
        "Tester",
        &patchdesk_core::releases::ReleaseInput {
            description: "line one\nline two".into(),
            ..ok
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_hostile_account_name_does_not_become_a_person() {
    let (_dir, pool) = fresh_db().await;
    let p = approvals::operator_for_os_user(&pool, &FixedClock(now()), "eve\u{1b}[31m")
        .await
        .unwrap();
    assert_eq!(p.name, "Operator");
    assert_eq!(p.os_user, "");
}
