//! Window fit (when computers will actually install) and the conflict checks.
//!
//! A computer's maintenance windows are those of every collection it belongs to, as in
//! Configuration Manager; a computer with none may install at any time. In a phase it
//! installs at the first moment, at or after the available time and before the
//! deadline, when a window is open long enough for the release's longest update plus 5
//! minutes and no blackout intervenes.

use super::recurrence::{openings, parse_time, Recurrence};
use super::windows::{list_blackouts, list_windows};
use super::{all_phases, Blackout, Conflict, ConflictKind, MaintenanceWindow, Phase, WindowFit};
use crate::{Error, Result};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use sqlx::SqliteConnection;
use std::collections::{BTreeMap, HashMap};

/// Minutes added to the longest update's run time for a window to fit.
pub const FIT_MARGIN_MINUTES: i64 = 5;
/// The run time assumed for a release without updates.
const DEFAULT_RUN_MINUTES: i64 = 60;

/// A window reduced to what its openings need.
#[derive(Debug, Clone)]
pub struct WindowRule {
    pub name: String,
    pub recurrence: Recurrence,
    pub start: NaiveTime,
    pub minutes: u32,
}

impl WindowRule {
    fn from(w: &MaintenanceWindow) -> Self {
        WindowRule {
            name: w.summary.clone(),
            recurrence: w.recurrence.clone(),
            start: parse_time(&w.start_time).unwrap_or_default(),
            minutes: w.duration_minutes,
        }
    }
}

/// Pushes `s` past any blackout that `[s, s + need)` touches.
fn clear_of_blackouts(
    mut s: DateTime<Utc>,
    need: Duration,
    blackouts: &[Blackout],
) -> DateTime<Utc> {
    loop {
        match blackouts
            .iter()
            .find(|b| b.starts_at < s + need && s < b.ends_at)
        {
            Some(b) => s = b.ends_at,
            None => return s,
        }
    }
}

/// When an install of length `need` starts, or `None` if nothing fits before `deadline`.
pub fn first_fit(
    windows: &[WindowRule],
    tz: Tz,
    available: DateTime<Utc>,
    deadline: DateTime<Utc>,
    need: Duration,
    blackouts: &[Blackout],
) -> Option<DateTime<Utc>> {
    if windows.is_empty() {
        let s = clear_of_blackouts(available, need, blackouts);
        return (s < deadline).then_some(s);
    }
    let mut all: Vec<_> = windows
        .iter()
        .flat_map(|w| openings(&w.recurrence, w.start, w.minutes, tz, available, deadline))
        .collect();
    all.sort_by_key(|o| o.start);
    all.into_iter().find_map(|o| {
        let s = clear_of_blackouts(o.start.max(available), need, blackouts);
        (s < deadline && s + need <= o.end).then_some(s)
    })
}

/// The install time needed by a release: its longest update plus the margin.
pub async fn install_need(conn: &mut SqliteConnection, release_id: i64) -> Result<Duration> {
    let longest: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(u.max_run_minutes) FROM release_updates r JOIN updates u ON u.id = r.update_id
         WHERE r.release_id = ?",
    )
    .bind(release_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Duration::minutes(
        longest.unwrap_or(DEFAULT_RUN_MINUTES) + FIT_MARGIN_MINUTES,
    ))
}

/// Groups of a collection's members: (site, time zone, which window collections, count).
///
/// Membership is read as one text value per collection (or per site) and matched in
/// memory: probing the window collections in SQL once per member and window collection
/// took about a second for 180,000 members and nine window collections.
async fn member_groups(
    conn: &mut SqliteConnection,
    collection_id: i64,
    window_collections: &[i64],
) -> Result<Groups> {
    let mut windows_of: HashMap<i64, Vec<i64>> = HashMap::new();
    for wc in window_collections {
        for id in crate::collections::stored_member_ids(conn, *wc).await? {
            windows_of.entry(id).or_default().push(*wc);
        }
    }
    let sites: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT s.name, s.time_zone, group_concat(m.computer_id)
         FROM collection_members m JOIN computers c ON c.id = m.computer_id
         JOIN sites s ON s.id = c.site_id
         WHERE m.collection_id = ? GROUP BY s.id ORDER BY s.name",
    )
    .bind(collection_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::new();
    for (site, tz, ids) in sites {
        let mut counts: BTreeMap<&[i64], i64> = BTreeMap::new();
        for id in crate::collections::parse_ids(ids)? {
            let windows = windows_of.get(&id).map(Vec::as_slice).unwrap_or(&[]);
            *counts.entry(windows).or_default() += 1;
        }
        out.extend(
            counts
                .into_iter()
                .map(|(windows, n)| (site.clone(), tz.clone(), windows.to_vec(), n)),
        );
    }
    Ok(out)
}

