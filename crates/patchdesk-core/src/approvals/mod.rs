//! Who may do what to a release (SPEC C6): people and roles, the approval policy,
//! decisions with quorum and separation of duties, revocation, and every lifecycle step,
//! each written with its audit row in one transaction.

pub mod state;

use crate::audit;
use crate::db::begin_write;
use crate::ports::Clock;
use crate::releases::at;
use crate::{Error, Result};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{SqliteConnection, SqlitePool};
use state::{Action, State};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "PersonRole")]
pub enum Role {
    Requester,
    Approver,
    ChangeManager,
    Administrator,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Person {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub email: String,
    pub os_user: String,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PersonInput {
    pub name: String,
    pub email: String,
    pub os_user: String,
    pub roles: Vec<Role>,
}

/// The organisation's approval policy (Settings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Policy {
    /// Distinct approvers a normal change needs.
    pub normal_approvers: u32,
    /// Extra approvers when the risk is high.
    pub high_risk_extra: u32,
    /// Approvers an emergency change needs (it may start at once and forces a review).
    pub emergency_approvers: u32,
    /// Each phase needs its own approval before it starts.
    pub per_phase: bool,
    /// Approvals older than this many days no longer count.
    pub expiry_days: Option<u32>,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            normal_approvers: 2,
            high_risk_extra: 1,
            emergency_approvers: 1,
            per_phase: false,
            expiry_days: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Decision {
    Approve,
    Reject,
    RequestChanges,
}

impl Decision {
    fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Reject => "reject",
            Decision::RequestChanges => "request_changes",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ApprovalRecord {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number | null")]
    pub phase_id: Option<i64>,
    #[ts(type = "number")]
    pub person_id: i64,
    pub person: String,
    pub decision: Decision,
    pub comment: String,
    pub at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revoked_reason: Option<String>,
    /// Counts towards the quorum now (an approval, not revoked, not expired).
    pub counts: bool,
}

/// Where a release stands and what can be done next.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ReleaseStatus {
    #[ts(type = "number")]
    pub release_id: i64,
    pub state: State,
    pub requester: Option<String>,
    #[ts(type = "number | null")]
    pub requester_id: Option<i64>,
    /// Distinct approvers the policy asks for.
    pub required: u32,
    /// Distinct approvers whose approval counts now.
    pub approved_by: Vec<String>,
    pub decisions: Vec<ApprovalRecord>,
    /// The lifecycle steps the state machine allows now.
    pub actions: Vec<Action>,
    pub review_required: bool,
}

const ROLES_MAX: usize = 4;

fn roles_json(roles: &[Role]) -> String {
    let mut r = roles.to_vec();
    r.sort();
    r.dedup();
    serde_json::to_string(&r).unwrap_or_else(|_| "[]".into())
}

fn to_person(row: (i64, String, String, String, String)) -> Person {
    Person {
        id: row.0,
        name: row.1,
        email: row.2,
        os_user: row.3,
        roles: serde_json::from_str(&row.4).unwrap_or_default(),
    }
}

pub async fn people(pool: &SqlitePool) -> Result<Vec<Person>> {
    let rows: Vec<(i64, String, String, String, String)> =
        sqlx::query_as("SELECT id, name, email, os_user, roles FROM people ORDER BY name")
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().map(to_person).collect())
}

async fn person(conn: &mut SqliteConnection, id: i64) -> Result<Person> {
    let row: (i64, String, String, String, String) =
        sqlx::query_as("SELECT id, name, email, os_user, roles FROM people WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| Error::NotFound(format!("there is no person with id {id}")))?;
    Ok(to_person(row))
}

/// A person by name (case-insensitive) or id, for `--as`.
pub async fn find_person(pool: &SqlitePool, name_or_id: &str) -> Result<Person> {
    let wanted = name_or_id.trim();
    people(pool)
        .await?
        .into_iter()
        .find(|p| p.name.eq_ignore_ascii_case(wanted) || p.id.to_string() == wanted)
        .ok_or_else(|| Error::NotFound(format!("there is no person named '{wanted}'")))
}

/// Adds a person; only an administrator may. (The very first person of an empty
/// directory is made by [`operator_for_os_user`] at the first start, with every role.)
pub async fn create_person(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor_id: i64,
    input: &PersonInput,
) -> Result<Person> {
    let mut tx = begin_write(pool).await?;
    let who = person(&mut tx, actor_id).await?;
    require(&who, &[Role::Administrator], "add people")?;
    let p = insert_person(&mut tx, clock, &who.name, input).await?;
    tx.commit().await?;
    Ok(p)
}

/// Writes a person with its audit row, inside the caller's transaction; the caller has
/// checked who may (an administrator, the first start, or the demo's own load).
pub(crate) async fn insert_person(
    tx: &mut SqliteConnection,
    clock: &dyn Clock,
    actor: &str,
    input: &PersonInput,
) -> Result<Person> {
    let name = crate::validate::text_nfc(&input.name);
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Error::invalid(
            "a person needs a name of 1 to 100 characters",
        ));
    }
    crate::validate::no_control("the person's name", name).map_err(Error::invalid)?;
    crate::validate::no_control("the OS account", &input.os_user).map_err(Error::invalid)?;
    if !input.email.trim().is_empty() {
        crate::validate::email(&input.email).map_err(Error::invalid)?;
    }
    if input.roles.len() > ROLES_MAX {
        return Err(Error::invalid("at most four roles"));
    }
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM people WHERE name = $1")
        .bind(name)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(Error::Conflict(format!(
            "there is already a person named '{name}'"
        )));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO people (name, email, os_user, roles) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(name)
    .bind(input.email.trim())
    .bind(input.os_user.trim())
    .bind(roles_json(&input.roles))
    .fetch_one(&mut *tx)
    .await?;
    let p = person(tx, id).await?;
    audit::record(
        tx,
        clock.now(),
        actor,
        "person.create",
        "person",
        Some(id),
        json!({ "after": p }),
    )
    .await?;
    Ok(p)
}

