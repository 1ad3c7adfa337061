//! The sender: claims due rows of the outbox, sends them, and records each result.
//!
//! - One sender per database at a time (a lock row with a heartbeat); a holder that died
//!   is recognised by a stale heartbeat, or on the same host by its process id.
//! - Rows a dead sender had claimed may have reached the server ("after data"): they are
//!   retried once, with the same Message-ID, and flagged as possible duplicates.
//! - 4xx: back-off doubling from the configured wait, up to the configured tries. 5xx:
//!   failed with the server's text, never retried. No connection: the rows go back
//!   untouched and the sender waits (1 s doubling to 60 s), so a server that is down
//!   costs neither messages nor a busy loop.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::SqlitePool;
use tokio::task::JoinSet;
use ts_rs::TS;

use super::campaign::{self, Context, OutRow, OUT_COLUMNS};
use super::settings;
use super::transport::{Mailer, Outcome};
use crate::db::begin_write;
use crate::ports::{CancelToken, Clock};
use crate::{Error, Result};

/// Where the outbox stands, streamed while sending.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OutboxStatus {
    #[ts(type = "number")]
    pub queued: i64,
    #[ts(type = "number")]
    pub sending: i64,
    #[ts(type = "number")]
    pub sent: i64,
    #[ts(type = "number")]
    pub failed: i64,
    #[ts(type = "number")]
    pub cancelled: i64,
    #[ts(type = "number")]
    pub possible_duplicates: i64,
    /// The earliest time a queued message is due (a retry's or a send time).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Messages per second in this run so far.
    pub rate: f64,
    /// The last reason the server could not be reached, while it cannot.
    pub waiting_for_server: Option<String>,
}

/// When a run of the sender ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// When nothing is left to send or retry (every campaign being sent).
    Idle,
    /// When this campaign has nothing left to send or retry.
    Campaign(i64),
    /// Only when cancelled (the app's background sender).
    Cancelled,
}

// A holder whose heartbeat (written every 5 s by its own task) is older than this is gone.
const STALE_SECS: i64 = 60;
const HEARTBEAT: Duration = Duration::from_secs(5);
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

fn this_host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn process_runs(pid: i64) -> bool {
    if cfg!(target_os = "linux") {
        std::path::Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

struct Lock {
    token: String,
}

/// Takes the sender lock, and requeues what a dead sender left claimed.
async fn acquire(pool: &SqlitePool, now: DateTime<Utc>) -> Result<Lock> {
    let token = format!(
        "{}-{}",
        std::process::id(),
        now.timestamp_nanos_opt().unwrap_or(0)
    );
    let host = this_host();
    let me = i64::from(std::process::id());
    let mut tx = begin_write(pool).await?;
    let holder: Option<(i64, String, i64)> =
        sqlx::query_as("SELECT pid, host, heartbeat FROM mail_sender WHERE id = 1")
            .fetch_optional(&mut *tx)
            .await?;
    if let Some((pid, h, beat)) = holder {
        let fresh = beat > now.timestamp() - STALE_SECS;
        let dead_here = h == host && (pid == me || !process_runs(pid));
        if fresh && !dead_here {
            return Err(Error::Conflict(format!(
                "another PatchDesk (process {pid} on {h}) is sending mail; it sends this too"
            )));
        }
    }
    sqlx::query("INSERT OR REPLACE INTO mail_sender (id, token, pid, host, heartbeat) VALUES (1, ?, ?, ?, ?)")
        .bind(&token)
        .bind(me)
        .bind(&host)
        .bind(now.timestamp())
        .execute(&mut *tx)
        .await?;
    // Claimed by a sender that is gone: sent or not, nobody knows.
    sqlx::query(
        "UPDATE campaign_messages SET state = 'failed',
           last_error = 'the sender stopped while sending it, twice; it may have been delivered'
         WHERE state = 'sending' AND possible_duplicate = 1",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE campaign_messages SET state = 'queued', possible_duplicate = 1, next_attempt_at = ?,
           last_error = 'the sender stopped while sending it; sent again once with the same Message-ID'
         WHERE state = 'sending'",
    )
    .bind(now.timestamp())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Lock { token })
}

async fn heartbeat(pool: &SqlitePool, lock: &Lock, now: DateTime<Utc>) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    let n = sqlx::query("UPDATE mail_sender SET heartbeat = ? WHERE id = 1 AND token = ?")
        .bind(now.timestamp())
        .bind(&lock.token)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    tx.commit().await?;
    if n == 0 {
        return Err(Error::Conflict(
            "another PatchDesk took over sending mail".into(),
        ));
    }
    Ok(())
}

