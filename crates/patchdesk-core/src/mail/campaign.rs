//! Campaigns: one kind of notice for the owners of the computers in one phase. Creating
//! one writes every recipient's outbox row in one transaction; sending is the outbox's.

use std::collections::BTreeMap;
use std::time::SystemTime;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, MultiPart, SinglePart};
use lettre::Message;
use minijinja::Value;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{SqliteConnection, SqlitePool};
use ts_rs::TS;

use super::template::{self, Kind, Rendered, TemplateSource};
use super::{mailbox, settings};
use crate::db::begin_write;
use crate::ics::{self, Invite, Method};
use crate::inventory::ClientPolicy;
use crate::ports::Clock;
use crate::releases::at;
use crate::releases::recurrence::resolve;
use crate::{audit, validate, Error, Result};

/// A follow-up flag: Outlook shows the text and turns the due time into a reminder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FlagSpec {
    pub text: String,
    /// `None`: the phase's install deadline.
    pub due_at: Option<DateTime<Utc>>,
}

/// A calendar reminder at a local time at each recipient's site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReminderSpec {
    pub title: String,
    /// `None`: the phase's overnight date, else the day it becomes available.
    pub date: Option<NaiveDate>,
    /// HH:MM at the recipient's site.
    pub time: String,
    pub minutes: u32,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct NewCampaign {
    #[ts(type = "number")]
    pub release_id: i64,
    /// 1-based position of the phase in the plan.
    #[ts(type = "number")]
    pub phase: i64,
    pub kind: Kind,
    /// `None`: a name from the kind and the phase.
    pub name: Option<String>,
    /// `None`: a draft, sent when someone says so; a time: it goes out then by itself.
    pub send_at: Option<DateTime<Utc>>,
    pub flag: Option<FlagSpec>,
    pub reminder: Option<ReminderSpec>,
}

/// End users are never asked to act on a day that has gone: an overnight notice for a
/// night that is over everywhere (the latest time zone, UTC−12, has reached the next
/// day), or a deadline reminder after the deadline.
fn refuse_passed(
    req: &NewCampaign,
    phase: &str,
    overnight: Option<NaiveDate>,
    reminder: Option<&ReminderSpec>,
    deadline: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    let latest_today = (now - chrono::Duration::hours(12)).date_naive();
    match req.kind {
        Kind::Overnight => {
            let night = reminder.and_then(|r| r.date).or(overnight);
            if let Some(night) = night.filter(|n| *n < latest_today) {
                return Err(Error::invalid(format!(
                    "the night of {} for phase {phase} has passed: move the phase's overnight date, or give the reminder a later date",
                    night.format("%A %-d %B %Y")
                )));
            }
        }
        Kind::Deadline | Kind::Announcement if deadline <= now => {
            return Err(Error::invalid(format!(
                "phase {phase}'s install deadline ({}) has passed: there is nothing left to announce",
                deadline.format("%Y-%m-%d %H:%M UTC")
            )));
        }
        _ => {}
    }
    Ok(())
}