/// Refuses `who` an action none of whose `roles` they have. `what` is the action
/// ("start a rollout").
fn require(who: &Person, roles: &[Role], what: &str) -> Result<()> {
    if who.roles.iter().any(|r| roles.contains(r)) {
        return Ok(());
    }
    let names: Vec<&str> = roles.iter().map(|r| r.label()).collect();
    Err(Error::Forbidden(format!(
        "{} cannot {what}: that needs the {} role",
        who.name,
        names.join(" or ")
    )))
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Requester => "requester",
            Role::Approver => "approver",
            Role::ChangeManager => "change manager",
            Role::Administrator => "administrator",
        }
    }
}

/// The person a start-up defaults to: the one whose OS account this is; else the first
/// administrator added; with nobody in the directory yet, a first person for this
/// account with every role.
pub async fn operator_for_os_user(
    pool: &SqlitePool,
    clock: &dyn Clock,
    os_user: &str,
) -> Result<Person> {
    let mut all = people(pool).await?;
    if let Some(p) = all
        .iter()
        .find(|p| !p.os_user.is_empty() && p.os_user == os_user)
    {
        return Ok(p.clone());
    }
    // No one claims this account: the first administrator added, which is the person
    // created for whoever started PatchDesk first, not whoever sorts first by name.
    all.sort_by_key(|p| (!p.roles.contains(&Role::Administrator), p.id));
    if let Some(p) = all.into_iter().next() {
        return Ok(p);
    }
    // An account name with control characters (a hostile $USER) is not a person's name.
    let usable = !os_user.trim().is_empty()
        && crate::validate::no_control("the OS account", os_user).is_ok();
    let (name, account) = if usable {
        (os_user.trim(), os_user)
    } else {
        ("Operator", "")
    };
    let mut tx = begin_write(pool).await?;
    // Another process may have created the first person meanwhile.
    let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM people ORDER BY id LIMIT 1")
        .fetch_optional(&mut *tx)
        .await?;
    if existing.is_some() {
        drop(tx);
        return Box::pin(operator_for_os_user(pool, clock, os_user)).await;
    }
    let p = insert_person(
        &mut tx,
        clock,
        name,
        &PersonInput {
            name: name.into(),
            email: String::new(),
            os_user: account.into(),
            roles: vec![
                Role::Requester,
                Role::Approver,
                Role::ChangeManager,
                Role::Administrator,
            ],
        },
    )
    .await?;
    tx.commit().await?;
    Ok(p)
}

