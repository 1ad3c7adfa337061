//! Maintenance windows on collections and org-wide blackouts (change freezes).

use super::recurrence::{parse_time, Recurrence};
use super::{at, Blackout, BlackoutInput, MaintenanceWindow, WindowInput};
use crate::audit;
use crate::collections::CollectionRef;
use crate::db::begin_write;
use crate::ports::Clock;
use crate::{Error, Result};
use serde_json::json;
use sqlx::{SqliteConnection, SqlitePool};

/// "Mon, Tue 22:00–04:00 (6 h)".
pub fn summary(rec: &Recurrence, start: &str, minutes: u32) -> String {
    let end = parse_time(start)
        .map(|t| {
            (t + chrono::Duration::minutes(i64::from(minutes)))
                .format("%H:%M")
                .to_string()
        })
        .unwrap_or_default();
    let length = if minutes.is_multiple_of(60) {
        format!("{} h", minutes / 60)
    } else if minutes > 60 {
        format!("{} h {} min", minutes / 60, minutes % 60)
    } else {
        format!("{minutes} min")
    };
    format!("{} {start}–{end} ({length})", rec.describe())
}

fn check_window(input: &WindowInput) -> Result<String> {
    let name = input.name.trim();
    if name.is_empty() {
        return Err(Error::invalid("a maintenance window needs a name"));
    }
    if name.chars().count() > 100 {
        return Err(Error::invalid(
            "a window's name is longer than 100 characters",
        ));
    }
    input
        .recurrence
        .check()
        .map_err(|e| Error::invalid(format!("window '{name}': {e}")))?;
    let t = parse_time(&input.start_time)
        .map_err(|e| Error::invalid(format!("window '{name}': {e}")))?;
    if !(5..=1440).contains(&input.duration_minutes) {
        return Err(Error::invalid(format!(
            "window '{name}': a window lasts 5 minutes to 24 hours, not {} minutes",
            input.duration_minutes
        )));
    }
    Ok(t.format("%H:%M").to_string())
}

pub async fn create_window(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    input: &WindowInput,
) -> Result<i64> {
    let start = check_window(input)?;
    let mut tx = begin_write(pool).await?;
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM collections WHERE id = ?")
        .bind(input.collection_id)
        .fetch_optional(&mut *tx)
        .await?;
    if found.is_none() {
        return Err(Error::invalid(format!(
            "there is no collection with id {}",
            input.collection_id
        )));
    }
    let id = insert_window(&mut tx, input, &start).await?;
    audit::record(
        &mut tx,
        clock.now(),
        actor,
        "window.create",
        "window",
        Some(id),
        json!({ "after": input }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn insert_window(
    conn: &mut SqliteConnection,
    input: &WindowInput,
    start: &str,
) -> Result<i64> {
    let rec = serde_json::to_string(&input.recurrence)
        .map_err(|e| Error::Internal(format!("recurrence as JSON: {e}")))?;
    Ok(sqlx::query_scalar(
        "INSERT INTO maintenance_windows (collection_id, name, recurrence, start_time, duration_minutes)
         VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(input.collection_id)
    .bind(input.name.trim())
    .bind(rec)
    .bind(start)
    .bind(input.duration_minutes)
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn delete_window(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    id: i64,
) -> Result<()> {
    super::delete_recorded(
        pool,
        clock,
        actor,
        "maintenance_windows",
        "window",
        "maintenance window",
        id,
    )
    .await
}

/// Windows, all or those of one collection.
pub async fn list_windows(
    conn: &mut SqliteConnection,
    collection_id: Option<i64>,
) -> Result<Vec<MaintenanceWindow>> {
    let rows: Vec<(i64, i64, String, String, String, String, u32)> = sqlx::query_as(
        "SELECT w.id, c.id, c.name, w.name, w.recurrence, w.start_time, w.duration_minutes
         FROM maintenance_windows w JOIN collections c ON c.id = w.collection_id
         WHERE ?1 IS NULL OR w.collection_id = ?1 ORDER BY c.name, w.start_time, w.id",
    )
    .bind(collection_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(id, cid, cname, name, rec, start, minutes)| {
            let recurrence: Recurrence = serde_json::from_str(&rec).map_err(|e| {
                Error::Internal(format!("window {id} has an unreadable recurrence: {e}"))
            })?;
            Ok(MaintenanceWindow {
                id,
                collection: CollectionRef {
                    id: cid,
                    name: cname,
                },
                name,
                summary: summary(&recurrence, &start, minutes),
                recurrence,
                start_time: start,
                duration_minutes: minutes,
            })
        })
        .collect()
}

pub async fn windows(
    pool: &SqlitePool,
    collection_id: Option<i64>,
) -> Result<Vec<MaintenanceWindow>> {
    let mut conn = pool.acquire().await?;
    list_windows(&mut conn, collection_id).await
}

fn check_blackout(input: &BlackoutInput) -> Result<()> {
    let name = input.name.trim();
    if name.is_empty() {
        return Err(Error::invalid("a blackout needs a name"));
    }
    if input.ends_at <= input.starts_at {
        return Err(Error::invalid(format!(
            "blackout '{name}': it must end after it starts"
        )));
    }
    if input.ends_at - input.starts_at > chrono::Duration::days(366) {
        return Err(Error::invalid(format!(
            "blackout '{name}': a blackout lasts at most a year"
        )));
    }
    Ok(())
}

pub async fn create_blackout(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    input: &BlackoutInput,
) -> Result<i64> {
    check_blackout(input)?;
    let mut tx = begin_write(pool).await?;
    let id = insert_blackout(&mut tx, input).await?;
    audit::record(
        &mut tx,
        clock.now(),
        actor,
        "blackout.create",
        "blackout",
        Some(id),
        json!({ "after": input }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub(crate) async fn insert_blackout(
    conn: &mut SqliteConnection,
    input: &BlackoutInput,
) -> Result<i64> {
    check_blackout(input)?;
    Ok(sqlx::query_scalar(
        "INSERT INTO blackouts (name, starts_at, ends_at) VALUES (?, ?, ?) RETURNING id",
    )
    .bind(input.name.trim())
    .bind(input.starts_at.timestamp())
    .bind(input.ends_at.timestamp())
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn delete_blackout(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    id: i64,
) -> Result<()> {
    super::delete_recorded(pool, clock, actor, "blackouts", "blackout", "blackout", id).await
}

pub(crate) async fn list_blackouts(conn: &mut SqliteConnection) -> Result<Vec<Blackout>> {
    let rows: Vec<(i64, String, i64, i64)> =
        sqlx::query_as("SELECT id, name, starts_at, ends_at FROM blackouts ORDER BY starts_at")
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, s, e)| Blackout {
            id,
            name,
            starts_at: at(s),
            ends_at: at(e),
        })
        .collect())
}

pub async fn blackouts(pool: &SqlitePool) -> Result<Vec<Blackout>> {
    let mut conn = pool.acquire().await?;
    list_blackouts(&mut conn).await
}
