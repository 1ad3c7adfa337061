//! Plan templates: phases at days relative to Patch Tuesday, times of day in one zone.

use super::recurrence::{parse_time, patch_tuesday, resolve};
use super::{
    create_in, phases_of, PhaseInput, PlanTemplate, ReleaseInput, ReleaseKind, Risk, TemplatePhase,
    MAX_UPDATES,
};
use crate::collections::CollectionRef;
use crate::db::begin_write;
use crate::ports::Clock;
use crate::{Error, Result};
use chrono::{Datelike, Duration, NaiveDate};
use chrono_tz::Tz;
use sqlx::{SqliteConnection, SqlitePool};

/// "2026-12" → (2026, 12).
pub fn parse_month(value: &str) -> Result<(i32, u32)> {
    let bad = || Error::invalid(format!("'{value}' is not a month as YYYY-MM, e.g. 2026-12"));
    let (y, m) = value.trim().split_once('-').ok_or_else(bad)?;
    let y: i32 = y.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if !(2000..=2100).contains(&y) || !(1..=12).contains(&m) {
        return Err(bad());
    }
    Ok((y, m))
}

fn zone(name: &str) -> Result<Tz> {
    crate::validate::time_zone(name).map_err(Error::invalid)
}

fn check(template: &PlanTemplate) -> Result<()> {
    let name = template.name.trim();
    if name.is_empty() {
        return Err(Error::invalid("a template needs a name"));
    }
    zone(&template.time_zone)?;
    if template.phases.is_empty() {
        return Err(Error::invalid(format!("template '{name}' has no phases")));
    }
    for (i, p) in template.phases.iter().enumerate() {
        let label = format!("template '{name}', phase {} '{}'", i + 1, p.name);
        let a =
            parse_time(&p.available_time).map_err(|e| Error::invalid(format!("{label}: {e}")))?;
        let d =
            parse_time(&p.deadline_time).map_err(|e| Error::invalid(format!("{label}: {e}")))?;
        if (p.deadline_day, d) <= (p.available_day, a) {
            return Err(Error::invalid(format!(
                "{label}: the deadline must come after the available time"
            )));
        }
        if p.available_day.abs() > 120 || p.deadline_day.abs() > 120 {
            return Err(Error::invalid(format!(
                "{label}: days must be within 120 of the base date"
            )));
        }
    }
    Ok(())
}

