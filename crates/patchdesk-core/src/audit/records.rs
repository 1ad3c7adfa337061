//! The `approvals` and `people` rows against what the (verified) trail recorded about
//! them: the trail is replayed into the rows it implies, and each stored row must be one
//! of them, field by field.

use super::{AuditEntry, Finding, Problem};
use crate::Result;
use serde_json::Value;
use sqlx::SqliteConnection;
use std::collections::{BTreeMap, BTreeSet};

/// The reason `decide` gives the approvals it revokes when changes are requested (it is
/// not in that audit row's detail).
const CHANGES_REQUESTED: &str = "changes were requested";

#[derive(Debug, PartialEq)]
struct Approval {
    release: i64,
    phase: Option<i64>,
    person: Option<i64>,
    decision: String,
    comment: String,
    at: i64,
    revoked_at: Option<i64>,
    revoked_reason: Option<String>,
}

#[derive(Debug, PartialEq)]
struct Person {
    name: String,
    email: String,
    os_user: String,
    roles: Value,
}

#[derive(sqlx::FromRow)]
struct StoredApproval {
    id: i64,
    release_id: i64,
    phase_id: Option<i64>,
    person_id: i64,
    decision: String,
    comment: String,
    at: i64,
    revoked_at: Option<i64>,
    revoked_reason: Option<String>,
}

#[derive(Default)]
struct Replay {
    approvals: BTreeMap<i64, (Approval, i64)>,
    /// Each approval's decider, by name, when the row predates the `person` field.
    deciders: BTreeMap<i64, String>,
    people: BTreeMap<i64, (Person, i64)>,
}