/// What the editor proposes for a kind of campaign.
pub fn defaults(kind: Kind) -> (Option<FlagSpec>, Option<ReminderSpec>) {
    match kind {
        Kind::Overnight => (
            Some(FlagSpec {
                text: "Leave your computer on tonight".into(),
                due_at: None,
            }),
            Some(ReminderSpec {
                title: "Leave your computer on tonight".into(),
                date: None,
                time: "16:30".into(),
                minutes: 15,
            }),
        ),
        Kind::Announcement | Kind::Deadline => (
            Some(FlagSpec {
                text: "Install updates".into(),
                due_at: None,
            }),
            None,
        ),
        Kind::RolloutCompleted => (None, None),
        Kind::RolloutFailed => (
            Some(FlagSpec {
                text: "Check your computers".into(),
                due_at: None,
            }),
            None,
        ),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CampaignState {
    /// Created; nothing goes out until someone sends it.
    Draft,
    /// Goes out at its send time by itself.
    Scheduled,
    Sending,
    Paused,
    Completed,
    Cancelled,
}

impl CampaignState {
    fn parse(s: &str) -> CampaignState {
        match s {
            "draft" => CampaignState::Draft,
            "scheduled" => CampaignState::Scheduled,
            "sending" => CampaignState::Sending,
            "paused" => CampaignState::Paused,
            "completed" => CampaignState::Completed,
            _ => CampaignState::Cancelled,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Counts {
    #[ts(type = "number")]
    pub total: i64,
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
    /// Rows retried after a send that may have reached the server.
    #[ts(type = "number")]
    pub possible_duplicates: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CampaignSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub kind: Kind,
    pub state: CampaignState,
    #[ts(type = "number")]
    pub release_id: i64,
    pub release_title: String,
    #[ts(type = "number")]
    pub phase: i64,
    pub phase_name: String,
    pub send_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub completed_at: Option<DateTime<Utc>>,
    pub notices: Counts,
    /// Call-off messages (a cancelled campaign's calendar cancellations).
    pub calloffs: Counts,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Skipped {
    pub computer: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CampaignDetail {
    pub summary: CampaignSummary,
    pub flag: Option<FlagSpec>,
    pub flag_due_at: Option<DateTime<Utc>>,
    pub reminder: Option<ReminderSpec>,
    pub sender_name: String,
    pub sender_email: String,
    /// Computers whose owner gets no message, and why (the first 200).
    pub skipped: Vec<Skipped>,
    #[ts(type = "number")]
    pub skipped_total: i64,
    /// The phase's times changed after this campaign was created.
    pub phase_moved: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Delivery {
    #[ts(type = "number")]
    pub id: i64,
    pub purpose: String,
    pub email: String,
    pub name: String,
    pub state: String,
    #[ts(type = "number")]
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub possible_duplicate: bool,
    pub message_id: String,
    #[ts(type = "number")]
    pub computers: i64,
}

/// One message as its recipient gets it, for the preview.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Preview {
    pub email: String,
    pub name: String,
    pub site: String,
    pub time_zone: String,
    pub rendered: Rendered,
    /// The headers that matter, as sent.
    pub headers: Vec<(String, String)>,
    pub calendar: Option<String>,
    /// The complete message source.
    pub source: String,
}

/// What a recipient's row carries: their computers and where they are.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RowData {
    policy: String,
    site: String,
    tz: String,
    computers: Vec<RowComputer>,
    reminder: Option<(i64, i64)>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct RowComputer {
    name: String,
    site: String,
    tz: String,
    policy: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Sender {
    name: String,
    email: String,
}

/// Everything about a campaign its messages are made from, loaded once per send run.
pub(crate) struct Context {
    pub id: i64,
    kind: Kind,
    release: (i64, String, String),
    phase: (i64, String, DateTime<Utc>, DateTime<Utc>, Option<NaiveDate>),
    templates: BTreeMap<String, TemplateSource>,
    sender: Sender,
    domain: String,
    flag: Option<FlagSpec>,
    flag_due: Option<DateTime<Utc>>,
    reminder: Option<ReminderSpec>,
}

/// A row of the outbox as the sender needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct OutRow {
    pub id: i64,
    pub campaign_id: i64,
    pub purpose: String,
    pub email: String,
    pub name: String,
    pub data: String,
    pub message_id: String,
    pub invite_uid: Option<String>,
    pub invite_sequence: Option<i64>,
    pub attempts: i64,
    pub possible_duplicate: bool,
}

pub(crate) const OUT_COLUMNS: &str = "id, campaign_id, purpose, email, name, data, message_id, invite_uid, invite_sequence, attempts, possible_duplicate";

fn short_hash(s: &str) -> String {
    let d = Sha256::digest(s.to_lowercase().as_bytes());
    d.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// A single line of text, refused if it holds a control character (CR/LF would end a
/// header line; lettre panics on one in a display name).
fn one_line(what: &str, v: &str, max: usize) -> Result<String> {
    let v = validate::text(v, max).map_err(|e| Error::invalid(format!("{what} {e}")))?;
    if v.is_empty() {
        return Err(Error::invalid(format!("{what} is empty")));
    }
    Ok(v)
}

fn parse_time(v: &str) -> Result<NaiveTime> {
    NaiveTime::parse_from_str(v.trim(), "%H:%M").map_err(|_| {
        Error::invalid(format!(
            "reminder time \"{v}\" is not a time of day as HH:MM (e.g. 16:30)"
        ))
    })
}

pub async fn create(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    req: &NewCampaign,
) -> Result<i64> {
    let now = clock.now();
    let flag = match &req.flag {
        Some(f) => Some(FlagSpec {
            text: one_line("the follow-up flag text", &f.text, 100)?,
            due_at: f.due_at,
        }),
        None => None,
    };
    // A send time in the past would go out at once, saying nothing about it: refuse it
    // (a minute's grace for a time picked as "now" a moment ago).
    if let Some(t) = req
        .send_at
        .filter(|t| *t < now - chrono::Duration::minutes(1))
    {
        return Err(Error::invalid(format!(
            "the send time {} is in the past (it is now {}): choose a later time, or none to send when you say so",
            t.format("%Y-%m-%d %H:%M UTC"),
            now.format("%Y-%m-%d %H:%M UTC")
        )));
    }
    let reminder = match &req.reminder {
        Some(r) => {
            parse_time(&r.time)?;
            if !(5..=1440).contains(&r.minutes) {
                return Err(Error::invalid("the reminder lasts 5 minutes to 24 hours"));
            }
            Some(ReminderSpec {
                title: one_line("the reminder title", &r.title, 150)?,
                ..r.clone()
            })
        }
        None => None,
    };
    let mut tx = begin_write(pool).await?;
    let release: Option<(String, String)> =
        sqlx::query_as("SELECT title, state FROM releases WHERE id = ?")
            .bind(req.release_id)
            .fetch_optional(&mut *tx)
            .await?;
    let (title, state) =
        release.ok_or_else(|| Error::NotFound(format!("no release with id {}", req.release_id)))?;
    // End users hear of a change once it is approved and until it ends; administrators
    // hear how it ended.
    let allowed: &[&str] = match req.kind {
        Kind::RolloutCompleted => &["in_progress", "completed", "review_due", "closed"],
        Kind::RolloutFailed => &["in_progress", "halted", "rolled_back", "review_due"],
        _ => &["approved", "scheduled", "in_progress", "halted"],
    };
    if !allowed.contains(&state.as_str()) {
        return Err(Error::Conflict(format!(
            "\"{title}\" is {}: a {} campaign is for a release that is {}",
            state.replace('_', " "),
            req.kind.label().to_lowercase(),
            allowed
                .iter()
                .map(|s| s.replace('_', " "))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    type PhaseRow = (i64, String, i64, i64, i64, Option<String>, i64);
    let phase: Option<PhaseRow> = sqlx::query_as(
        "SELECT id, name, collection_id, available_at, deadline_at, overnight_date, sequence
         FROM phases WHERE release_id = ? AND position = ?",
    )
    .bind(req.release_id)
    .bind(req.phase - 1)
    .fetch_optional(&mut *tx)
    .await?;
    let (phase_id, phase_name, collection_id, available, deadline, overnight, phase_seq) =
        phase.ok_or_else(|| Error::NotFound(format!("\"{title}\" has no phase {}", req.phase)))?;
    let overnight = overnight.and_then(|d| d.parse::<NaiveDate>().ok());
    if req.kind == Kind::Overnight
        && overnight.is_none()
        && reminder.as_ref().is_none_or(|r| r.date.is_none())
    {
        return Err(Error::invalid(format!(
            "phase {} has no overnight date: set one in the plan, or give the reminder a date",
            req.phase
        )));
    }
    refuse_passed(
        req,
        &phase_name,
        overnight,
        reminder.as_ref(),
        at(deadline),
        now,
    )?;
    let settings = settings::load(&mut tx).await?;
    let templates = template::sources_for(&mut tx, req.kind).await?;
    let send_at = req.send_at.unwrap_or(now).max(now);
    let name = match &req.name {
        Some(n) => one_line("the campaign name", n, 150)?,
        None => format!("{}: {}", req.kind.label(), phase_name),
    };
    let flag_due = flag
        .as_ref()
        .map(|f| f.due_at.unwrap_or_else(|| at(deadline)));

    // The audience: owners of the phase's computers, one row each.
    let members: Vec<(String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT c.name, c.owner_name, c.owner_email, s.name, s.time_zone, c.client_policy
         FROM collection_members m JOIN computers c ON c.id = m.computer_id
         JOIN sites s ON s.id = c.site_id
         WHERE m.collection_id = ? ORDER BY lower(c.owner_email), c.name",
    )
    .bind(collection_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut skipped = Vec::new();
    let mut people: BTreeMap<String, (String, Vec<RowComputer>)> = BTreeMap::new();
    for (computer, owner, email, site, tz, policy) in members {
        if email.trim().is_empty() {
            skipped.push(Skipped {
                computer,
                reason: "no owner e-mail".into(),
            });
            continue;
        }
        let email = match validate::email(&email) {
            Ok(e) => e.to_lowercase(),
            Err(e) => {
                skipped.push(Skipped {
                    computer,
                    reason: format!("owner e-mail {e}"),
                });
                continue;
            }
        };
        if owner.chars().any(char::is_control) {
            skipped.push(Skipped {
                computer,
                reason: "the owner's name holds a control character".into(),
            });
            continue;
        }
        let entry = people
            .entry(email)
            .or_insert_with(|| (owner.clone(), Vec::new()));
        entry.1.push(RowComputer {
            name: computer,
            site,
            tz,
            policy,
        });
    }
    if people.is_empty() {
        return Err(Error::invalid(format!(
            "nobody to notify: none of the {} computers in phase {} has an owner with an e-mail address (evaluate its collection if it is new)",
            skipped.len(),
            req.phase
        )));
    }

    let domain = settings.domain().to_string();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO campaigns (release_id, phase_id, phase_sequence, kind, name, state, send_at,
           flag_text, flag_due_at, reminder, templates, sender, skipped, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(req.release_id)
    .bind(phase_id)
    .bind(phase_seq)
    .bind(req.kind.as_str())
    .bind(&name)
    .bind(if req.send_at.is_some() {
        "scheduled"
    } else {
        "draft"
    })
    .bind(send_at.timestamp())
    .bind(flag.as_ref().map(|f| f.text.clone()))
    .bind(flag_due.map(|d| d.timestamp()))
    .bind(
        reminder
            .as_ref()
            .map(|r| serde_json::to_string(r).unwrap_or_default()),
    )
    .bind(serde_json::to_string(&templates).map_err(|e| Error::Internal(e.to_string()))?)
    .bind(
        serde_json::to_string(&Sender {
            name: settings.sender_name.clone(),
            email: settings.sender_email.clone(),
        })
        .map_err(|e| Error::Internal(e.to_string()))?,
    )
    .bind(serde_json::to_string(&skipped).map_err(|e| Error::Internal(e.to_string()))?)
    .bind(actor)
    .bind(now.timestamp())
    .fetch_one(&mut *tx)
    .await?;

    let recipients = people.len();
    for (email, (owner, computers)) in people {
        let (site, tz) = primary_site(&computers);
        let policy = computers
            .iter()
            .filter_map(|c| ClientPolicy::parse(&c.policy).ok())
            .min_by_key(|p| ClientPolicy::ALL.iter().position(|q| q == p))
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        let zone: Tz = tz.parse().unwrap_or(chrono_tz::UTC);
        let mut invite: (Option<String>, Option<i64>) = (None, None);
        let mut times = None;
        if let Some(r) = &reminder {
            let day = r
                .date
                .or(overnight)
                .unwrap_or_else(|| at(available).with_timezone(&zone).date_naive());
            let start = resolve(zone, day.and_time(parse_time(&r.time)?));
            let end = start + chrono::Duration::minutes(r.minutes.into());
            let (uid, seq) =
                upsert_invite(&mut tx, phase_id, req.kind, &email, &domain, start, end).await?;
            invite = (Some(uid), Some(seq));
            times = Some((start.timestamp(), end.timestamp()));
        }
        let data = RowData {
            policy,
            site,
            tz,
            computers,
            reminder: times,
        };
        sqlx::query(
            "INSERT INTO campaign_messages (campaign_id, purpose, email, name, data, message_id,
               invite_uid, invite_sequence, state, next_attempt_at)
             VALUES (?, 'notice', ?, ?, ?, ?, ?, ?, 'queued', ?)",
        )
        .bind(id)
        .bind(&email)
        .bind(&owner)
        .bind(serde_json::to_string(&data).map_err(|e| Error::Internal(e.to_string()))?)
        .bind(format!("<c{id}.notice.{}@{domain}>", short_hash(&email)))
        .bind(invite.0)
        .bind(invite.1)
        .bind(send_at.timestamp())
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        now,
        actor,
        "campaign.create",
        "campaign",
        Some(id),
        serde_json::json!({
            "name": name, "release_id": req.release_id, "phase": req.phase,
            "kind": req.kind.as_str(), "recipients": recipients, "skipped": skipped.len(),
            "send_at": send_at.timestamp(),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The site most of a recipient's computers are at (ties: the first by name).
fn primary_site(computers: &[RowComputer]) -> (String, String) {
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for c in computers {
        *counts.entry((&c.site, &c.tz)).or_default() += 1;
    }
    let best = counts.values().copied().max().unwrap_or(0);
    counts
        .into_iter()
        .find(|(_, n)| *n == best)
        .map(|((s, t), _)| (s.to_string(), t.to_string()))
        .unwrap_or_default()
}

/// The stable UID for this phase and recipient; SEQUENCE rises when the time changed or
/// the reminder had been called off.
async fn upsert_invite(
    conn: &mut SqliteConnection,
    phase_id: i64,
    kind: Kind,
    email: &str,
    domain: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<(String, i64)> {
    let existing: Option<(String, i64, i64, i64, bool)> = sqlx::query_as(
        "SELECT uid, sequence, start_at, end_at, cancelled FROM calendar_invites
         WHERE phase_id = ? AND kind = ? AND email = ?",
    )
    .bind(phase_id)
    .bind(kind.as_str())
    .bind(email)
    .fetch_optional(&mut *conn)
    .await?;
    match existing {
        Some((uid, seq, s, e, cancelled)) => {
            if s == start.timestamp() && e == end.timestamp() && !cancelled {
                return Ok((uid, seq));
            }
            sqlx::query(
                "UPDATE calendar_invites SET sequence = ?, start_at = ?, end_at = ?, cancelled = 0
                 WHERE uid = ?",
            )
            .bind(seq + 1)
            .bind(start.timestamp())
            .bind(end.timestamp())
            .bind(&uid)
            .execute(&mut *conn)
            .await?;
            Ok((uid, seq + 1))
        }
        None => {
            let uid = format!(
                "patchdesk-phase{phase_id}-{}-{}@{domain}",
                kind.as_str().replace('_', "-"),
                short_hash(email)
            );
            sqlx::query(
                "INSERT INTO calendar_invites (phase_id, kind, email, uid, sequence, start_at, end_at)
                 VALUES (?, ?, ?, ?, 0, ?, ?)",
            )
            .bind(phase_id)
            .bind(kind.as_str())
            .bind(email)
            .bind(&uid)
            .bind(start.timestamp())
            .bind(end.timestamp())
            .execute(&mut *conn)
            .await?;
            Ok((uid, 0))
        }
    }
}

pub(crate) async fn load_context(conn: &mut SqliteConnection, id: i64) -> Result<Context> {
    type R = (
        String,
        i64,
        String,
        String,
        i64,
        String,
        i64,
        i64,
        Option<String>,
        Option<String>,
        Option<i64>,
        Option<String>,
        String,
        String,
    );
    let r: Option<R> = sqlx::query_as(
        "SELECT c.kind, r.id, r.title, r.kind, p.id, p.name, p.available_at, p.deadline_at,
                p.overnight_date, c.flag_text, c.flag_due_at, c.reminder, c.templates, c.sender
         FROM campaigns c JOIN releases r ON r.id = c.release_id JOIN phases p ON p.id = c.phase_id
         WHERE c.id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let r = r.ok_or_else(|| Error::NotFound(format!("no campaign with id {id}")))?;
    let bad = |what: &str| Error::Internal(format!("campaign {id}: stored {what} unreadable"));
    let sender: Sender = serde_json::from_str(&r.13).map_err(|_| bad("sender"))?;
    let domain = sender
        .email
        .rsplit_once('@')
        .map(|(_, d)| d.to_string())
        .unwrap_or_else(|| "localhost".into());
    Ok(Context {
        id,
        kind: Kind::parse(&r.0).ok_or_else(|| bad("kind"))?,
        release: (r.1, r.2, r.3),
        phase: (r.4, r.5, at(r.6), at(r.7), r.8.and_then(|d| d.parse().ok())),
        templates: serde_json::from_str(&r.12).map_err(|_| bad("templates"))?,
        sender,
        domain,
        flag: r.9.map(|text| FlagSpec {
            text,
            due_at: r.10.map(at),
        }),
        flag_due: r.10.map(at),
        reminder: match r.11 {
            Some(s) => Some(serde_json::from_str(&s).map_err(|_| bad("reminder"))?),
            None => None,
        },
    })
}

fn local(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz)
        .format("%a %-d %b %Y, %H:%M (%Z)")
        .to_string()
}

fn policy_label(p: &str) -> String {
    ClientPolicy::parse(p)
        .map(|p| p.label().to_string())
        .unwrap_or_else(|_| p.to_string())
}

fn context_value(ctx: &Context, row: &OutRow, data: &RowData) -> Value {
    let tz: Tz = data.tz.parse().unwrap_or(chrono_tz::UTC);
    let computers: Vec<serde_json::Value> = data
        .computers
        .iter()
        .map(|c| {
            let ctz: Tz = c.tz.parse().unwrap_or(chrono_tz::UTC);
            serde_json::json!({
                "name": c.name, "site": c.site, "time_zone": c.tz,
                "policy": policy_label(&c.policy),
                "available": local(ctx.phase.2, ctz), "deadline": local(ctx.phase.3, ctz),
            })
        })
        .collect();
    let reminder = match (&ctx.reminder, data.reminder) {
        (Some(r), Some((s, _))) => serde_json::json!({
            "title": r.title, "start": local(at(s), tz), "time": r.time,
        }),
        _ => serde_json::Value::Null,
    };
    let overnight_day = data
        .reminder
        .filter(|_| ctx.kind == Kind::Overnight)
        .map(|(s, _)| at(s).with_timezone(&tz).date_naive())
        .or(ctx.phase.4);
    template::value(serde_json::json!({
        "recipient": {"name": if row.name.is_empty() { &row.email } else { &row.name }, "email": row.email},
        "computers": computers,
        "policy": {"key": data.policy, "label": policy_label(&data.policy)},
        "release": {"id": ctx.release.0, "title": ctx.release.1, "kind": ctx.release.2},
        "phase": {"name": ctx.phase.1},
        "available": local(ctx.phase.2, tz),
        "deadline": local(ctx.phase.3, tz),
        "overnight": overnight_day.map(|d| serde_json::json!({"date": d.format("%A %-d %B %Y").to_string()})),
        "reminder": reminder,
        "flag": ctx.flag.as_ref().map(|f| serde_json::json!({"text": f.text, "due": ctx.flag_due.map(|d| local(d, tz))})),
        "sender": {"name": ctx.sender.name, "email": ctx.sender.email},
    }))
}

/// Renders one row's message and builds it exactly as it is sent.
pub(crate) fn build(
    ctx: &Context,
    row: &OutRow,
    now: DateTime<Utc>,
) -> Result<(Message, Rendered, Option<String>)> {
    build_from(ctx, row, &row_data(row)?, now)
}

fn row_data(row: &OutRow) -> Result<RowData> {
    serde_json::from_str(&row.data)
        .map_err(|_| Error::Internal(format!("outbox row {}: data unreadable", row.id)))
}

/// [`build`] with the row's data already decoded.
fn build_from(
    ctx: &Context,
    row: &OutRow,
    data: &RowData,
    now: DateTime<Utc>,
) -> Result<(Message, Rendered, Option<String>)> {
    let tz: Tz = data.tz.parse().unwrap_or(chrono_tz::UTC);
    let calloff = row.purpose == "cancel";
    let rendered = if calloff {
        calloff_text(ctx, data, tz)
    } else {
        let source = ctx
            .templates
            .get(&data.policy)
            .or_else(|| ctx.templates.get(""))
            .or_else(|| ctx.templates.values().next())
            .ok_or_else(|| Error::Internal(format!("campaign {}: no template", ctx.id)))?;
        template::render(source, &context_value(ctx, row, data))?
    };
    let calendar = match (&ctx.reminder, data.reminder, &row.invite_uid) {
        (Some(r), Some((s, e)), Some(uid)) => Some(ics::invite(
            &Invite {
                method: if calloff {
                    Method::Cancel
                } else {
                    Method::Request
                },
                uid: uid.clone(),
                sequence: row.invite_sequence.unwrap_or(0),
                start: at(s),
                end: at(e),
                summary: r.title.clone(),
                description: format!("{}: {}", ctx.release.1, ctx.phase.1),
                organizer: (ctx.sender.name.clone(), ctx.sender.email.clone()),
                attendee: (row.name.clone(), row.email.clone()),
            },
            now,
        )),
        _ => None,
    };
    let message = assemble(ctx, row, tz, &rendered, calendar.as_deref(), calloff, now)?;
    Ok((message, rendered, calendar))
}

fn calloff_text(ctx: &Context, data: &RowData, tz: Tz) -> Rendered {
    let title = ctx
        .reminder
        .as_ref()
        .map(|r| r.title.clone())
        .unwrap_or_default();
    let when = data
        .reminder
        .map(|(s, _)| local(at(s), tz))
        .unwrap_or_default();
    let subject = format!("Cancelled: {title}");
    let text = format!(
        "The reminder \"{title}\" ({when}) for {} is called off. You do not need to do anything for it; your calendar entry is removed.\n\n{}\n",
        ctx.release.1, ctx.sender.name
    );
    let html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body><p>{}</p><p>{}</p></body></html>\n",
        template::html_escape(text.lines().next().unwrap_or_default()),
        template::html_escape(&ctx.sender.name)
    );
    Rendered {
        subject,
        text,
        html,
    }
}

fn header(name: &'static str, value: String) -> HeaderValue {
    HeaderValue::new(HeaderName::new_from_ascii_str(name), value)
}

fn assemble(
    ctx: &Context,
    row: &OutRow,
    tz: Tz,
    r: &Rendered,
    calendar: Option<&str>,
    calloff: bool,
    now: DateTime<Utc>,
) -> Result<Message> {
    if r.subject.chars().any(char::is_control) {
        return Err(Error::invalid("the subject holds a control character"));
    }
    let mut b = Message::builder()
        .from(mailbox(&ctx.sender.name, &ctx.sender.email)?)
        .to(mailbox(&row.name, &row.email)?)
        .subject(r.subject.clone())
        .message_id(Some(row.message_id.clone()))
        .date(SystemTime::from(now));
    if let (Some(flag), Some(due), false) = (&ctx.flag, ctx.flag_due, calloff) {
        b = b
            .raw_header(header("X-Message-Flag", flag.text.clone()))
            .raw_header(header("Reply-By", due.with_timezone(&tz).to_rfc2822()))
            .raw_header(header("Importance", "high".into()))
            .raw_header(header("X-Priority", "1".into()));
    }
    let alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(r.text.clone()))
        .singlepart(SinglePart::html(r.html.clone()));
    let built = match calendar {
        Some(ics) => {
            let method = if calloff { "CANCEL" } else { "REQUEST" };
            let content_type = |t: &str| {
                ContentType::parse(t).map_err(|e| Error::Internal(format!("content type: {e}")))
            };
            let inline = SinglePart::builder()
                .header(content_type(&format!(
                    "text/calendar; charset=utf-8; method={method}"
                ))?)
                .body(ics.to_string());
            let attachment = Attachment::new("invite.ics".into())
                .body(ics.to_string(), content_type("application/ics")?);
            b.multipart(
                MultiPart::mixed()
                    .multipart(alternative.singlepart(inline))
                    .singlepart(attachment),
            )
        }
        None => b.multipart(alternative),
    };
    built.map_err(|e| Error::invalid(format!("message for {}: {e}", row.email)))
}

type SummaryRow = (
    i64,
    String,
    String,
    String,
    i64,
    String,
    i64,
    String,
    i64,
    i64,
    String,
    Option<i64>,
);

const SUMMARY_SQL: &str =
    "SELECT c.id, c.name, c.kind, c.state, r.id, r.title, p.position + 1, p.name,
        c.send_at, c.created_at, c.created_by, c.completed_at
   FROM campaigns c JOIN releases r ON r.id = c.release_id JOIN phases p ON p.id = c.phase_id";

async fn counts(pool: &SqlitePool, ids: &[i64]) -> Result<BTreeMap<(i64, String), Counts>> {
    let rows: Vec<(i64, String, String, i64, i64)> = sqlx::query_as(
        "SELECT campaign_id, purpose, state, COUNT(*), SUM(possible_duplicate)
         FROM campaign_messages WHERE campaign_id IN (SELECT value FROM json_each(?))
         GROUP BY campaign_id, purpose, state",
    )
    .bind(serde_json::to_string(ids).unwrap_or_default())
    .fetch_all(pool)
    .await?;
    let mut out: BTreeMap<(i64, String), Counts> = BTreeMap::new();
    for (id, purpose, state, n, dup) in rows {
        let c = out.entry((id, purpose)).or_default();
        c.total += n;
        c.possible_duplicates += dup;
        match state.as_str() {
            "queued" => c.queued += n,
            "sending" => c.sending += n,
            "sent" => c.sent += n,
            "failed" => c.failed += n,
            _ => c.cancelled += n,
        }
    }
    Ok(out)
}

fn summary_from(r: SummaryRow, counts: &BTreeMap<(i64, String), Counts>) -> CampaignSummary {
    CampaignSummary {
        id: r.0,
        name: r.1,
        kind: Kind::parse(&r.2).unwrap_or(Kind::Announcement),
        state: CampaignState::parse(&r.3),
        release_id: r.4,
        release_title: r.5,
        phase: r.6,
        phase_name: r.7,
        send_at: at(r.8),
        created_at: at(r.9),
        created_by: r.10,
        completed_at: r.11.map(at),
        notices: counts
            .get(&(r.0, "notice".into()))
            .cloned()
            .unwrap_or_default(),
        calloffs: counts
            .get(&(r.0, "cancel".into()))
            .cloned()
            .unwrap_or_default(),
    }
}

/// Every campaign, newest first; `release` narrows to one release.
pub async fn list(pool: &SqlitePool, release: Option<i64>) -> Result<Vec<CampaignSummary>> {
    let rows: Vec<SummaryRow> = sqlx::query_as(&format!(
        "{SUMMARY_SQL} WHERE ?1 IS NULL OR c.release_id = ?1 ORDER BY c.id DESC"
    ))
    .bind(release)
    .fetch_all(pool)
    .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let counts = counts(pool, &ids).await?;
    Ok(rows.into_iter().map(|r| summary_from(r, &counts)).collect())
}

pub async fn summary(pool: &SqlitePool, id: i64) -> Result<CampaignSummary> {
    let row: Option<SummaryRow> = sqlx::query_as(&format!("{SUMMARY_SQL} WHERE c.id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await?;
    let row = row.ok_or_else(|| Error::NotFound(format!("no campaign with id {id}")))?;
    let counts = counts(pool, &[id]).await?;
    Ok(summary_from(row, &counts))
}

pub async fn get(pool: &SqlitePool, id: i64) -> Result<CampaignDetail> {
    let summary = summary(pool, id).await?;
    let (flag_text, flag_due, reminder, sender, skipped, moved): (
        Option<String>,
        Option<i64>,
        Option<String>,
        String,
        String,
        bool,
    ) = sqlx::query_as(
        "SELECT c.flag_text, c.flag_due_at, c.reminder, c.sender, c.skipped, p.sequence > c.phase_sequence
         FROM campaigns c JOIN phases p ON p.id = c.phase_id WHERE c.id = ?",
    )
    .bind(id)
    .fetch_one(pool)
    .await?;
    let sender: Sender =
        serde_json::from_str(&sender).map_err(|e| Error::Internal(e.to_string()))?;
    let skipped: Vec<Skipped> = serde_json::from_str(&skipped).unwrap_or_default();
    Ok(CampaignDetail {
        summary,
        flag: flag_text.map(|text| FlagSpec {
            text,
            due_at: flag_due.map(at),
        }),
        flag_due_at: flag_due.map(at),
        reminder: reminder.and_then(|r| serde_json::from_str(&r).ok()),
        sender_name: sender.name,
        sender_email: sender.email,
        skipped_total: skipped.len() as i64,
        skipped: skipped.into_iter().take(200).collect(),
        phase_moved: moved,
    })
}

/// The delivery log: one line per message, failures first when `state` is "failed".
pub async fn deliveries(
    pool: &SqlitePool,
    id: i64,
    state: Option<&str>,
    search: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<Delivery>> {
    type R = (
        i64,
        String,
        String,
        String,
        String,
        i64,
        i64,
        Option<i64>,
        Option<String>,
        bool,
        String,
        i64,
    );
    let rows: Vec<R> = sqlx::query_as(
        "SELECT id, purpose, email, name, state, attempts, next_attempt_at, sent_at, last_error,
                possible_duplicate, message_id, json_array_length(data, '$.computers')
         FROM campaign_messages
         WHERE campaign_id = ?1 AND (?2 IS NULL OR state = ?2)
           AND (?3 = '' OR email LIKE '%' || ?3 || '%' OR name LIKE '%' || ?3 || '%')
         ORDER BY CASE state WHEN 'failed' THEN 0 WHEN 'sending' THEN 1 WHEN 'queued' THEN 2 ELSE 3 END,
                  possible_duplicate DESC, email
         LIMIT ?4 OFFSET ?5",
    )
    .bind(id)
    .bind(state)
    .bind(search.trim())
    .bind(limit.clamp(1, 1000))
    .bind(offset.max(0))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Delivery {
            id: r.0,
            purpose: r.1,
            email: r.2,
            name: r.3,
            state: r.4,
            attempts: r.5,
            next_attempt_at: at(r.6),
            sent_at: r.7.map(at),
            last_error: r.8,
            possible_duplicate: r.9,
            message_id: r.10,
            computers: r.11,
        })
        .collect())
}

/// The message one recipient gets (or got), rendered now.
pub async fn preview(
    pool: &SqlitePool,
    clock: &dyn Clock,
    id: i64,
    email: &str,
) -> Result<Preview> {
    let mut conn = pool.acquire().await?;
    let ctx = load_context(&mut conn, id).await?;
    let row: Option<OutRow> = sqlx::query_as(&format!(
        "SELECT {OUT_COLUMNS} FROM campaign_messages
         WHERE campaign_id = ? AND purpose = 'notice' AND email = lower(?)"
    ))
    .bind(id)
    .bind(email.trim())
    .fetch_optional(&mut *conn)
    .await?;
    let row =
        row.ok_or_else(|| Error::NotFound(format!("{email} is not a recipient of campaign {id}")))?;
    preview_row(&ctx, &row, clock.now())
}

/// Recipients for the preview picker: e-mail, name and site, up to `limit`.
pub async fn recipients(
    pool: &SqlitePool,
    id: i64,
    search: &str,
    limit: i64,
) -> Result<Vec<(String, String, String)>> {
    Ok(sqlx::query_as(
        "SELECT email, name, json_extract(data, '$.site') FROM campaign_messages
         WHERE campaign_id = ?1 AND purpose = 'notice'
           AND (?2 = '' OR email LIKE '%' || ?2 || '%' OR name LIKE '%' || ?2 || '%'
                OR json_extract(data, '$.site') LIKE ?2 || '%')
         ORDER BY email LIMIT ?3",
    )
    .bind(id)
    .bind(search.trim())
    .bind(limit.clamp(1, 500))
    .fetch_all(pool)
    .await?)
}

fn preview_row(ctx: &Context, row: &OutRow, now: DateTime<Utc>) -> Result<Preview> {
    let data = row_data(row)?;
    let (message, rendered, calendar) = build_from(ctx, row, &data, now)?;
    let headers = [
        "From",
        "To",
        "Subject",
        "Date",
        "Message-ID",
        "X-Message-Flag",
        "Reply-By",
        "Importance",
    ]
    .into_iter()
    .filter_map(|h| {
        message
            .headers()
            .get_raw(h)
            .map(|v| (h.to_string(), v.to_string()))
    })
    .collect();
    Ok(Preview {
        email: row.email.clone(),
        name: row.name.clone(),
        site: data.site,
        time_zone: data.tz,
        rendered,
        headers,
        calendar,
        source: String::from_utf8_lossy(&message.formatted()).into_owned(),
    })
}

/// A message of this campaign sent to the operator alone (same content as the first
/// recipient's, to the given address), through the configured mailer.
pub async fn test_message(
    pool: &SqlitePool,
    clock: &dyn Clock,
    id: i64,
    to: &str,
) -> Result<Message> {
    let to = validate::email(to).map_err(|e| Error::invalid(format!("test address {e}")))?;
    let mut conn = pool.acquire().await?;
    let ctx = load_context(&mut conn, id).await?;
    let row: Option<OutRow> = sqlx::query_as(&format!(
        "SELECT {OUT_COLUMNS} FROM campaign_messages WHERE campaign_id = ? AND purpose = 'notice' ORDER BY email LIMIT 1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let mut row = row.ok_or_else(|| Error::NotFound(format!("campaign {id} has no recipients")))?;
    row.email = to.clone();
    row.name = String::new();
    row.message_id = format!(
        "<c{id}.test.{}@{}>",
        clock.now().timestamp_millis(),
        ctx.domain
    );
    // A test must not take the real recipient's place in their calendar.
    row.invite_uid = row.invite_uid.map(|u| format!("test-{u}"));
    Ok(build(&ctx, &row, clock.now())?.0)
}

async fn set_state(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    id: i64,
    from: &[&str],
    to: &str,
    action: &str,
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    let state: Option<String> = sqlx::query_scalar("SELECT state FROM campaigns WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let state = state.ok_or_else(|| Error::NotFound(format!("no campaign with id {id}")))?;
    if state == to {
        return Ok(());
    }
    if !from.contains(&state.as_str()) {
        return Err(Error::Conflict(format!(
            "campaign {id} is {state}; it cannot be {}",
            match to {
                "sending" => "sent",
                other => other,
            }
        )));
    }
    sqlx::query("UPDATE campaigns SET state = ? WHERE id = ?")
        .bind(to)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    if to == "sending" {
        // "Send now": rows not yet due because of the send time become due.
        sqlx::query(
            "UPDATE campaign_messages SET next_attempt_at = min(next_attempt_at, ?)
             WHERE campaign_id = ? AND state = 'queued' AND attempts = 0",
        )
        .bind(clock.now().timestamp())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        clock.now(),
        actor,
        action,
        "campaign",
        Some(id),
        serde_json::json!({ "from": state, "to": to }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Releases a campaign to the sender now (a draft, or a scheduled one before its time).
pub async fn start(pool: &SqlitePool, clock: &dyn Clock, actor: &str, id: i64) -> Result<()> {
    set_state(
        pool,
        clock,
        actor,
        id,
        &["draft", "scheduled", "paused"],
        "sending",
        "campaign.start",
    )
    .await
}

pub async fn pause(pool: &SqlitePool, clock: &dyn Clock, actor: &str, id: i64) -> Result<()> {
    set_state(
        pool,
        clock,
        actor,
        id,
        &["scheduled", "sending"],
        "paused",
        "campaign.pause",
    )
    .await
}

/// Puts failed messages back in the queue (a fresh set of tries, the same Message-ID).
pub async fn retry_failed(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    id: i64,
) -> Result<u64> {
    let mut tx = begin_write(pool).await?;
    let state: Option<String> = sqlx::query_scalar("SELECT state FROM campaigns WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    match state.as_deref() {
        None => return Err(Error::NotFound(format!("no campaign with id {id}"))),
        Some("cancelled") => return Err(Error::Conflict(format!("campaign {id} is cancelled"))),
        _ => {}
    }
    // Not the ones that may have been delivered already: a retry could be a third copy.
    let n = sqlx::query(
        "UPDATE campaign_messages SET state = 'queued', attempts = 0, next_attempt_at = ?
         WHERE campaign_id = ? AND state = 'failed' AND possible_duplicate = 0",
    )
    .bind(clock.now().timestamp())
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n > 0 {
        // A completed campaign sends again; a paused or draft one stays as it is.
        sqlx::query(
            "UPDATE campaigns SET state = 'sending', completed_at = NULL WHERE id = ? AND state = 'completed'",
        )
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            clock.now(),
            actor,
            "campaign.retry_failed",
            "campaign",
            Some(id),
            serde_json::json!({ "messages": n }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(n)
}

/// Calls a campaign off: unsent messages are dropped, and everyone who already got a
/// calendar reminder is queued a cancellation (same UID, SEQUENCE + 1, METHOD:CANCEL).
/// Returns the number of cancellations queued.
pub async fn cancel(pool: &SqlitePool, clock: &dyn Clock, actor: &str, id: i64) -> Result<u64> {
    let now = clock.now();
    let mut tx = begin_write(pool).await?;
    let state: Option<String> = sqlx::query_scalar("SELECT state FROM campaigns WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    let state = state.ok_or_else(|| Error::NotFound(format!("no campaign with id {id}")))?;
    if state == "cancelled" {
        return Err(Error::Conflict(format!(
            "campaign {id} is already cancelled"
        )));
    }
    sqlx::query("UPDATE campaigns SET state = 'cancelled', completed_at = ? WHERE id = ?")
        .bind(now.timestamp())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let dropped = sqlx::query(
        "UPDATE campaign_messages SET state = 'cancelled', last_error = 'campaign cancelled'
         WHERE campaign_id = ? AND state = 'queued'",
    )
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // Reminders that went out (or may have) are taken back in the recipient's calendar.
    let sent: Vec<(String, String, String, String, i64)> = sqlx::query_as(
        "SELECT m.email, m.name, m.data, m.invite_uid, m.invite_sequence FROM campaign_messages m
         WHERE m.campaign_id = ? AND m.purpose = 'notice' AND m.invite_uid IS NOT NULL
           AND (m.state IN ('sent', 'sending') OR m.possible_duplicate = 1)",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    let domain: String = sqlx::query_scalar(
        "SELECT substr(json_extract(sender, '$.email'), instr(json_extract(sender, '$.email'), '@') + 1)
         FROM campaigns WHERE id = ?",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let mut calloffs = 0u64;
    for (email, name, data, uid, sent_seq) in sent {
        // Only if this campaign's version is still the one in their calendar: a later
        // update (or call-off) is not undone by cancelling an older campaign.
        let seq: Option<i64> = sqlx::query_scalar(
            "UPDATE calendar_invites SET sequence = sequence + 1, cancelled = 1
             WHERE uid = ? AND sequence = ? AND cancelled = 0 RETURNING sequence",
        )
        .bind(&uid)
        .bind(sent_seq)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(seq) = seq else { continue };
        sqlx::query(
            "INSERT INTO campaign_messages (campaign_id, purpose, email, name, data, message_id,
               invite_uid, invite_sequence, state, next_attempt_at)
             VALUES (?, 'cancel', ?, ?, ?, ?, ?, ?, 'queued', ?)",
        )
        .bind(id)
        .bind(&email)
        .bind(&name)
        .bind(&data)
        .bind(format!("<c{id}.cancel.{}@{domain}>", short_hash(&email)))
        .bind(&uid)
        .bind(seq)
        .bind(now.timestamp())
        .execute(&mut *tx)
        .await?;
        calloffs += 1;
    }
    audit::record(
        &mut tx,
        now,
        actor,
        "campaign.cancel",
        "campaign",
        Some(id),
        serde_json::json!({ "from": state, "dropped": dropped, "calloffs": calloffs }),
    )
    .await?;
    tx.commit().await?;
    Ok(calloffs)
}

/// A new campaign like `id` for the same phase with its current times: recipients whose
/// reminder moved get the same UID with SEQUENCE + 1.
pub async fn resend_updated(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    id: i64,
) -> Result<i64> {
    let d = get(pool, id).await?;
    let req = NewCampaign {
        release_id: d.summary.release_id,
        phase: d.summary.phase,
        kind: d.summary.kind,
        name: Some(format!(
            "{} (updated)",
            d.summary.name.trim_end_matches(" (updated)")
        )),
        send_at: None,
        flag: d.flag.map(|f| FlagSpec {
            text: f.text,
            due_at: None,
        }),
        reminder: d.reminder,
    };
    create(pool, clock, actor, &req).await
}

/// Builds every message of a campaign as it would be sent now, without sending: the
/// check before a big send, and the render benchmark. Returns (messages, bytes).
pub async fn build_all(pool: &SqlitePool, clock: &dyn Clock, id: i64) -> Result<(usize, usize)> {
    let mut conn = pool.acquire().await?;
    let ctx = load_context(&mut conn, id).await?;
    let rows: Vec<OutRow> = sqlx::query_as(&format!(
        "SELECT {OUT_COLUMNS} FROM campaign_messages WHERE campaign_id = ? ORDER BY id"
    ))
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let now = clock.now();
    let mut bytes = 0;
    for row in &rows {
        bytes += build(&ctx, row, now)?.0.formatted().len();
    }
    Ok((rows.len(), bytes))
}