/// A collection's members grouped by site and window collections (see `member_groups`).
type Groups = Vec<(String, String, Vec<i64>, i64)>;

/// Everything the checks need, loaded once per request.
pub struct PlanContext {
    windows: BTreeMap<i64, Vec<MaintenanceWindow>>,
    blackouts: Vec<Blackout>,
    /// Member groups by collection: phases of several releases often target the same
    /// collection, and grouping a large one is the expensive part of the checks.
    groups: std::sync::Mutex<HashMap<i64, Groups>>,
}

impl PlanContext {
    pub async fn load(conn: &mut SqliteConnection) -> Result<Self> {
        let mut windows: BTreeMap<i64, Vec<MaintenanceWindow>> = BTreeMap::new();
        for w in list_windows(conn, None).await? {
            windows.entry(w.collection.id).or_default().push(w);
        }
        Ok(PlanContext {
            windows,
            blackouts: list_blackouts(conn).await?,
            groups: std::sync::Mutex::new(HashMap::new()),
        })
    }
}

/// When each site's computers install in a phase.
pub async fn fit_phase(
    conn: &mut SqliteConnection,
    ctx: &PlanContext,
    phase: &Phase,
    need: Duration,
) -> Result<Vec<WindowFit>> {
    let known = ctx
        .groups
        .lock()
        .ok()
        .and_then(|m| m.get(&phase.collection.id).cloned());
    let groups = match known {
        Some(g) => g,
        None => {
            let window_collections: Vec<i64> = ctx.windows.keys().copied().collect();
            let g = member_groups(conn, phase.collection.id, &window_collections).await?;
            if let Ok(mut m) = ctx.groups.lock() {
                m.insert(phase.collection.id, g.clone());
            }
            g
        }
    };
    let mut out = Vec::with_capacity(groups.len());
    for (site, tz_name, wcs, computers) in groups {
        let tz: Tz = tz_name
            .parse()
            .map_err(|_| Error::Internal(format!("site {site} has an unknown zone {tz_name}")))?;
        let rules: Vec<WindowRule> = wcs
            .iter()
            .flat_map(|wc| ctx.windows.get(wc).into_iter().flatten())
            .map(WindowRule::from)
            .collect();
        let installs_at = first_fit(
            &rules,
            tz,
            phase.available_at,
            phase.deadline_at,
            need,
            &ctx.blackouts,
        );
        out.push(WindowFit {
            phase_id: phase.id,
            site,
            local: installs_at.map(|t| t.with_timezone(&tz).format("%a %-d %b %H:%M").to_string()),
            time_zone: tz_name,
            computers,
            windows: rules.into_iter().map(|r| r.name).collect(),
            installs_at,
        });
    }
    Ok(out)
}

/// Window fit of every phase of a release.
pub async fn fit_release(conn: &mut SqliteConnection, release_id: i64) -> Result<Vec<WindowFit>> {
    let ctx = PlanContext::load(conn).await?;
    let need = install_need(conn, release_id).await?;
    let mut out = Vec::new();
    for p in super::phases_of(conn, release_id).await? {
        out.extend(fit_phase(conn, &ctx, &p, need).await?);
    }
    Ok(out)
}

pub async fn window_fit(pool: &sqlx::SqlitePool, release_id: i64) -> Result<Vec<WindowFit>> {
    let mut conn = pool.acquire().await?;
    fit_release(&mut conn, release_id).await
}