async fn release(pool: &SqlitePool, lock: &Lock) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    sqlx::query("DELETE FROM mail_sender WHERE id = 1 AND token = ?")
        .bind(&lock.token)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Rows that may be sent: queued, due, in a campaign being sent (call-offs always).
const DUE: &str = "m.state = 'queued'
    AND (m.purpose = 'cancel' OR EXISTS (SELECT 1 FROM campaigns c WHERE c.id = m.campaign_id AND c.state = 'sending'))";

async fn claim(pool: &SqlitePool, now: DateTime<Utc>, limit: i64) -> Result<Vec<OutRow>> {
    let mut tx = begin_write(pool).await?;
    let rows: Vec<OutRow> = sqlx::query_as(&format!(
        "UPDATE campaign_messages SET state = 'sending'
         WHERE id IN (SELECT m.id FROM campaign_messages m WHERE {DUE} AND m.next_attempt_at <= ?
                      ORDER BY m.next_attempt_at, m.id LIMIT ?)
         RETURNING {OUT_COLUMNS}"
    ))
    .bind(now.timestamp())
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows)
}

/// Scheduled campaigns whose time has come start; campaigns with nothing left complete.
async fn housekeeping(pool: &SqlitePool, now: DateTime<Utc>) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    sqlx::query(
        "UPDATE campaigns SET state = 'sending' WHERE state = 'scheduled' AND send_at <= ?",
    )
    .bind(now.timestamp())
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE campaigns SET state = 'completed', completed_at = ?
         WHERE state = 'sending' AND NOT EXISTS (
           SELECT 1 FROM campaign_messages m WHERE m.campaign_id = campaigns.id
             AND m.state IN ('queued', 'sending'))",
    )
    .bind(now.timestamp())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The outbox's counts: all campaigns, or one.
pub async fn status(pool: &SqlitePool, campaign: Option<i64>) -> Result<OutboxStatus> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT state, COUNT(*), SUM(possible_duplicate) FROM campaign_messages
         WHERE ?1 IS NULL OR campaign_id = ?1 GROUP BY state",
    )
    .bind(campaign)
    .fetch_all(pool)
    .await?;
    let mut s = OutboxStatus::default();
    for (state, n, dup) in rows {
        s.possible_duplicates += dup;
        match state.as_str() {
            "queued" => s.queued = n,
            "sending" => s.sending = n,
            "sent" => s.sent = n,
            "failed" => s.failed = n,
            _ => s.cancelled = n,
        }
    }
    let next: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT MIN(m.next_attempt_at) FROM campaign_messages m WHERE {DUE} AND (?1 IS NULL OR m.campaign_id = ?1)"
    ))
    .bind(campaign)
    .fetch_one(pool)
    .await?;
    s.next_attempt_at = next.and_then(|t| DateTime::from_timestamp(t, 0));
    Ok(s)
}

/// Whether anything is left that this run should wait for.
async fn pending(pool: &SqlitePool, until: Until) -> Result<bool> {
    let n: i64 = match until {
        Until::Cancelled => return Ok(true),
        Until::Idle => {
            sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM campaign_messages m WHERE {DUE}"
            ))
            .fetch_one(pool)
            .await?
        }
        Until::Campaign(id) => {
            sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM campaign_messages m WHERE {DUE} AND m.campaign_id = ?"
            ))
            .bind(id)
            .fetch_one(pool)
            .await?
        }
    };
    Ok(n > 0)
}