pub(crate) async fn insert(conn: &mut SqliteConnection, template: &PlanTemplate) -> Result<i64> {
    check(template)?;
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM plan_templates WHERE name = ?")
        .bind(template.name.trim())
        .fetch_optional(&mut *conn)
        .await?;
    if taken.is_some() {
        return Err(Error::Conflict(format!(
            "there is already a template named '{}'",
            template.name.trim()
        )));
    }
    let phases = serde_json::to_string(&template.phases)
        .map_err(|e| Error::Internal(format!("template phases as JSON: {e}")))?;
    Ok(sqlx::query_scalar(
        "INSERT INTO plan_templates (name, description, time_zone, phases) VALUES (?, ?, ?, ?)
         RETURNING id",
    )
    .bind(template.name.trim())
    .bind(template.description.trim())
    .bind(template.time_zone.trim())
    .bind(phases)
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn create(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    template: &PlanTemplate,
) -> Result<i64> {
    let mut tx = begin_write(pool).await?;
    let id = insert(&mut tx, template).await?;
    crate::audit::record(
        &mut tx,
        clock.now(),
        actor,
        "template.create",
        "template",
        Some(id),
        serde_json::json!({ "after": template }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn list(pool: &SqlitePool) -> Result<Vec<PlanTemplate>> {
    let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT id, name, description, time_zone, phases FROM plan_templates ORDER BY name",
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(id, name, description, time_zone, phases)| {
            Ok(PlanTemplate {
                phases: serde_json::from_str(&phases).map_err(|e| {
                    Error::Internal(format!("template {id} has unreadable phases: {e}"))
                })?,
                id,
                name,
                description,
                time_zone,
            })
        })
        .collect()
}

pub async fn find(pool: &SqlitePool, name: &str) -> Result<PlanTemplate> {
    list(pool)
        .await?
        .into_iter()
        .find(|t| t.name.eq_ignore_ascii_case(name.trim()) || t.id.to_string() == name.trim())
        .ok_or_else(|| Error::NotFound(format!("there is no template named '{}'", name.trim())))
}

pub async fn delete(pool: &SqlitePool, clock: &dyn Clock, actor: &str, id: i64) -> Result<()> {
    super::delete_recorded(
        pool,
        clock,
        actor,
        "plan_templates",
        "template",
        "template",
        id,
    )
    .await
}

/// Saves a release's plan as a template, relative to the Patch Tuesday of the month its
/// first phase starts in (in `time_zone`).
pub async fn save_release_as_template(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    release_id: i64,
    name: &str,
    time_zone: &str,
) -> Result<i64> {
    let tz = zone(time_zone)?;
    let mut tx = begin_write(pool).await?;
    let phases = phases_of(&mut tx, release_id).await?;
    let first = phases
        .first()
        .ok_or_else(|| Error::invalid("this release has no phases to save"))?;
    let start = first.available_at.with_timezone(&tz).date_naive();
    let base = patch_tuesday(start.year(), start.month()).expect("every month has a 2nd Tuesday");
    let day = |d: NaiveDate| (d - base).num_days() as i32;
    let template = PlanTemplate {
        id: 0,
        name: name.trim().to_string(),
        description: format!(
            "Saved from a release; days are relative to Patch Tuesday ({})",
            tz.name()
        ),
        time_zone: tz.name().to_string(),
        phases: phases
            .iter()
            .map(|p| {
                let a = p.available_at.with_timezone(&tz);
                let d = p.deadline_at.with_timezone(&tz);
                TemplatePhase {
                    name: p.name.clone(),
                    collection: p.collection.clone(),
                    available_day: day(a.date_naive()),
                    available_time: a.format("%H:%M").to_string(),
                    deadline_day: day(d.date_naive()),
                    deadline_time: d.format("%H:%M").to_string(),
                    rerun_days: Some(p.rerun_days),
                    success_percent: p.success_percent,
                    success_count: p.success_count,
                    failure_percent: p.failure_percent,
                    advance: p.advance,
                    advance_after_days: p.advance_after_days,
                    overnight_day: p.overnight_date.map(day),
                }
            })
            .collect(),
    };
    let id = insert(&mut tx, &template).await?;
    crate::audit::record(
        &mut tx,
        clock.now(),
        actor,
        "template.create",
        "template",
        Some(id),
        serde_json::json!({ "after": template, "fromRelease": release_id }),
    )
    .await?;
    sqlx::query("UPDATE releases SET template_id = ? WHERE id = ?")
        .bind(id)
        .bind(release_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// The plan of a template for a month: Patch Tuesday of that month + each phase's days.
pub fn phases_for_month(template: &PlanTemplate, year: i32, month: u32) -> Result<Vec<PhaseInput>> {
    let tz = zone(&template.time_zone)?;
    let base = patch_tuesday(year, month)
        .ok_or_else(|| Error::invalid(format!("{year}-{month:02} is not a month")))?;
    template
        .phases
        .iter()
        .map(|p| {
            let at = |day: i32, time: &str| -> Result<_> {
                let t = parse_time(time).map_err(Error::invalid)?;
                Ok(resolve(
                    tz,
                    (base + Duration::days(i64::from(day))).and_time(t),
                ))
            };
            Ok(PhaseInput {
                id: None,
                name: p.name.clone(),
                collection_id: Some(p.collection.id),
                available_at: at(p.available_day, &p.available_time)?,
                deadline_at: at(p.deadline_day, &p.deadline_time)?,
                rerun_days: p.rerun_days,
                success_percent: p.success_percent,
                success_count: p.success_count,
                failure_percent: p.failure_percent,
                advance: p.advance,
                advance_after_days: p.advance_after_days,
                overnight_date: p.overnight_day.map(|d| base + Duration::days(i64::from(d))),
            })
        })
        .collect()
}

/// Creates a release from a template for a month. Its updates are the catalogue's
/// updates released that month and not superseded.
pub async fn create_release(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    template_name: &str,
    month: &str,
    requester: &str,
) -> Result<i64> {
    create_release_with(pool, clock, actor, template_name, month, requester, &[]).await
}

/// [`create_release`] with more updates named by KB (a script adding this month's
/// out-of-band fix, or updates of a month the catalogue has nothing for).
pub async fn create_release_with(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    template_name: &str,
    month: &str,
    requester: &str,
    kbs: &[String],
) -> Result<i64> {
    let template = find(pool, template_name).await?;
    let (y, m) = parse_month(month)?;
    let phases = phases_for_month(&template, y, m)?;
    let mut tx = begin_write(pool).await?;
    // Existence of the template's collections is checked with the plan.
    let prefix = format!("{y:04}-{m:02}-");
    // The month's updates that nothing released by now supersedes (an update superseded
    // only by a later month's is still the one to deploy for this month).
    let updates: Vec<i64> = sqlx::query_scalar(
        "SELECT u.id FROM updates u LEFT JOIN updates s ON s.kb = u.superseded_by
         WHERE substr(u.release_date, 1, 8) = $1
           AND (u.superseded_by = '' OR s.release_date > $2)
         ORDER BY u.release_date, u.kb LIMIT $3",
    )
    .bind(&prefix)
    .bind(clock.now().date_naive().to_string())
    .bind(MAX_UPDATES as i64)
    .fetch_all(&mut *tx)
    .await?;
    let mut updates = updates;
    for kb in kbs {
        let kb = crate::catalog::normalize_kb(kb).map_err(Error::invalid)?;
        let id: i64 = sqlx::query_scalar("SELECT id FROM updates WHERE kb = $1")
            .bind(&kb)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| Error::NotFound(format!("the catalogue has no update {kb}")))?;
        if !updates.contains(&id) {
            updates.push(id);
        }
    }
    let month_name = NaiveDate::from_ymd_opt(y, m, 1)
        .map(|d| d.format("%B %Y").to_string())
        .unwrap_or_default();
    let input = ReleaseInput {
        title: format!("{} — {month_name}", template.name),
        description: format!(
            "Created from the template '{}' for {month_name} (Patch Tuesday {}).",
            template.name,
            patch_tuesday(y, m)
                .map(|d| d.to_string())
                .unwrap_or_default()
        ),
        kind: ReleaseKind::Normal,
        risk: Risk::Medium,
        justification: String::new(),
        requester: requester.to_string(),
        rollback_plan: String::new(),
        communication_plan: String::new(),
        update_ids: updates,
        phases,
    };
    let id = create_in(&mut tx, clock, actor, &input, Some(template.id))
        .await
        .map_err(|e| match e {
            Error::Invalid { message, .. } if message.contains("no collection") => {
                Error::invalid(format!(
                    "template '{}' names a collection that no longer exists: {message}",
                    template.name
                ))
            }
            e => e,
        })?;
    tx.commit().await?;
    Ok(id)
}

/// A reference to a collection, for templates built in code (the demo).
pub fn collection_ref(id: i64, name: &str) -> CollectionRef {
    CollectionRef {
        id,
        name: name.to_string(),
    }
}