fn local(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The conflicts of one release's plan (`Some(id)`) or of every release.
pub async fn conflicts(conn: &mut SqliteConnection, release: Option<i64>) -> Result<Vec<Conflict>> {
    let ctx = PlanContext::load(conn).await?;
    let titles = super::titles(conn).await?;
    let phases = all_phases(conn).await?;
    let mine = |rid: i64| release.is_none_or(|r| r == rid);
    let mut out = Vec::new();
    let conflict =
        |kind: ConflictKind, rid: i64, p: Option<&Phase>, computers, message: String| Conflict {
            kind,
            release_id: rid,
            release_title: titles.get(&rid).cloned().unwrap_or_default(),
            phase_id: p.map(|p| p.id),
            phase_name: p.map(|p| p.name.clone()),
            computers,
            message,
            blocking: kind.blocks(),
        };
    let mut needs: HashMap<i64, Duration> = HashMap::new();
    for (i, (rid, p)) in phases.iter().enumerate() {
        if !mine(*rid) {
            continue;
        }
        match p.member_count {
            None => out.push(conflict(
                ConflictKind::EmptyCollection,
                *rid,
                Some(p),
                None,
                format!(
                    "{}: collection '{}' was never evaluated, so nobody is targeted yet",
                    p.name, p.collection.name
                ),
            )),
            Some(0) => out.push(conflict(
                ConflictKind::EmptyCollection,
                *rid,
                Some(p),
                Some(0),
                format!("{}: collection '{}' is empty", p.name, p.collection.name),
            )),
            Some(_) => {}
        }
        if p.deadline_at <= p.available_at {
            out.push(conflict(
                ConflictKind::DeadlineBeforeAvailable,
                *rid,
                Some(p),
                None,
                format!("{}: the deadline is not after the available time", p.name),
            ));
        }
        if i > 0 {
            let (prid, prev) = &phases[i - 1];
            if prid == rid && p.available_at < prev.available_at {
                out.push(conflict(
                    ConflictKind::OutOfOrder,
                    *rid,
                    Some(p),
                    None,
                    format!(
                        "{} becomes available ({}) before the earlier phase {} ({})",
                        p.name,
                        local(p.available_at),
                        prev.name,
                        local(prev.available_at)
                    ),
                ));
            }
        }
        for b in &ctx.blackouts {
            if b.starts_at < p.deadline_at && p.available_at < b.ends_at {
                out.push(conflict(
                    ConflictKind::Blackout,
                    *rid,
                    Some(p),
                    p.member_count,
                    format!(
                        "{} ({} – {}) overlaps the blackout '{}' ({} – {})",
                        p.name,
                        local(p.available_at),
                        local(p.deadline_at),
                        b.name,
                        local(b.starts_at),
                        local(b.ends_at)
                    ),
                ));
            }
        }
        for (orid, q) in &phases {
            // Each pair once when both are in view; always when only one release is.
            if orid == rid || (release.is_none() && orid < rid) {
                continue;
            }
            if q.available_at < p.deadline_at && p.available_at < q.deadline_at {
                let both = shared_members(conn, p.collection.id, q.collection.id).await?;
                if both > 0 {
                    out.push(conflict(
                        ConflictKind::Overlap,
                        *rid,
                        Some(p),
                        Some(both),
                        format!(
                            "{both} computers of {} are also in phase {} of release '{}' at overlapping times",
                            p.name,
                            q.name,
                            titles.get(orid).cloned().unwrap_or_default()
                        ),
                    ));
                }
            }
        }
        let need = match needs.get(rid) {
            Some(n) => *n,
            None => {
                let n = install_need(conn, *rid).await?;
                needs.insert(*rid, n);
                n
            }
        };
        let unfit: Vec<WindowFit> = fit_phase(conn, &ctx, p, need)
            .await?
            .into_iter()
            .filter(|f| f.installs_at.is_none())
            .collect();
        if !unfit.is_empty() {
            let n: i64 = unfit.iter().map(|f| f.computers).sum();
            let mut sites: Vec<&str> = unfit.iter().map(|f| f.site.as_str()).collect();
            sites.dedup();
            out.push(conflict(
                ConflictKind::NoWindow,
                *rid,
                Some(p),
                Some(n),
                format!(
                    "{}: {n} computers ({}) have no maintenance window of {} minutes before the deadline",
                    p.name,
                    sites.join(", "),
                    need.num_minutes()
                ),
            ));
        }
    }
    let empty: Vec<i64> = sqlx::query_scalar(
        "SELECT r.id FROM releases r
         WHERE ($1 IS NULL OR r.id = $1)
           AND NOT EXISTS (SELECT 1 FROM release_updates u WHERE u.release_id = r.id)
         ORDER BY r.id",
    )
    .bind(release)
    .fetch_all(&mut *conn)
    .await?;
    for rid in empty {
        out.push(conflict(
            ConflictKind::NoUpdates,
            rid,
            None,
            None,
            "the release rolls out no update: add the updates it deploys (the catalogue may not have this month's yet)".into(),
        ));
    }
    let superseded: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT r.release_id, u.kb, u.superseded_by FROM release_updates r
         JOIN updates u ON u.id = r.update_id
         WHERE u.superseded_by != '' AND (?1 IS NULL OR r.release_id = ?1) ORDER BY 1, 2",
    )
    .bind(release)
    .fetch_all(&mut *conn)
    .await?;
    for (rid, kb, by) in superseded {
        out.push(conflict(
            ConflictKind::SupersededUpdate,
            rid,
            None,
            None,
            format!("{kb} is superseded by {by}; deploy {by} instead"),
        ));
    }
    Ok(out)
}

async fn shared_members(conn: &mut SqliteConnection, a: i64, b: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM collection_members x JOIN collection_members y
         ON y.collection_id = ?2 AND y.computer_id = x.computer_id WHERE x.collection_id = ?1",
    )
    .bind(a)
    .bind(b)
    .fetch_one(&mut *conn)
    .await?)
}

pub async fn all_conflicts(pool: &sqlx::SqlitePool) -> Result<Vec<Conflict>> {
    let mut conn = pool.acquire().await?;
    conflicts(&mut conn, None).await
}