/// The earliest moment something becomes due (a retry, or a scheduled campaign).
async fn next_due(pool: &SqlitePool) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT MIN(t) FROM (
           SELECT MIN(m.next_attempt_at) AS t FROM campaign_messages m WHERE {DUE}
           UNION ALL SELECT MIN(send_at) FROM campaigns WHERE state = 'scheduled')"
    ))
    .fetch_one(pool)
    .await?)
}

struct Done {
    row: OutRow,
    outcome: Outcome,
}

/// The state a row goes back to: queued, or cancelled when its campaign was called off
/// meanwhile (its call-off messages still go).
macro_rules! requeue {
    () => {
        "CASE WHEN purpose = 'notice' AND (SELECT c.state FROM campaigns c WHERE c.id = campaign_id) = 'cancelled' THEN 'cancelled' ELSE 'queued' END"
    };
}

/// A result to write, with when it came in and how long the server is being waited for.
struct Pending {
    done: Done,
    at: i64,
    server_wait: i64,
}

async fn record(
    pool: &SqlitePool,
    items: &[Pending],
    max_attempts: i64,
    retry_base: i64,
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    for Pending {
        done: d,
        at: t,
        server_wait,
    } in items
    {
        let (t, server_wait) = (*t, *server_wait);
        let attempts = d.row.attempts + 1;
        let q = match &d.outcome {
            Outcome::NotSent | Outcome::Refused(_) => sqlx::query(concat!(
                "UPDATE campaign_messages SET state = ",
                requeue!(),
                " WHERE id = ? AND state = 'sending'"
            ))
            .bind(d.row.id),
            Outcome::Sent => sqlx::query(
                "UPDATE campaign_messages SET state = 'sent', sent_at = ?, attempts = ?,
                   last_error = CASE WHEN possible_duplicate = 1 THEN last_error END
                 WHERE id = ? AND state = 'sending'",
            )
            .bind(t)
            .bind(attempts)
            .bind(d.row.id),
            Outcome::Permanent(text) => sqlx::query(
                "UPDATE campaign_messages SET state = 'failed', attempts = ?, last_error = ? WHERE id = ? AND state = 'sending'",
            )
            .bind(attempts)
            .bind(text.clone())
            .bind(d.row.id),
            Outcome::Temporary(text) if attempts >= max_attempts => sqlx::query(
                "UPDATE campaign_messages SET state = 'failed', attempts = ?, last_error = ? WHERE id = ? AND state = 'sending'",
            )
            .bind(attempts)
            .bind(format!("gave up after {attempts} tries: {text}"))
            .bind(d.row.id),
            Outcome::Temporary(text) => {
                let wait = retry_base.saturating_mul(1 << (attempts - 1).min(16)).min(86_400);
                sqlx::query(concat!(
                "UPDATE campaign_messages SET state = ",
                requeue!(),
                ", attempts = ?, next_attempt_at = ?,
                       last_error = ? WHERE id = ? AND state = 'sending'"
            ))
                .bind(attempts)
                .bind(t + wait)
                .bind(text.clone())
                .bind(d.row.id)
            }
            Outcome::Unknown(text) if d.row.possible_duplicate => sqlx::query(
                "UPDATE campaign_messages SET state = 'failed', attempts = ?, last_error = ? WHERE id = ? AND state = 'sending'",
            )
            .bind(attempts)
            .bind(format!(
                "not known whether it was delivered, after one retry: {text}"
            ))
            .bind(d.row.id),
            Outcome::Unknown(text) => sqlx::query(concat!(
                "UPDATE campaign_messages SET state = ",
                requeue!(),
                ", attempts = ?, possible_duplicate = 1,
                   next_attempt_at = ?, last_error = ? WHERE id = ? AND state = 'sending'"
            ))
            .bind(attempts)
            .bind(t + retry_base.min(60))
            .bind(format!(
                "the connection broke after the message may have been sent ({text}); sent again once with the same Message-ID"
            ))
            .bind(d.row.id),
            // Nothing reached the server: the try does not count.
            Outcome::Unreachable(text) => sqlx::query(concat!(
                "UPDATE campaign_messages SET state = ",
                requeue!(),
                ", next_attempt_at = ?, last_error = ?
                 WHERE id = ? AND state = 'sending'"
            ))
            .bind(t + server_wait)
            .bind(text.clone())
            .bind(d.row.id),
        };
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

enum Rec {
    Results(Vec<Pending>),
    Flush(tokio::sync::oneshot::Sender<()>),
}

/// Writes results in the background, so sending never waits for a commit: whatever came
/// in while one commit ran goes into the next. `flush` waits until all is written.
struct Recorder {
    tx: Option<tokio::sync::mpsc::UnboundedSender<Rec>>,
    task: tokio::task::JoinHandle<Result<()>>,
}

impl Recorder {
    fn start(pool: SqlitePool, max_attempts: i64, retry_base: i64) -> Recorder {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Rec>();
        let task = tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut items = Vec::new();
                let mut flushes = Vec::new();
                let mut take = |m: Rec| match m {
                    Rec::Results(r) => items.extend(r),
                    Rec::Flush(f) => flushes.push(f),
                };
                take(first);
                while let Ok(m) = rx.try_recv() {
                    take(m);
                }
                if !items.is_empty() {
                    // A busy database (another long writer) gets a few chances.
                    let mut tries = 0;
                    while let Err(e) = record(&pool, &items, max_attempts, retry_base).await {
                        tries += 1;
                        if tries == 3 {
                            return Err(e);
                        }
                        tracing::warn!(error = %e, "recording sent mail failed; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
                for f in flushes {
                    let _ = f.send(());
                }
            }
            Ok(())
        });
        Recorder { tx: Some(tx), task }
    }

    fn add(&self, done: Vec<Done>, now: DateTime<Utc>, server_wait: i64) -> Result<()> {
        if done.is_empty() {
            return Ok(());
        }
        let at = now.timestamp();
        let items = done
            .into_iter()
            .map(|done| Pending {
                done,
                at,
                server_wait,
            })
            .collect();
        self.tx
            .as_ref()
            .and_then(|tx| tx.send(Rec::Results(items)).ok())
            .ok_or_else(|| Error::Internal("the outbox recorder stopped".into()))
    }

    async fn flush(&mut self) -> Result<()> {
        let (done, wait) = tokio::sync::oneshot::channel();
        let sent = self
            .tx
            .as_ref()
            .is_some_and(|tx| tx.send(Rec::Flush(done)).is_ok());
        if sent && wait.await.is_ok() {
            return Ok(());
        }
        // The recorder ended: its error says why.
        self.tx = None;
        match (&mut self.task).await {
            Ok(Err(e)) => Err(e),
            Ok(Ok(())) => Err(Error::Internal("the outbox recorder stopped".into())),
            Err(e) => Err(Error::Internal(format!("the outbox recorder: {e}"))),
        }
    }

    async fn finish(mut self) -> Result<()> {
        self.tx = None;
        match self.task.await {
            Ok(r) => r,
            Err(e) => Err(Error::Internal(format!("the outbox recorder: {e}"))),
        }
    }
}

/// Sends due mail until `until` says stop, calling `progress` after every batch.
pub async fn run(
    pool: &SqlitePool,
    clock: &dyn Clock,
    mailer: Arc<Mailer>,
    until: Until,
    cancel: &CancelToken,
    progress: &(dyn Fn(&OutboxStatus) + Send + Sync),
) -> Result<OutboxStatus> {
    let lock = acquire(pool, clock.now()).await?;
    // The heartbeat has its own task: a slow send or a long wait never lets it go stale.
    let lost = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop = CancelToken::default();
    let beat = tokio::spawn(heartbeat_loop(
        pool.clone(),
        lock.token.clone(),
        lost.clone(),
        stop.clone(),
    ));
    let mut queue = VecDeque::new();
    let result = run_locked(
        pool, clock, mailer, until, cancel, progress, &mut queue, &lost,
    )
    .await;
    stop.cancel();
    let _ = beat.await;
    // Claimed but never started (an error ended the run): back as they were.
    let ids: Vec<i64> = queue.iter().map(|r: &OutRow| r.id).collect();
    let given_back = give_back(pool, &ids).await;
    let released = release(pool, &lock).await;
    let status = result?;
    given_back?;
    released?;
    Ok(status)
}

async fn heartbeat_loop(
    pool: SqlitePool,
    token: String,
    lost: Arc<std::sync::atomic::AtomicBool>,
    stop: CancelToken,
) {
    let lock = Lock { token };
    loop {
        sleep_or_cancel(HEARTBEAT, &stop).await;
        if stop.is_cancelled() {
            return;
        }
        match heartbeat(&pool, &lock, crate::ports::SystemClock.now()).await {
            Ok(()) => {}
            Err(Error::Conflict(_)) => {
                lost.store(true, std::sync::atomic::Ordering::SeqCst);
                return;
            }
            Err(e) => tracing::warn!(error = %e, "mail sender heartbeat failed"),
        }
    }
}

async fn give_back(pool: &SqlitePool, ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut tx = begin_write(pool).await?;
    sqlx::query(concat!(
        "UPDATE campaign_messages SET state = ",
        requeue!(),
        "
         WHERE state = 'sending' AND id IN (SELECT value FROM json_each(?))"
    ))
    .bind(serde_json::to_string(ids).map_err(|e| Error::Internal(e.to_string()))?)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn run_locked(
    pool: &SqlitePool,
    clock: &dyn Clock,
    mailer: Arc<Mailer>,
    until: Until,
    cancel: &CancelToken,
    progress: &(dyn Fn(&OutboxStatus) + Send + Sync),
    queue: &mut VecDeque<OutRow>,
    lost: &std::sync::atomic::AtomicBool,
) -> Result<OutboxStatus> {
    let settings = settings::get(pool).await?;
    let parallel = mailer.parallel();
    let spacing = settings
        .rate_per_second
        .map(|r| Duration::from_secs_f64(1.0 / f64::from(r.max(1))));
    let mut contexts: HashMap<i64, Arc<Context>> = HashMap::new();
    // Rows are claimed a few at a time and each result is recorded as soon as it is in,
    // so few rows are ever "sending": that is the after-data window a crash can hit.
    let mut jobs: JoinSet<Done> = JoinSet::new();
    let mut server_wait: i64 = 0;
    let mut unreachable_round = false;
    let mut waiting_for_server: Option<String> = None;
    let started = Instant::now();
    let mut sent_in_run: u64 = 0;
    let mut last_housekeeping = Instant::now();
    let mut states: HashMap<i64, (String, Instant)> = HashMap::new();
    let mut last_progress = Instant::now();
    let mut recorder = Recorder::start(
        pool.clone(),
        i64::from(settings.max_attempts),
        i64::from(settings.retry_base_secs),
    );
    let mut next_slot = tokio::time::Instant::now();
    let report = |sent: u64, waiting: &Option<String>| {
        let rate = sent as f64 / started.elapsed().as_secs_f64().max(0.001);
        let waiting = waiting.clone();
        async move {
            let mut s = status(pool, scope(until)).await?;
            s.rate = rate;
            s.waiting_for_server = waiting;
            Ok::<_, Error>(s)
        }
    };
    housekeeping(pool, clock.now()).await?;
    loop {
        if lost.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Error::Conflict(
                "another PatchDesk took over sending mail".into(),
            ));
        }
        if last_housekeeping.elapsed() >= HEARTBEAT {
            housekeeping(pool, clock.now()).await?;
            last_housekeeping = Instant::now();
        }
        let mut done: Vec<Done> = Vec::new();
        // Keep `parallel` messages in flight (none new while the server is unreachable).
        while jobs.len() < parallel && !cancel.is_cancelled() && !unreachable_round {
            if queue.is_empty() {
                queue.extend(claim(pool, clock.now(), (parallel * 2) as i64).await?);
            }
            let Some(row) = queue.pop_front() else { break };
            // Paused or cancelled since it was claimed: not sent (call-offs always go).
            if row.purpose == "notice"
                && campaign_state(pool, &mut states, row.campaign_id).await? != "sending"
            {
                done.push(Done {
                    row,
                    outcome: Outcome::NotSent,
                });
                continue;
            }
            let ctx = match contexts.get(&row.campaign_id) {
                Some(c) => c.clone(),
                None => {
                    let mut conn = pool.acquire().await?;
                    match campaign::load_context(&mut conn, row.campaign_id).await {
                        Ok(c) => {
                            let c = Arc::new(c);
                            contexts.insert(row.campaign_id, c.clone());
                            c
                        }
                        Err(e) => {
                            done.push(Done {
                                row,
                                outcome: Outcome::Permanent(format!(
                                    "could not read the campaign: {e}"
                                )),
                            });
                            continue;
                        }
                    }
                }
            };
            let message = match campaign::build(&ctx, &row, clock.now()) {
                Ok((m, _, _)) => m,
                Err(e) => {
                    done.push(Done {
                        row,
                        outcome: Outcome::Permanent(format!("could not build the message: {e}")),
                    });
                    continue;
                }
            };
            if let Some(gap) = spacing {
                tokio::time::sleep_until(next_slot).await;
                next_slot = next_slot.max(tokio::time::Instant::now()) + gap;
            }
            let mailer = mailer.clone();
            jobs.spawn(async move {
                let outcome = mailer.send(&message).await;
                Done { row, outcome }
            });
        }
        if jobs.is_empty() && done.is_empty() {
            recorder.flush().await?;
            if cancel.is_cancelled() || !pending(pool, until).await? {
                break;
            }
            let now = clock.now().timestamp();
            let wait = next_due(pool).await?.map_or(5, |t| (t - now).clamp(1, 5)) as u64;
            sleep_or_cancel(Duration::from_secs(wait), cancel).await;
            housekeeping(pool, clock.now()).await?;
            continue;
        }
        if let Some(j) = jobs.join_next().await {
            done.push(j.map_err(|e| Error::Internal(format!("sending task: {e}")))?);
        }
        while let Some(j) = jobs.try_join_next() {
            done.push(j.map_err(|e| Error::Internal(format!("sending task: {e}")))?);
        }
        // A server that cannot be used as configured ends the run at once, with its
        // reason: what is claimed goes back untouched.
        let refused = done.iter().find_map(|d| match &d.outcome {
            Outcome::Refused(t) => Some(t.clone()),
            _ => None,
        });
        if let Some(reason) = refused {
            while let Some(j) = jobs.join_next().await {
                done.push(j.map_err(|e| Error::Internal(format!("sending task: {e}")))?);
            }
            done.extend(queue.drain(..).map(|row| Done {
                row,
                outcome: Outcome::NotSent,
            }));
            recorder.add(done, clock.now(), 0)?;
            recorder.finish().await?;
            return Err(Error::Conflict(reason));
        }
        let unreachable = done.iter().find_map(|d| match &d.outcome {
            Outcome::Unreachable(t) => Some(t.clone()),
            _ => None,
        });
        if let Some(reason) = &unreachable {
            // The server is gone: what is claimed but not started goes back untouched,
            // and nothing new starts until a wait has passed (1 s, doubling to 60 s).
            if !unreachable_round {
                server_wait = (server_wait * 2).clamp(1, 60);
                unreachable_round = true;
            }
            for row in queue.drain(..) {
                done.push(Done {
                    row,
                    outcome: Outcome::Unreachable(reason.clone()),
                });
            }
            waiting_for_server = unreachable.clone();
        } else if done.iter().any(|d| d.outcome == Outcome::Sent) {
            server_wait = 0;
            waiting_for_server = None;
        }
        sent_in_run += done.iter().filter(|d| d.outcome == Outcome::Sent).count() as u64;
        recorder.add(done, clock.now(), server_wait)?;
        if last_progress.elapsed() >= PROGRESS_EVERY || unreachable_round {
            progress(&report(sent_in_run, &waiting_for_server).await?);
            last_progress = Instant::now();
        }
        if unreachable_round && jobs.is_empty() {
            sleep_or_cancel(Duration::from_secs(server_wait as u64), cancel).await;
            unreachable_round = false;
        }
    }
    // Stopped: claimed rows that never started go back to the queue as they were.
    let back: Vec<Done> = queue
        .drain(..)
        .map(|row| Done {
            row,
            outcome: Outcome::NotSent,
        })
        .collect();
    recorder.add(back, clock.now(), 0)?;
    recorder.finish().await?;
    housekeeping(pool, clock.now()).await?;
    let s = report(sent_in_run, &waiting_for_server).await?;
    progress(&s);
    Ok(s)
}

/// A campaign's state, read again when the cached one is older than a fifth of a second.
async fn campaign_state(
    pool: &SqlitePool,
    cache: &mut HashMap<i64, (String, Instant)>,
    id: i64,
) -> Result<String> {
    if let Some((s, at)) = cache.get(&id) {
        if at.elapsed() < Duration::from_millis(200) {
            return Ok(s.clone());
        }
    }
    let s: String = sqlx::query_scalar("SELECT state FROM campaigns WHERE id = ?")
        .bind(id)
        .fetch_optional(pool)
        .await?
        .unwrap_or_else(|| "cancelled".into());
    cache.insert(id, (s.clone(), Instant::now()));
    Ok(s)
}

fn scope(until: Until) -> Option<i64> {
    match until {
        Until::Campaign(id) => Some(id),
        _ => None,
    }
}

async fn sleep_or_cancel(d: Duration, cancel: &CancelToken) {
    let end = Instant::now() + d;
    while Instant::now() < end && !cancel.is_cancelled() {
        tokio::time::sleep(Duration::from_millis(100).min(end - Instant::now())).await;
    }
}

/// Controls the app's background sender.
#[derive(Default)]
pub struct ServiceHandle {
    current: std::sync::Mutex<CancelToken>,
    stopped: std::sync::atomic::AtomicBool,
}

impl ServiceHandle {
    /// Rebuild the mailer (the settings changed) and look for due work now.
    pub fn restart(&self) {
        self.current
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .cancel();
    }

    pub fn stop(&self) {
        self.stopped
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.restart();
    }

    fn fresh(&self) -> Option<CancelToken> {
        if self.stopped.load(std::sync::atomic::Ordering::SeqCst) {
            return None;
        }
        let token = CancelToken::default();
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = token.clone();
        Some(token)
    }
}

/// The app's sender: sends due mail (scheduled campaigns included) for as long as the
/// app runs, with a mailer rebuilt whenever `handle.restart()` is called. Problems that
/// stop sending (no password, another sender) are reported through `notify` as
/// `waiting_for_server`, and retried.
pub async fn serve(
    pool: SqlitePool,
    clock: Arc<dyn Clock>,
    data_dir: std::path::PathBuf,
    handle: Arc<ServiceHandle>,
    notify: Arc<dyn Fn(&OutboxStatus) + Send + Sync>,
) {
    while let Some(token) = handle.fresh() {
        let problem = match settings::get(&pool)
            .await
            .and_then(|s| Mailer::from_settings(&s, &data_dir))
        {
            Ok(mailer) => {
                let progress = |s: &OutboxStatus| notify(s);
                match run(
                    &pool,
                    &*clock,
                    Arc::new(mailer),
                    Until::Cancelled,
                    &token,
                    &progress,
                )
                .await
                {
                    Ok(_) => None,
                    Err(e) => Some(e.to_string()),
                }
            }
            Err(e) => Some(e.to_string()),
        };
        if let Some(p) = problem {
            tracing::warn!(problem = %p, "mail sender waiting");
            let mut s = status(&pool, None).await.unwrap_or_default();
            s.waiting_for_server = Some(p);
            notify(&s);
            sleep_or_cancel(Duration::from_secs(15), &token).await;
        }
    }
}
