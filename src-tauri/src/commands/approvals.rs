use crate::error::CmdResult;
use crate::state::AppState;
use patchdesk_core::approvals::{
    self, state::Action, Decision, Person, PersonInput, Policy, ReleaseStatus,
};
use patchdesk_core::audit::{self, AuditEntry, Verification};
use patchdesk_core::releases::{self, ReleaseSummary};
use patchdesk_core::Error;
use std::path::PathBuf;
use tauri::State;

/// Who is using the app.
#[tauri::command]
pub fn operator_get(state: State<'_, AppState>) -> Person {
    state
        .operator
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
}

/// Says who is using the app from now on. In local mode this is advisory (anyone at this
/// desk can pick anyone), so the core writes the switch to the audit trail.
#[tauri::command]
pub async fn operator_set(state: State<'_, AppState>, person_id: i64) -> CmdResult<Person> {
    let from = state
        .operator
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let person = approvals::switch_operator(
        &state.pool,
        &*state.clock,
        &state.os_user,
        &from,
        person_id,
        "app",
    )
    .await?;
    *state.operator.lock().unwrap_or_else(|e| e.into_inner()) = person.clone();
    Ok(person)
}

#[tauri::command]
pub async fn people_list(state: State<'_, AppState>) -> CmdResult<Vec<Person>> {
    Ok(approvals::people(&state.pool).await?)
}

#[tauri::command]
pub async fn person_create(state: State<'_, AppState>, input: PersonInput) -> CmdResult<Person> {
    Ok(approvals::create_person(&state.pool, &*state.clock, state.actor().0, &input).await?)
}

#[tauri::command]
pub async fn policy_get(state: State<'_, AppState>) -> CmdResult<Policy> {
    Ok(approvals::get_policy(&state.pool).await?)
}

#[tauri::command]
pub async fn policy_set(state: State<'_, AppState>, policy: Policy) -> CmdResult<Policy> {
    approvals::set_policy(&state.pool, &*state.clock, state.actor().0, &policy).await?;
    Ok(approvals::get_policy(&state.pool).await?)
}

#[tauri::command]
pub async fn release_status(state: State<'_, AppState>, id: i64) -> CmdResult<ReleaseStatus> {
    Ok(approvals::status(&state.pool, &*state.clock, id).await?)
}

/// A lifecycle step by the operator (submit, start, halt…).
#[tauri::command]
pub async fn release_transition(
    state: State<'_, AppState>,
    id: i64,
    action: Action,
    comment: String,
) -> CmdResult<ReleaseStatus> {
    let (actor, _) = state.actor();
    Ok(approvals::transition(&state.pool, &*state.clock, actor, id, action, &comment).await?)
}

/// A decision by the operator; the core refuses it if the operator requested the release.
#[tauri::command]
pub async fn release_decide(
    state: State<'_, AppState>,
    id: i64,
    decision: Decision,
    comment: String,
) -> CmdResult<ReleaseStatus> {
    let (actor, _) = state.actor();
    Ok(approvals::decide(&state.pool, &*state.clock, actor, id, decision, &comment).await?)
}

/// Approves one phase as the operator (when the policy asks for per-phase approval).
#[tauri::command]
pub async fn phase_approve(
    state: State<'_, AppState>,
    phase_id: i64,
    comment: String,
) -> CmdResult<ReleaseStatus> {
    let (actor, _) = state.actor();
    Ok(approvals::approve_phase(&state.pool, &*state.clock, actor, phase_id, &comment).await?)
}

#[tauri::command]
pub async fn release_revoke(
    state: State<'_, AppState>,
    id: i64,
    reason: String,
) -> CmdResult<ReleaseStatus> {
    let (actor, _) = state.actor();
    Ok(approvals::revoke(&state.pool, &*state.clock, actor, id, &reason).await?)
}

/// The release's audit rows, oldest first: its timeline of states and decisions.
#[tauri::command]
pub async fn release_timeline(state: State<'_, AppState>, id: i64) -> CmdResult<Vec<AuditEntry>> {
    let mut conn = state.pool.acquire().await.map_err(Error::from)?;
    Ok(audit::for_entity(&mut conn, "release", id).await?)
}

/// Submitted releases waiting for the operator's decision.
#[tauri::command]
pub async fn approvals_inbox(state: State<'_, AppState>) -> CmdResult<Vec<ReleaseSummary>> {
    let (actor, _) = state.actor();
    let ids = approvals::inbox(&state.pool, actor).await?;
    Ok(releases::list(&state.pool)
        .await?
        .into_iter()
        .filter(|r| ids.contains(&r.id))
        .collect())
}

#[tauri::command]
pub async fn audit_list(
    state: State<'_, AppState>,
    search: String,
    limit: i64,
) -> CmdResult<Vec<AuditEntry>> {
    Ok(audit::list(&state.pool, &search, limit).await?)
}

#[tauri::command]
pub async fn audit_verify(
    state: State<'_, AppState>,
    head: Option<String>,
) -> CmdResult<Verification> {
    Ok(audit::verify(&state.pool, head.as_deref()).await?)
}

/// Writes the trail where the user chose in the save dialog: only a `.csv` file.
#[tauri::command]
pub async fn audit_export(state: State<'_, AppState>, path: PathBuf) -> CmdResult<usize> {
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if !is_csv || path.is_dir() || !path.parent().is_some_and(|d| d.is_dir()) {
        return Err(Error::invalid(format!(
            "cannot write {}: choose a .csv file",
            path.display()
        ))
        .into());
    }
    Ok(audit::export_csv(&state.pool, &path).await?)
}