/// Switches the local profile from `from` to the person `to_id` ("Acting as", or the
/// command line's `--as`). In local mode this is advisory: whoever uses this OS account
/// can pick anyone, so the switch is written to the audit trail, naming the account,
/// and every action after it is attributed to the chosen person.
pub async fn switch_operator(
    pool: &SqlitePool,
    clock: &dyn Clock,
    os_user: &str,
    from: &Person,
    to_id: i64,
    via: &str,
) -> Result<Person> {
    let mut tx = begin_write(pool).await?;
    let to = person(&mut tx, to_id).await?;
    if to.id != from.id {
        audit::record(
            &mut tx,
            clock.now(),
            &from.name,
            "operator.switch",
            "person",
            Some(to.id),
            json!({
                "from": from.name, "to": to.name, "osUser": os_user,
                "via": via, "advisory": true,
            }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(to)
}

pub async fn policy(conn: &mut SqliteConnection) -> Result<Policy> {
    crate::db::setting(conn, "approval_policy").await
}

pub async fn get_policy(pool: &SqlitePool) -> Result<Policy> {
    let mut conn = pool.acquire().await?;
    policy(&mut conn).await
}

pub async fn set_policy(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor_id: i64,
    p: &Policy,
) -> Result<()> {
    if !(1..=9).contains(&p.normal_approvers) || !(1..=9).contains(&p.emergency_approvers) {
        return Err(Error::invalid("approvers needed must be 1 to 9"));
    }
    if p.high_risk_extra > 5 {
        return Err(Error::invalid(
            "extra approvers for high risk must be 0 to 5",
        ));
    }
    if p.expiry_days.is_some_and(|d| !(1..=365).contains(&d)) {
        return Err(Error::invalid("approvals expire after 1 to 365 days"));
    }
    let mut tx = begin_write(pool).await?;
    let who = person(&mut tx, actor_id).await?;
    require(&who, &[Role::Administrator], "change the approval policy")?;
    let before = policy(&mut tx).await?;
    crate::db::set_setting(&mut tx, "approval_policy", p).await?;
    audit::record(
        &mut tx,
        clock.now(),
        &who.name,
        "settings.approval_policy",
        "settings",
        None,
        json!({ "before": before, "after": p }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

struct ReleaseRow {
    title: String,
    state: State,
    emergency: bool,
    high_risk: bool,
    requester_id: Option<i64>,
    review_required: bool,
}

async fn release_row(conn: &mut SqliteConnection, id: i64) -> Result<ReleaseRow> {
    let r: (String, String, String, String, Option<i64>, bool) = sqlx::query_as(
        "SELECT title, state, kind, risk, requester_id, review_required FROM releases WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| Error::NotFound(format!("there is no release with id {id}")))?;
    Ok(ReleaseRow {
        title: r.0,
        state: State::from_db(&r.1)
            .ok_or_else(|| Error::Internal(format!("unknown state {}", r.1)))?,
        emergency: r.2 == "emergency",
        high_risk: r.3 == "high",
        requester_id: r.4,
        review_required: r.5,
    })
}

fn required(p: &Policy, r: &ReleaseRow) -> u32 {
    if r.emergency {
        p.emergency_approvers
    } else {
        p.normal_approvers + if r.high_risk { p.high_risk_extra } else { 0 }
    }
}

async fn decisions(
    conn: &mut SqliteConnection,
    release_id: i64,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Vec<ApprovalRecord>> {
    type Row = (
        i64,
        Option<i64>,
        i64,
        String,
        String,
        String,
        i64,
        Option<i64>,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT a.id, a.phase_id, a.person_id, p.name, a.decision, a.comment, a.at, a.revoked_at, a.revoked_reason
         FROM approvals a JOIN people p ON p.id = a.person_id WHERE a.release_id = ? ORDER BY a.id",
    )
    .bind(release_id)
    .fetch_all(&mut *conn)
    .await?;
    let oldest = policy
        .expiry_days
        .map(|d| now - Duration::days(i64::from(d)));
    Ok(rows
        .into_iter()
        .map(|r| {
            let decision = match r.4.as_str() {
                "reject" => Decision::Reject,
                "request_changes" => Decision::RequestChanges,
                _ => Decision::Approve,
            };
            let when = at(r.6);
            ApprovalRecord {
                counts: decision == Decision::Approve
                    && r.7.is_none()
                    && r.1.is_none()
                    && oldest.is_none_or(|o| when >= o),
                id: r.0,
                phase_id: r.1,
                person_id: r.2,
                person: r.3,
                decision,
                comment: r.5,
                at: when,
                revoked_at: r.7.map(at),
                revoked_reason: r.8,
            }
        })
        .collect())
}

/// Distinct people whose approval counts: repeats by one person count once.
fn approvers(d: &[ApprovalRecord]) -> Vec<(i64, String)> {
    let mut v: Vec<(i64, String)> = d
        .iter()
        .filter(|a| a.counts)
        .map(|a| (a.person_id, a.person.clone()))
        .collect();
    v.sort();
    v.dedup_by_key(|x| x.0);
    v
}

async fn status_in(
    conn: &mut SqliteConnection,
    clock: &dyn Clock,
    release_id: i64,
) -> Result<ReleaseStatus> {
    let r = release_row(conn, release_id).await?;
    let p = policy(conn).await?;
    let d = decisions(conn, release_id, &p, clock.now()).await?;
    let requester = match r.requester_id {
        Some(id) => Some(person(conn, id).await?.name),
        None => None,
    };
    Ok(ReleaseStatus {
        release_id,
        state: r.state,
        requester,
        requester_id: r.requester_id,
        required: required(&p, &r),
        approved_by: approvers(&d).into_iter().map(|(_, n)| n).collect(),
        decisions: d,
        actions: state::actions(r.state, r.emergency),
        review_required: r.review_required,
    })
}

pub async fn status(
    pool: &SqlitePool,
    clock: &dyn Clock,
    release_id: i64,
) -> Result<ReleaseStatus> {
    let mut conn = pool.acquire().await?;
    status_in(&mut conn, clock, release_id).await
}

/// Separation of duties: `who` is an approver and did not request the release. `what` is
/// what they are refused ("approve its phases").
fn may_decide(who: &Person, r: &ReleaseRow, what: &str) -> Result<()> {
    if r.requester_id == Some(who.id) {
        return Err(Error::Conflict(format!(
            "{} requested '{}' and cannot {what}",
            who.name, r.title
        )));
    }
    require(who, &[Role::Approver], what)
}

/// Who may take a lifecycle step by hand: a requester (or a change manager) submits; the
/// release's own requester may also cancel it; every other step is a change manager's.
fn may_step(who: &Person, r: &ReleaseRow, action: Action) -> Result<()> {
    let what = format!("{} '{}'", action.as_str().replace('_', " "), r.title);
    match action {
        Action::Submit => require(who, &[Role::Requester, Role::ChangeManager], &what),
        Action::Cancel if r.requester_id == Some(who.id) => Ok(()),
        _ => require(who, &[Role::ChangeManager], &what),
    }
}

/// Moves the release along one step of the machine, with its audit row.
async fn step(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    actor: &str,
    release_id: i64,
    action: Action,
    comment: &str,
) -> Result<State> {
    let r = release_row(conn, release_id).await?;
    let Some(to) = state::next(r.state, action, r.emergency) else {
        let allowed: Vec<&str> = state::allowed(r.state, r.emergency)
            .into_iter()
            .map(State::label)
            .collect();
        return Err(Error::Conflict(format!(
            "'{}' is {}: it cannot {}; from here it can go to {}",
            r.title,
            r.state.label(),
            action.as_str().replace('_', " "),
            if allowed.is_empty() {
                "nothing else".to_string()
            } else {
                allowed.join(", ")
            }
        )));
    };
    sqlx::query("UPDATE releases SET state = ?, updated_at = ? WHERE id = ?")
        .bind(to.as_str())
        .bind(now.timestamp())
        .bind(release_id)
        .execute(&mut *conn)
        .await?;
    audit::record(
        conn,
        now,
        actor,
        &format!("release.{}", action.as_str()),
        "release",
        Some(release_id),
        json!({ "before": { "state": r.state }, "after": { "state": to }, "comment": comment }),
    )
    .await?;
    Ok(to)
}

/// Lifecycle steps other than decisions: submit, start, halt, resume, complete, roll
/// back, cancel, open the review, close.
pub async fn transition(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor_id: i64,
    release_id: i64,
    action: Action,
    comment: &str,
) -> Result<ReleaseStatus> {
    if matches!(
        action,
        Action::Approve
            | Action::Reject
            | Action::RequestChanges
            | Action::Reopen
            | Action::Schedule
    ) {
        return Err(Error::invalid(format!(
            "'{}' is not a step taken by hand: use a decision or a revocation",
            action.as_str()
        )));
    }
    if matches!(action, Action::Halt | Action::RollBack | Action::Cancel)
        && comment.trim().is_empty()
    {
        return Err(Error::invalid(format!(
            "say why: {} needs a comment",
            action.as_str().replace('_', " ")
        )));
    }
    let now = clock.now();
    let mut tx = begin_write(pool).await?;
    let who = person(&mut tx, actor_id).await?;
    let r = release_row(&mut tx, release_id).await?;
    may_step(&who, &r, action)?;
    if action == Action::Submit {
        let phases: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM phases WHERE release_id = ?")
            .bind(release_id)
            .fetch_one(&mut *tx)
            .await?;
        if phases == 0 {
            return Err(Error::invalid(
                "a release without phases cannot be submitted",
            ));
        }
        let updates: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM release_updates WHERE release_id = $1")
                .bind(release_id)
                .fetch_one(&mut *tx)
                .await?;
        if updates == 0 {
            return Err(Error::invalid(format!(
                "'{}' rolls out no update and cannot be submitted: add the updates it deploys",
                r.title
            )));
        }
    }
    if action == Action::Start {
        let p = policy(&mut tx).await?;
        if p.per_phase {
            let first_ok: bool = sqlx::query_scalar(
                "SELECT EXISTS(SELECT 1 FROM approvals a JOIN phases f ON f.id = a.phase_id
                  WHERE a.release_id = ?1 AND a.revoked_at IS NULL AND a.decision = 'approve'
                    AND f.position = (SELECT MIN(position) FROM phases WHERE release_id = ?1))",
            )
            .bind(release_id)
            .fetch_one(&mut *tx)
            .await?;
            if !first_ok {
                return Err(Error::Conflict(
                    "the policy asks for an approval of each phase: the first phase is not approved yet".into(),
                ));
            }
        }
    }
    let to = step(&mut tx, now, &who.name, release_id, action, comment).await?;
    if action == Action::Submit && r.requester_id.is_none() {
        sqlx::query("UPDATE releases SET requester_id = ? WHERE id = ?")
            .bind(actor_id)
            .bind(release_id)
            .execute(&mut *tx)
            .await?;
    }
    // An emergency change forces a post-implementation review.
    if to == State::Completed && r.emergency {
        sqlx::query("UPDATE releases SET review_required = 1 WHERE id = ?")
            .bind(release_id)
            .execute(&mut *tx)
            .await?;
        step(
            &mut tx,
            now,
            &who.name,
            release_id,
            Action::OpenReview,
            "emergency changes are always reviewed",
        )
        .await?;
    }
    let out = status_in(&mut tx, clock, release_id).await?;
    tx.commit().await?;
    Ok(out)
}

/// Approve, reject or request changes. The requester never decides on their own release,
/// whatever the caller says; approvals by one person count once.
pub async fn decide(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor_id: i64,
    release_id: i64,
    decision: Decision,
    comment: &str,
) -> Result<ReleaseStatus> {
    if decision != Decision::Approve && comment.trim().is_empty() {
        return Err(Error::invalid(match decision {
            Decision::Reject => "say why: a rejection needs a comment",
            _ => "say what should change: a request for changes needs a comment",
        }));
    }
    let now = clock.now();
    let mut tx = begin_write(pool).await?;
    let who = person(&mut tx, actor_id).await?;
    let r = release_row(&mut tx, release_id).await?;
    if r.state != State::Submitted {
        return Err(Error::Conflict(format!(
            "'{}' is {}: decisions are taken on submitted releases",
            r.title,
            r.state.label()
        )));
    }
    may_decide(
        &who,
        &r,
        "decide on it: a requester never approves their own change",
    )?;
    let p = policy(&mut tx).await?;
    let before = decisions(&mut tx, release_id, &p, now).await?;
    if decision == Decision::Approve && before.iter().any(|a| a.counts && a.person_id == actor_id) {
        return Err(Error::Conflict(format!(
            "{} has already approved '{}'; one person's approval counts once",
            who.name, r.title
        )));
    }
    let approval_id: i64 = sqlx::query_scalar(
        "INSERT INTO approvals (release_id, person_id, decision, comment, at) VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(release_id)
    .bind(actor_id)
    .bind(decision.as_str())
    .bind(comment.trim())
    .bind(now.timestamp())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        now,
        &who.name,
        &format!("approval.{}", decision.as_str()),
        "release",
        Some(release_id),
        json!({ "approval": approval_id, "comment": comment.trim(), "person": actor_id }),
    )
    .await?;
    match decision {
        Decision::Approve => {
            let after = decisions(&mut tx, release_id, &p, now).await?;
            if approvers(&after).len() as u32 >= required(&p, &r) {
                step(
                    &mut tx,
                    now,
                    &who.name,
                    release_id,
                    Action::Approve,
                    "quorum reached",
                )
                .await?;
                step(
                    &mut tx,
                    now,
                    &who.name,
                    release_id,
                    Action::Schedule,
                    "approved: scheduled as planned",
                )
                .await?;
            }
        }
        Decision::Reject => {
            step(&mut tx, now, &who.name, release_id, Action::Reject, comment).await?;
        }
        Decision::RequestChanges => {
            revoke_all(&mut tx, now, release_id, "changes were requested").await?;
            step(
                &mut tx,
                now,
                &who.name,
                release_id,
                Action::RequestChanges,
                comment,
            )
            .await?;
        }
    }
    let out = status_in(&mut tx, clock, release_id).await?;
    tx.commit().await?;
    Ok(out)
}

async fn revoke_all(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    release_id: i64,
    reason: &str,
) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE approvals SET revoked_at = ?, revoked_reason = ?
         WHERE release_id = ? AND revoked_at IS NULL AND decision = 'approve'",
    )
    .bind(now.timestamp())
    .bind(reason)
    .bind(release_id)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// Withdraws the actor's approval. An approved or scheduled release goes back to
/// Submitted; one in progress is halted, so no further computer installs it.
pub async fn revoke(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor_id: i64,
    release_id: i64,
    reason: &str,
) -> Result<ReleaseStatus> {
    if reason.trim().is_empty() {
        return Err(Error::invalid("say why the approval is revoked"));
    }
    let now = clock.now();
    let mut tx = begin_write(pool).await?;
    let who = person(&mut tx, actor_id).await?;
    let r = release_row(&mut tx, release_id).await?;
    let done = sqlx::query(
        "UPDATE approvals SET revoked_at = ?, revoked_reason = ?
         WHERE release_id = ? AND person_id = ? AND revoked_at IS NULL AND decision = 'approve'",
    )
    .bind(now.timestamp())
    .bind(reason.trim())
    .bind(release_id)
    .bind(actor_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(Error::Conflict(format!(
            "{} has no approval of '{}' to revoke",
            who.name, r.title
        )));
    }
    audit::record(
        &mut tx,
        now,
        &who.name,
        "approval.revoke",
        "release",
        Some(release_id),
        json!({ "reason": reason.trim(), "person": actor_id }),
    )
    .await?;
    if matches!(
        r.state,
        State::Approved | State::Scheduled | State::InProgress
    ) {
        step(
            &mut tx,
            now,
            &who.name,
            release_id,
            Action::Reopen,
            reason.trim(),
        )
        .await?;
    }
    let out = status_in(&mut tx, clock, release_id).await?;
    tx.commit().await?;
    Ok(out)
}

/// Approves one phase (when the policy asks for per-phase approval).
pub async fn approve_phase(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor_id: i64,
    phase_id: i64,
    comment: &str,
) -> Result<ReleaseStatus> {
    let now = clock.now();
    let mut tx = begin_write(pool).await?;
    let who = person(&mut tx, actor_id).await?;
    let release_id: i64 = sqlx::query_scalar("SELECT release_id FROM phases WHERE id = ?")
        .bind(phase_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| Error::NotFound(format!("there is no phase with id {phase_id}")))?;
    let r = release_row(&mut tx, release_id).await?;
    may_decide(&who, &r, "approve its phases")?;
    if !matches!(
        r.state,
        State::Scheduled | State::InProgress | State::Halted | State::Approved
    ) {
        return Err(Error::Conflict(format!(
            "'{}' is {}: phases are approved once the release is approved",
            r.title,
            r.state.label()
        )));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO approvals (release_id, phase_id, person_id, decision, comment, at)
         VALUES (?, ?, ?, 'approve', ?, ?) RETURNING id",
    )
    .bind(release_id)
    .bind(phase_id)
    .bind(actor_id)
    .bind(comment.trim())
    .bind(now.timestamp())
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        now,
        &who.name,
        "approval.phase",
        "release",
        Some(release_id),
        json!({ "approval": id, "phase": phase_id, "comment": comment.trim(), "person": actor_id }),
    )
    .await?;
    let out = status_in(&mut tx, clock, release_id).await?;
    tx.commit().await?;
    Ok(out)
}

/// Called by release edits inside their transaction: refuses edits the state does not
/// allow; after any approval, resets the approvals (and an approved or scheduled release
/// goes back to Submitted), recording why.
pub(crate) async fn on_edit(
    conn: &mut SqliteConnection,
    now: DateTime<Utc>,
    actor: &str,
    release_id: i64,
) -> Result<()> {
    let r = release_row(conn, release_id).await?;
    if !r.state.editable() {
        return Err(Error::Conflict(format!(
            "'{}' is {} and cannot be edited{}",
            r.title,
            r.state.label(),
            if r.state == State::InProgress {
                "; halt it first"
            } else {
                ""
            }
        )));
    }
    let reset = revoke_all(
        conn,
        now,
        release_id,
        "the release was edited after approval",
    )
    .await?;
    if reset > 0 {
        audit::record(
            conn,
            now,
            actor,
            "approval.reset",
            "release",
            Some(release_id),
            json!({ "reason": "the release was edited after approval", "approvals": reset }),
        )
        .await?;
    }
    if matches!(r.state, State::Approved | State::Scheduled) {
        step(
            conn,
            now,
            actor,
            release_id,
            Action::Reopen,
            "edited after approval",
        )
        .await?;
    }
    Ok(())
}

/// Releases waiting for `person`'s decision: submitted, not requested by them, not yet
/// approved by them.
pub async fn inbox(pool: &SqlitePool, person_id: i64) -> Result<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT r.id FROM releases r WHERE r.state = 'submitted'
           AND (r.requester_id IS NULL OR r.requester_id != ?1)
           AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.release_id = r.id AND a.person_id = ?1
                           AND a.revoked_at IS NULL AND a.phase_id IS NULL)
         ORDER BY r.updated_at",
    )
    .bind(person_id)
    .fetch_all(pool)
    .await?)
}
