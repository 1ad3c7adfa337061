//! Releases (change requests) and their rollout plans (SPEC C4, C5).
//!
//! A release holds up to 1,000 catalogue updates and an ordered list of phases (rings),
//! each targeting a collection between an available time and an install deadline.
//! Maintenance windows on collections, org-wide blackouts, conflict checks, templates
//! relative to Patch Tuesday and the calendar (with an `.ics` export) live beside it.

mod model;
pub mod plan;
pub mod recurrence;
pub mod schedule;
pub mod templates;
pub mod windows;

pub use model::*;

use crate::approvals::state::State;
use crate::collections::CollectionRef;
use crate::db::begin_write;
use crate::ports::Clock;
use crate::{approvals, audit};
use crate::{Error, Result};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::json;
use sqlx::{SqliteConnection, SqlitePool};
use std::collections::{BTreeSet, HashMap};

/// At most this many updates in one release.
pub const MAX_UPDATES: usize = 1_000;
/// At most this many phases in one plan.
pub const MAX_PHASES: usize = 20;

pub(crate) fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).single().unwrap_or_default()
}

fn whole(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// A one-line field: required or not, bounded, and free of control characters.
fn text(value: &str, what: &str, max: usize, required: bool) -> Result<String> {
    let v = value.trim();
    crate::validate::no_control(what, v).map_err(Error::invalid)?;
    if required && v.is_empty() {
        return Err(Error::invalid(format!("{what} is required")));
    }
    if v.chars().count() > max {
        return Err(Error::invalid(format!(
            "{what} is longer than {max} characters"
        )));
    }
    Ok(v.to_string())
}

/// Checks a release as given, before anything is written. Returns the updates, deduplicated.
async fn check_input(conn: &mut SqliteConnection, input: &ReleaseInput) -> Result<Vec<i64>> {
    text(&input.title, "the release's title", 200, true)?;
    text(&input.requester, "the requester", 200, false)?;
    for (what, v) in [
        ("the description", &input.description),
        ("the justification", &input.justification),
        ("the rollback plan", &input.rollback_plan),
        ("the communication plan", &input.communication_plan),
    ] {
        crate::validate::no_control_multiline(what, v).map_err(Error::invalid)?;
    }
    let updates: Vec<i64> = input
        .update_ids
        .iter()
        .copied()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if updates.len() > MAX_UPDATES {
        return Err(Error::invalid(format!(
            "a release may hold at most {MAX_UPDATES} updates; this one has {}",
            updates.len()
        )));
    }
    for chunk in updates.chunks(500) {
        let list = chunk
            .iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let found: Vec<i64> =
            sqlx::query_scalar(&format!("SELECT id FROM updates WHERE id IN ({list})"))
                .fetch_all(&mut *conn)
                .await?;
        if let Some(missing) = chunk.iter().find(|i| !found.contains(i)) {
            return Err(Error::invalid(format!(
                "there is no update with id {missing} in the catalogue"
            )));
        }
    }
    if input.phases.is_empty() {
        return Err(Error::invalid(
            "a rollout plan needs at least one phase (e.g. a pilot ring)",
        ));
    }
    if input.phases.len() > MAX_PHASES {
        return Err(Error::invalid(format!(
            "a rollout plan may have at most {MAX_PHASES} phases"
        )));
    }
    for (i, p) in input.phases.iter().enumerate() {
        check_phase(conn, i + 1, p).await?;
    }
    Ok(updates)
}

async fn check_phase(conn: &mut SqliteConnection, n: usize, p: &PhaseInput) -> Result<()> {
    let label = if p.name.trim().is_empty() {
        format!("phase {n}")
    } else {
        format!("phase {n} '{}'", p.name.trim())
    };
    text(&p.name, &format!("the name of phase {n}"), 100, true)?;
    let Some(cid) = p.collection_id else {
        return Err(Error::invalid(format!(
            "{label} has no target collection; choose the computers it deploys to"
        )));
    };
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM collections WHERE id = ?")
        .bind(cid)
        .fetch_optional(&mut *conn)
        .await?;
    if exists.is_none() {
        return Err(Error::invalid(format!(
            "{label}: there is no collection with id {cid}"
        )));
    }
    if p.deadline_at <= p.available_at {
        return Err(Error::invalid(format!(
            "{label}: the install deadline ({}) must be after the available time ({})",
            p.deadline_at.format("%Y-%m-%d %H:%M UTC"),
            p.available_at.format("%Y-%m-%d %H:%M UTC")
        )));
    }
    if let Some(r) = p.rerun_days {
        if !(1..=365).contains(&r) {
            return Err(Error::invalid(format!(
                "{label}: the re-run interval must be 1 to 365 days, not {r}"
            )));
        }
    }
    if p.success_percent.is_none() && p.success_count.is_none() {
        return Err(Error::invalid(format!(
            "{label} needs a success criterion: a share of computers or a number of them"
        )));
    }
    if let Some(s) = p.success_percent {
        if !(0.0..=100.0).contains(&s) {
            return Err(Error::invalid(format!(
                "{label}: the success share must be 0 to 100 %, not {s}"
            )));
        }
    }
    if let Some(c) = p.success_count {
        if c < 0 {
            return Err(Error::invalid(format!(
                "{label}: the success count cannot be negative"
            )));
        }
    }
    if !(0.0..=100.0).contains(&p.failure_percent) {
        return Err(Error::invalid(format!(
            "{label}: the failure threshold must be 0 to 100 %, not {}",
            p.failure_percent
        )));
    }
    if !(0..=90).contains(&p.advance_after_days) {
        return Err(Error::invalid(format!(
            "{label}: advance after 0 to 90 days, not {}",
            p.advance_after_days
        )));
    }
    Ok(())
}

/// The source document's default: computers re-run the install program weekly; servers daily.
async fn default_rerun(conn: &mut SqliteConnection, collection_id: i64) -> Result<i64> {
    let servers: bool = sqlx::query_scalar(
        "SELECT EXISTS(SELECT 1 FROM collection_members m JOIN computers c ON c.id = m.computer_id
                        WHERE m.collection_id = ? AND c.role = 'server')",
    )
    .bind(collection_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(if servers { 1 } else { 7 })
}

async fn write_fields(
    conn: &mut SqliteConnection,
    id: i64,
    input: &ReleaseInput,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE releases SET title = ?, description = ?, kind = ?, risk = ?, justification = ?,
         requester = ?, rollback_plan = ?, communication_plan = ?, updated_at = ? WHERE id = ?",
    )
    .bind(input.title.trim())
    .bind(input.description.trim())
    .bind(input.kind.as_str())
    .bind(input.risk.as_str())
    .bind(input.justification.trim())
    .bind(input.requester.trim())
    .bind(input.rollback_plan.trim())
    .bind(input.communication_plan.trim())
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn write_plan(
    conn: &mut SqliteConnection,
    id: i64,
    input: &ReleaseInput,
    updates: &[i64],
) -> Result<()> {
    sqlx::query("DELETE FROM release_updates WHERE release_id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for u in updates {
        sqlx::query("INSERT INTO release_updates (release_id, update_id) VALUES (?, ?)")
            .bind(id)
            .bind(u)
            .execute(&mut *conn)
            .await?;
    }
    let existing: Vec<(i64, i64, i64)> =
        sqlx::query_as("SELECT id, available_at, deadline_at FROM phases WHERE release_id = ?")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    let kept: BTreeSet<i64> = input.phases.iter().filter_map(|p| p.id).collect();
    for (pid, _, _) in &existing {
        if !kept.contains(pid) {
            sqlx::query("DELETE FROM phases WHERE id = ?")
                .bind(pid)
                .execute(&mut *conn)
                .await?;
        }
    }
    // Positions are unique per release: move the kept ones out of the way first.
    sqlx::query("UPDATE phases SET position = -position - 1 WHERE release_id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for (i, p) in input.phases.iter().enumerate() {
        let cid = p.collection_id.expect("checked");
        let rerun = match p.rerun_days {
            Some(r) => r,
            None => default_rerun(conn, cid).await?,
        };
        let old =
            p.id.and_then(|pid| existing.iter().find(|(e, _, _)| *e == pid));
        if p.id.is_some() && old.is_none() {
            return Err(Error::invalid(format!(
                "phase {} is not a phase of this release",
                i + 1
            )));
        }
        let q = if old.is_some() {
            "UPDATE phases SET position = ?2, name = ?3, collection_id = ?4, available_at = ?5,
             deadline_at = ?6, rerun_days = ?7, success_percent = ?8, success_count = ?9,
             failure_percent = ?10, advance = ?11, advance_after_days = ?12, overnight_date = ?13,
             sequence = sequence + ?14 WHERE id = ?1"
        } else {
            "INSERT INTO phases (release_id, position, name, collection_id, available_at,
             deadline_at, rerun_days, success_percent, success_count, failure_percent, advance,
             advance_after_days, overnight_date, sequence)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
        };
        let moved = old
            .map(|(_, a, d)| *a != whole(p.available_at) || *d != whole(p.deadline_at))
            .unwrap_or(false);
        sqlx::query(q)
            .bind(if old.is_some() { p.id.unwrap_or(0) } else { id })
            .bind(i as i64)
            .bind(p.name.trim())
            .bind(cid)
            .bind(whole(p.available_at))
            .bind(whole(p.deadline_at))
            .bind(rerun)
            .bind(p.success_percent)
            .bind(p.success_count)
            .bind(p.failure_percent)
            .bind(p.advance.as_str())
            .bind(p.advance_after_days)
            .bind(p.overnight_date.map(|d| d.to_string()))
            .bind(if old.is_some() { i64::from(moved) } else { 0 })
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Creates a release with its plan, in one transaction.
pub async fn create(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    input: &ReleaseInput,
) -> Result<i64> {
    let input = &input.composed();
    let mut tx = begin_write(pool).await?;
    let id = create_in(&mut tx, clock, actor, input, None).await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn create_in(
    conn: &mut SqliteConnection,
    clock: &dyn Clock,
    actor: &str,
    input: &ReleaseInput,
    template_id: Option<i64>,
) -> Result<i64> {
    let updates = check_input(conn, input).await?;
    let now = clock.now().timestamp();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO releases (title, kind, risk, template_id, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(input.title.trim())
    .bind(input.kind.as_str())
    .bind(input.risk.as_str())
    .bind(template_id)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    write_fields(conn, id, input, now).await?;
    write_plan(conn, id, input, &updates).await?;
    // Whoever creates a release is its requester, fixed from now on: a later submitter
    // does not replace them, so they can never approve it.
    sqlx::query(
        "UPDATE releases SET requester_id = (SELECT id FROM people WHERE name = $1) WHERE id = $2",
    )
    .bind(actor)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    let after = snapshot(conn, id).await?;
    audit::record(
        conn,
        clock.now(),
        actor,
        "release.create",
        "release",
        Some(id),
        json!({ "after": after, "template": template_id }),
    )
    .await?;
    Ok(id)
}

/// What an audit row keeps of a release: its fields, updates and plan.
async fn snapshot(conn: &mut SqliteConnection, id: i64) -> Result<serde_json::Value> {
    let (title, kind, risk, requester): (String, String, String, String) =
        sqlx::query_as("SELECT title, kind, risk, requester FROM releases WHERE id = ?")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    let updates: Vec<String> = sqlx::query_scalar(
        "SELECT u.kb FROM release_updates r JOIN updates u ON u.id = r.update_id
         WHERE r.release_id = ? ORDER BY u.kb",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let phases: Vec<serde_json::Value> = phases_of(conn, id)
        .await?
        .into_iter()
        .map(|p| {
            json!({
                "name": p.name, "collection": p.collection.name,
                "availableAt": p.available_at, "deadlineAt": p.deadline_at,
            })
        })
        .collect();
    Ok(json!({
        "title": title, "kind": kind, "risk": risk, "requester": requester,
        "updates": updates, "phases": phases,
    }))
}

/// Replaces a release's fields, updates and plan. Phases keep their ids (and calendar
/// UIDs); a phase whose times change gets a higher sequence number.
pub async fn update(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    id: i64,
    input: &ReleaseInput,
) -> Result<()> {
    let input = &input.composed();
    let mut tx = begin_write(pool).await?;
    exists(&mut tx, id).await?;
    let updates = check_input(&mut tx, input).await?;
    let before = snapshot(&mut tx, id).await?;
    approvals::on_edit(&mut tx, clock.now(), actor, id).await?;
    write_fields(&mut tx, id, input, clock.now().timestamp()).await?;
    write_plan(&mut tx, id, input, &updates).await?;
    let after = snapshot(&mut tx, id).await?;
    audit::record(
        &mut tx,
        clock.now(),
        actor,
        "release.edit",
        "release",
        Some(id),
        json!({ "before": before, "after": after }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The conflicts a draft would have, for the editor: the draft is written inside a
/// transaction that is always rolled back, so the checks see it exactly as saved.
pub async fn check_draft(
    pool: &SqlitePool,
    clock: &dyn Clock,
    id: Option<i64>,
    input: &ReleaseInput,
) -> Result<Vec<Conflict>> {
    let mut tx = begin_write(pool).await?;
    let rid = match id {
        Some(id) => {
            exists(&mut tx, id).await?;
            let updates = check_input(&mut tx, input).await?;
            approvals::on_edit(&mut tx, clock.now(), "draft check", id).await?;
            write_fields(&mut tx, id, input, clock.now().timestamp()).await?;
            write_plan(&mut tx, id, input, &updates).await?;
            id
        }
        None => create_in(&mut tx, clock, "draft check", input, None).await?,
    };
    let found = plan::conflicts(&mut tx, Some(rid)).await?;
    tx.rollback().await?;
    Ok(found)
}

async fn exists(conn: &mut SqliteConnection, id: i64) -> Result<()> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM releases WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    found
        .map(|_| ())
        .ok_or_else(|| Error::NotFound(format!("there is no release with id {id}")))
}

/// Deletes a draft. Anything submitted stays, for the record: cancel it instead.
pub async fn delete(pool: &SqlitePool, clock: &dyn Clock, actor: &str, id: i64) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    exists(&mut tx, id).await?;
    let (title, state): (String, String) =
        sqlx::query_as("SELECT title, state FROM releases WHERE id = ?")
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
    if state != "draft" {
        return Err(Error::Conflict(format!(
            "'{title}' was submitted and stays on record: cancel it instead of deleting it"
        )));
    }
    let before = snapshot(&mut tx, id).await?;
    audit::record(
        &mut tx,
        clock.now(),
        actor,
        "release.delete",
        "release",
        Some(id),
        json!({ "before": before }),
    )
    .await?;
    sqlx::query("DELETE FROM releases WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a phase's available time and deadline together (a drag on the calendar).
pub async fn move_phase(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    phase_id: i64,
    by_seconds: i64,
) -> Result<()> {
    if by_seconds.abs() > 366 * 86_400 {
        return Err(Error::invalid("a phase can be moved by at most a year"));
    }
    let mut tx = begin_write(pool).await?;
    let release_id: Option<i64> = sqlx::query_scalar("SELECT release_id FROM phases WHERE id = ?")
        .bind(phase_id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(release_id) = release_id else {
        return Err(Error::NotFound(format!(
            "there is no phase with id {phase_id}"
        )));
    };
    approvals::on_edit(&mut tx, clock.now(), actor, release_id).await?;
    let done = sqlx::query(
        "UPDATE phases SET available_at = available_at + ?1, deadline_at = deadline_at + ?1,
         overnight_date = date(overnight_date, ?3 || ' days'),
         sequence = sequence + 1 WHERE id = ?2",
    )
    .bind(by_seconds)
    .bind(phase_id)
    // The overnight night moves with the phase, by whole days (nearest).
    .bind(format!(
        "{:+}",
        (by_seconds as f64 / 86_400.0).round() as i64
    ))
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound(format!(
            "there is no phase with id {phase_id}"
        )));
    }
    sqlx::query(
        "UPDATE releases SET updated_at = ? WHERE id = (SELECT release_id FROM phases WHERE id = ?)",
    )
    .bind(clock.now().timestamp())
    .bind(phase_id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        clock.now(),
        actor,
        "release.move_phase",
        "release",
        Some(release_id),
        json!({ "phase": phase_id, "bySeconds": by_seconds }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn list(pool: &SqlitePool) -> Result<Vec<ReleaseSummary>> {
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        i64,
        i64,
        Option<i64>,
        Option<i64>,
        Option<String>,
        i64,
        String,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT r.id, r.title, r.kind, r.risk, r.requester,
                (SELECT COUNT(*) FROM release_updates u WHERE u.release_id = r.id),
                (SELECT COUNT(*) FROM phases p WHERE p.release_id = r.id),
                (SELECT MIN(available_at) FROM phases p WHERE p.release_id = r.id),
                (SELECT MAX(deadline_at) FROM phases p WHERE p.release_id = r.id),
                t.name, r.updated_at, r.state
         FROM releases r LEFT JOIN plan_templates t ON t.id = r.template_id
         ORDER BY 8 DESC, r.id DESC",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ReleaseSummary {
            id: r.0,
            title: r.1,
            state: State::from_db(&r.11).unwrap_or(State::Draft),
            kind: ReleaseKind::from_db(&r.2),
            risk: Risk::from_db(&r.3),
            requester: r.4,
            update_count: r.5,
            phase_count: r.6,
            starts_at: r.7.map(at),
            ends_at: r.8.map(at),
            template: r.9,
            updated_at: at(r.10),
        })
        .collect())
}

/// Finds a release by id or exact title.
pub async fn find(pool: &SqlitePool, id_or_title: &str) -> Result<i64> {
    if let Ok(id) = id_or_title.trim().parse::<i64>() {
        return Ok(id);
    }
    sqlx::query_scalar("SELECT id FROM releases WHERE title = ? ORDER BY id DESC LIMIT 1")
        .bind(id_or_title.trim())
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| {
            Error::NotFound(format!(
                "there is no release titled '{}'",
                id_or_title.trim()
            ))
        })
}

#[derive(sqlx::FromRow)]
struct PhaseRow {
    id: i64,
    position: i64,
    name: String,
    collection_id: i64,
    collection_name: String,
    member_count: Option<i64>,
    release_id: i64,
    available_at: i64,
    deadline_at: i64,
    rerun_days: i64,
    success_percent: Option<f64>,
    success_count: Option<i64>,
    failure_percent: f64,
    advance: String,
    advance_after_days: i64,
    overnight_date: Option<String>,
    sequence: i64,
}

const PHASE_SELECT: &str = "SELECT p.id, p.position, p.name, c.id AS collection_id,
        c.name AS collection_name,
        CASE WHEN c.evaluated_at IS NULL THEN NULL ELSE c.member_count END AS member_count,
        p.release_id,
        p.available_at, p.deadline_at, p.rerun_days, p.success_percent, p.success_count,
        p.failure_percent, p.advance, p.advance_after_days, p.overnight_date, p.sequence
    FROM phases p JOIN collections c ON c.id = p.collection_id";

fn to_phase(r: PhaseRow) -> Phase {
    Phase {
        id: r.id,
        position: r.position,
        name: r.name,
        collection: CollectionRef {
            id: r.collection_id,
            name: r.collection_name,
        },
        member_count: r.member_count,
        available_at: at(r.available_at),
        deadline_at: at(r.deadline_at),
        rerun_days: r.rerun_days,
        success_percent: r.success_percent,
        success_count: r.success_count,
        failure_percent: r.failure_percent,
        advance: AdvanceMode::from_db(&r.advance),
        advance_after_days: r.advance_after_days,
        overnight_date: r.overnight_date.and_then(|d| d.parse::<NaiveDate>().ok()),
        sequence: r.sequence,
    }
}

/// The phases of a release, in order.
pub(crate) async fn phases_of(conn: &mut SqliteConnection, release_id: i64) -> Result<Vec<Phase>> {
    let rows: Vec<PhaseRow> = sqlx::query_as(&format!(
        "{PHASE_SELECT} WHERE p.release_id = ? ORDER BY p.position"
    ))
    .bind(release_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(to_phase).collect())
}

/// Every release's title by id (for conflicts and calendar entries).
pub(crate) async fn titles(conn: &mut SqliteConnection) -> Result<HashMap<i64, String>> {
    Ok(
        sqlx::query_as::<_, (i64, String)>("SELECT id, title FROM releases")
            .fetch_all(&mut *conn)
            .await?
            .into_iter()
            .collect(),
    )
}

/// Every phase with its release id, in release and plan order.
pub(crate) async fn all_phases(conn: &mut SqliteConnection) -> Result<Vec<(i64, Phase)>> {
    let rows: Vec<PhaseRow> =
        sqlx::query_as(&format!("{PHASE_SELECT} ORDER BY p.release_id, p.position"))
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.release_id, to_phase(r)))
        .collect())
}

pub(crate) async fn updates_of(
    conn: &mut SqliteConnection,
    release_id: i64,
) -> Result<Vec<ReleaseUpdate>> {
    type Row = (i64, String, String, String, bool, bool, i64, String);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT u.id, u.kb, u.title, u.severity, u.uninstallable, u.reboot_required,
                u.max_run_minutes, u.superseded_by
         FROM release_updates r JOIN updates u ON u.id = r.update_id
         WHERE r.release_id = ? ORDER BY u.release_date DESC, u.kb",
    )
    .bind(release_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ReleaseUpdate {
            id: r.0,
            kb: r.1,
            title: r.2,
            severity: r.3,
            uninstallable: r.4,
            reboot_required: r.5,
            max_run_minutes: r.6,
            superseded_by: r.7,
        })
        .collect())
}

pub async fn get(pool: &SqlitePool, id: i64) -> Result<ReleaseDetail> {
    let mut conn = pool.acquire().await?;
    type Row = (
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        i64,
        i64,
        String,
    );
    let r: Row = sqlx::query_as(
        "SELECT r.title, r.description, r.kind, r.risk, r.justification, r.requester,
                r.rollback_plan, r.communication_plan, t.name, r.created_at, r.updated_at,
                r.state
         FROM releases r LEFT JOIN plan_templates t ON t.id = r.template_id WHERE r.id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::NotFound(format!("there is no release with id {id}")))?;
    let updates = updates_of(&mut conn, id).await?;
    let phases = phases_of(&mut conn, id).await?;
    let conflicts = plan::conflicts(&mut conn, Some(id)).await?;
    let state = State::from_db(&r.11).unwrap_or(State::Draft);
    Ok(ReleaseDetail {
        id,
        title: r.0,
        state,
        editable: state.editable(),
        description: r.1,
        kind: ReleaseKind::from_db(&r.2),
        risk: Risk::from_db(&r.3),
        justification: r.4,
        requester: r.5,
        rollback_plan: r.6,
        communication_plan: r.7,
        template: r.8,
        created_at: at(r.9),
        updated_at: at(r.10),
        updates,
        phases,
        conflicts,
    })
}

/// Phases targeting a collection, as "'Pilot' of 'December patches'", for refusals.
pub async fn phases_targeting(
    conn: &mut SqliteConnection,
    collection_id: i64,
) -> Result<Vec<String>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT p.name, r.title FROM phases p JOIN releases r ON r.id = p.release_id
         WHERE p.collection_id = ? ORDER BY r.id, p.position",
    )
    .bind(collection_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(p, r)| format!("phase '{p}' of release '{r}'"))
        .collect())
}

/// Deletes row `id` of `table` with its audit row (`entity.delete`); `what` names it in
/// the refusal when there is no such row.
pub(crate) async fn delete_recorded(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    table: &str,
    entity: &str,
    what: &str,
    id: i64,
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    let done = sqlx::query(&format!("DELETE FROM {table} WHERE id = ?"))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound(format!("there is no {what} with id {id}")));
    }
    audit::record(
        &mut tx,
        clock.now(),
        actor,
        &format!("{entity}.delete"),
        entity,
        Some(id),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