fn text(v: &Value, field: &str) -> String {
    v.get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

impl Replay {
    fn person_named(&self, name: &str) -> Option<i64> {
        self.people
            .iter()
            .rev()
            .find(|(_, (p, _))| p.name.eq_ignore_ascii_case(name))
            .map(|(id, _)| *id)
    }

    /// Revokes the release's standing approvals (of one person, or everyone's).
    fn revoke(&mut self, release: i64, person: Option<i64>, at: i64, reason: &str) {
        for (a, _) in self.approvals.values_mut() {
            if a.release == release
                && a.decision == "approve"
                && a.revoked_at.is_none()
                && (person.is_none() || a.person == person)
            {
                a.revoked_at = Some(at);
                a.revoked_reason = Some(reason.to_string());
            }
        }
    }

    fn apply(&mut self, r: &AuditEntry) {
        let d: Value = serde_json::from_str(&r.detail).unwrap_or(Value::Null);
        let release = r.entity_id.unwrap_or_default();
        let person = d
            .get("person")
            .and_then(Value::as_i64)
            .or_else(|| self.person_named(&r.actor));
        match r.action.as_str() {
            "approval.approve"
            | "approval.reject"
            | "approval.request_changes"
            | "approval.phase" => {
                let Some(id) = d.get("approval").and_then(Value::as_i64) else {
                    return;
                };
                let decision = match r.action.as_str() {
                    "approval.phase" => "approve",
                    a => a.trim_start_matches("approval."),
                };
                if r.action == "approval.request_changes" {
                    self.revoke(release, None, r.at, CHANGES_REQUESTED);
                }
                self.deciders.insert(id, r.actor.clone());
                let a = Approval {
                    release,
                    phase: d.get("phase").and_then(Value::as_i64),
                    person,
                    decision: decision.to_string(),
                    comment: text(&d, "comment"),
                    at: r.at,
                    revoked_at: None,
                    revoked_reason: None,
                };
                self.approvals.insert(id, (a, r.id));
            }
            "approval.revoke" => {
                self.revoke(release, person, r.at, &text(&d, "reason"));
            }
            "approval.reset" => self.revoke(release, None, r.at, &text(&d, "reason")),
            _ if r.entity == "person" => {
                let Some(after) = d.get("after").filter(|a| a.is_object()) else {
                    if r.action.ends_with(".delete") {
                        self.people.remove(&r.entity_id.unwrap_or_default());
                    }
                    return;
                };
                let Some(id) = after.get("id").and_then(Value::as_i64).or(r.entity_id) else {
                    return;
                };
                let p = Person {
                    name: text(after, "name"),
                    email: text(after, "email"),
                    os_user: text(after, "osUser"),
                    roles: after.get("roles").cloned().unwrap_or(Value::Null),
                };
                self.people.insert(id, (p, r.id));
            }
            _ => {}
        }
    }
}

fn differs<T: PartialEq + std::fmt::Debug>(name: &str, stored: &T, recorded: &T) -> Option<String> {
    (stored != recorded).then(|| format!("{name} is {stored:?}, the trail recorded {recorded:?}"))
}

fn changed(table: &'static str, id: i64, audit_row: i64, what: String) -> Finding {
    Finding {
        problem: Problem::Changed,
        table,
        row: Some(id),
        reason: format!("{table} row {id} was changed: {what} (audit row {audit_row})"),
    }
}

pub(crate) async fn check(
    conn: &mut SqliteConnection,
    rows: &[AuditEntry],
) -> Result<Option<Finding>> {
    let mut replay = Replay::default();
    for r in rows {
        replay.apply(r);
    }
    // Approvals of old rows name their decider only by name: resolved once all people are known.
    let deciders = std::mem::take(&mut replay.deciders);
    for (id, name) in deciders {
        let named = replay.person_named(&name);
        if let Some((a, _)) = replay.approvals.get_mut(&id) {
            a.person = a.person.or(named);
        }
    }

    let people: Vec<(i64, String, String, String, String)> =
        sqlx::query_as("SELECT id, name, email, os_user, roles FROM people ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
    for (id, name, email, os_user, roles) in people {
        let Some((want, at)) = replay.people.get(&id) else {
            return Ok(Some(Finding {
                problem: Problem::Unrecorded,
                table: "people",
                row: Some(id),
                reason: format!("people row {id} ({name}) is not on the trail: it was added behind the app's back"),
            }));
        };
        let stored = Person {
            name,
            email,
            os_user,
            roles: serde_json::from_str(&roles).unwrap_or(Value::String(roles)),
        };
        let what = differs("the name", &stored.name, &want.name)
            .or_else(|| differs("the e-mail", &stored.email, &want.email))
            .or_else(|| differs("the OS user", &stored.os_user, &want.os_user))
            .or_else(|| differs("the roles", &stored.roles, &want.roles));
        if let Some(what) = what {
            return Ok(Some(changed("people", id, *at, what)));
        }
    }

    let stored: Vec<StoredApproval> = sqlx::query_as(
        "SELECT id, release_id, phase_id, person_id, decision, comment, at, revoked_at, revoked_reason
         FROM approvals ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut seen = BTreeSet::new();
    for StoredApproval {
        id,
        release_id: release,
        phase_id: phase,
        person_id: person,
        decision,
        comment,
        at,
        revoked_at,
        revoked_reason,
    } in stored
    {
        seen.insert(id);
        let Some((want, audit_row)) = replay.approvals.get(&id) else {
            return Ok(Some(Finding {
                problem: Problem::Unrecorded,
                table: "approvals",
                row: Some(id),
                reason: format!("approvals row {id} ({decision} of release {release}) is not on the trail: it was added behind the app's back"),
            }));
        };
        let what = differs("the decision", &decision, &want.decision)
            .or_else(|| differs("the person", &Some(person), &want.person))
            .or_else(|| differs("the release", &release, &want.release))
            .or_else(|| differs("the phase", &phase, &want.phase))
            .or_else(|| differs("the comment", &comment, &want.comment))
            .or_else(|| differs("the time", &at, &want.at))
            .or_else(|| differs("the revocation time", &revoked_at, &want.revoked_at))
            .or_else(|| {
                differs(
                    "the revocation reason",
                    &revoked_reason,
                    &want.revoked_reason,
                )
            });
        if let Some(what) = what {
            return Ok(Some(changed("approvals", id, *audit_row, what)));
        }
    }
    // A recorded approval may be gone with its release or phase (deleted with them); one
    // whose release and phase are still there was removed behind the app's back.
    for (id, (a, audit_row)) in &replay.approvals {
        if seen.contains(id) {
            continue;
        }
        let release: Option<i64> = sqlx::query_scalar("SELECT id FROM releases WHERE id = $1")
            .bind(a.release)
            .fetch_optional(&mut *conn)
            .await?;
        let phase_gone = match a.phase {
            Some(p) => sqlx::query_scalar::<_, i64>("SELECT id FROM phases WHERE id = $1")
                .bind(p)
                .fetch_optional(&mut *conn)
                .await?
                .is_none(),
            None => false,
        };
        if release.is_some() && !phase_gone {
            return Ok(Some(Finding {
                problem: Problem::Removed,
                table: "approvals",
                row: Some(*id),
                reason: format!("approvals row {id} (recorded in audit row {audit_row}) was removed, though its release is still there"),
            }));
        }
    }
    Ok(None)
}
