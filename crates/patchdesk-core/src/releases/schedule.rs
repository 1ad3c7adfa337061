//! The calendar of every rollout: phases, window openings, blackouts, overnight nights;
//! and the schedule as an iCalendar file.

use super::plan::conflicts;
use super::recurrence::{openings, parse_time};
use super::windows::{list_blackouts, list_windows};
use super::{all_phases, CalendarEvent, EventKind};
use crate::ics;
use crate::{Error, Result};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use sqlx::SqlitePool;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// At most this long a range in one request (the agenda's longest view is a quarter).
const MAX_RANGE_DAYS: i64 = 190;

/// Everything on the calendar that overlaps `[from, to)`, by start time.
pub async fn events(
    pool: &SqlitePool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<CalendarEvent>> {
    if to <= from {
        return Err(Error::invalid(
            "the calendar range must end after it starts",
        ));
    }
    if to - from > Duration::days(MAX_RANGE_DAYS) {
        return Err(Error::invalid(format!(
            "the calendar shows at most {MAX_RANGE_DAYS} days at a time"
        )));
    }
    let mut conn = pool.acquire().await?;
    let titles = super::titles(&mut conn).await?;
    let troubled: BTreeSet<i64> = conflicts(&mut conn, None)
        .await?
        .into_iter()
        .filter_map(|c| c.phase_id)
        .collect();
    let mut out = Vec::new();
    for (rid, p) in all_phases(&mut conn).await? {
        let title = titles.get(&rid).cloned().unwrap_or_default();
        if p.available_at < to && from < p.deadline_at {
            out.push(CalendarEvent {
                kind: EventKind::Phase,
                key: format!("phase-{}", p.id),
                title: format!("{} · {}", title, p.name),
                detail: format!(
                    "{} ({} computers), deadline {}",
                    p.collection.name,
                    p.member_count
                        .map(|n| n.to_string())
                        .unwrap_or_else(|| "not evaluated".into()),
                    p.deadline_at.format("%Y-%m-%d %H:%M UTC")
                ),
                starts_at: p.available_at,
                ends_at: p.deadline_at,
                release_id: Some(rid),
                phase_id: Some(p.id),
                conflict: troubled.contains(&p.id),
            });
        }
        if let Some(night) = p.overnight_date {
            // The evening of that date to the next morning, in UTC terms for display; the
            // e-mails give each site its own local evening.
            let starts = night
                .and_time(NaiveTime::from_hms_opt(18, 0, 0).expect("valid"))
                .and_utc();
            let ends = starts + Duration::hours(13);
            if starts < to && from < ends {
                out.push(CalendarEvent {
                    kind: EventKind::Overnight,
                    key: format!("overnight-{}", p.id),
                    title: format!("Leave computers on overnight · {}", p.name),
                    detail: format!("{title}: {}", p.collection.name),
                    starts_at: starts,
                    ends_at: ends,
                    release_id: Some(rid),
                    phase_id: Some(p.id),
                    conflict: false,
                });
            }
        }
    }
    for b in list_blackouts(&mut conn).await? {
        if b.starts_at < to && from < b.ends_at {
            out.push(CalendarEvent {
                kind: EventKind::Blackout,
                key: format!("blackout-{}", b.id),
                title: format!("Blackout: {}", b.name),
                detail: "No rollout may run (change freeze)".into(),
                starts_at: b.starts_at,
                ends_at: b.ends_at,
                release_id: None,
                phase_id: None,
                conflict: false,
            });
        }
    }
    // Window openings in each zone the window's collection has computers in.
    let windows = list_windows(&mut conn, None).await?;
    let mut zones_of: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for w in &windows {
        if zones_of.contains_key(&w.collection.id) {
            continue;
        }
        let zones: Vec<(String, String)> = sqlx::query_as(
            "SELECT s.name, s.time_zone FROM sites s WHERE EXISTS (
                 SELECT 1 FROM collection_members m JOIN computers c ON c.id = m.computer_id
                 WHERE m.collection_id = ? AND c.site_id = s.id) ORDER BY s.name",
        )
        .bind(w.collection.id)
        .fetch_all(&mut *conn)
        .await?;
        zones_of.insert(w.collection.id, zones);
    }
    for w in &windows {
        let start = parse_time(&w.start_time).map_err(Error::Internal)?;
        for (site, zone) in zones_of.get(&w.collection.id).into_iter().flatten() {
            let Ok(tz) = zone.parse::<Tz>() else { continue };
            for o in openings(&w.recurrence, start, w.duration_minutes, tz, from, to) {
                out.push(CalendarEvent {
                    kind: EventKind::Window,
                    key: format!("window-{}-{site}-{}", w.id, o.date),
                    title: format!("{} · {site}", w.name),
                    detail: format!("{} ({zone}), collection {}", w.summary, w.collection.name),
                    starts_at: o.start,
                    ends_at: o.end,
                    release_id: None,
                    phase_id: None,
                    conflict: false,
                });
            }
        }
    }
    out.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then(a.key.cmp(&b.key)));
    Ok(out)
}

/// The schedule as iCalendar: one event per phase of every release, with a UID that
/// stays the same across exports and a SEQUENCE raised whenever the phase moves.
pub async fn ics(pool: &SqlitePool, now: DateTime<Utc>) -> Result<String> {
    let mut conn = pool.acquire().await?;
    let titles = super::titles(&mut conn).await?;
    let events: Vec<ics::Event> = all_phases(&mut conn)
        .await?
        .into_iter()
        .map(|(rid, p)| {
            let title = titles.get(&rid).cloned().unwrap_or_default();
            ics::Event {
                uid: format!("release-{rid}-phase-{}@patchdesk", p.id),
                sequence: p.sequence,
                start: p.available_at,
                end: p.deadline_at,
                summary: format!("{title}: {}", p.name),
                description: format!(
                    "Phase {} of release '{title}'.\nTarget: {} ({} computers).\nAvailable {}, install deadline {}.\nRe-run every {} days.",
                    p.position + 1,
                    p.collection.name,
                    p.member_count.map(|n| n.to_string()).unwrap_or_else(|| "not evaluated".into()),
                    p.available_at.format("%Y-%m-%d %H:%M UTC"),
                    p.deadline_at.format("%Y-%m-%d %H:%M UTC"),
                    p.rerun_days
                ),
                categories: vec!["PatchDesk".into(), title],
            }
        })
        .collect();
    Ok(ics::calendar("PatchDesk rollouts", &events, now))
}

/// Writes the schedule to `path`; returns how many events it holds.
pub async fn export_ics(pool: &SqlitePool, now: DateTime<Utc>, path: &Path) -> Result<usize> {
    let text = ics(pool, now).await?;
    let n = text.matches("BEGIN:VEVENT").count();
    std::fs::write(path, text).map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
    Ok(n)
}
