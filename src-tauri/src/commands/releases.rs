use crate::error::CmdResult;
use crate::state::AppState;
use chrono::{DateTime, Utc};
use patchdesk_core::releases::{
    self, plan, schedule, templates, windows, Blackout, BlackoutInput, CalendarEvent, Conflict,
    MaintenanceWindow, PlanTemplate, ReleaseDetail, ReleaseInput, ReleaseSummary, WindowFit,
    WindowInput,
};
use patchdesk_core::Error;
use std::path::PathBuf;
use tauri::State;

#[tauri::command]
pub async fn release_list(state: State<'_, AppState>) -> CmdResult<Vec<ReleaseSummary>> {
    Ok(releases::list(&state.pool).await?)
}

#[tauri::command]
pub async fn release_get(state: State<'_, AppState>, id: i64) -> CmdResult<ReleaseDetail> {
    Ok(releases::get(&state.pool, id).await?)
}

#[tauri::command]
pub async fn release_create(
    state: State<'_, AppState>,
    input: ReleaseInput,
) -> CmdResult<ReleaseDetail> {
    let id = releases::create(&state.pool, &*state.clock, &state.actor().1, &input).await?;
    Ok(releases::get(&state.pool, id).await?)
}

#[tauri::command]
pub async fn release_update(
    state: State<'_, AppState>,
    id: i64,
    input: ReleaseInput,
) -> CmdResult<ReleaseDetail> {
    releases::update(&state.pool, &*state.clock, &state.actor().1, id, &input).await?;
    Ok(releases::get(&state.pool, id).await?)
}

/// The conflicts a draft would have; nothing is saved.
#[tauri::command]
pub async fn release_check(
    state: State<'_, AppState>,
    id: Option<i64>,
    input: ReleaseInput,
) -> CmdResult<Vec<Conflict>> {
    Ok(releases::check_draft(&state.pool, &*state.clock, id, &input).await?)
}

#[tauri::command]
pub async fn release_delete(state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    Ok(releases::delete(&state.pool, &*state.clock, &state.actor().1, id).await?)
}

#[tauri::command]
pub async fn release_window_fit(state: State<'_, AppState>, id: i64) -> CmdResult<Vec<WindowFit>> {
    Ok(plan::window_fit(&state.pool, id).await?)
}

#[tauri::command]
pub async fn release_move_phase(
    state: State<'_, AppState>,
    phase_id: i64,
    by_seconds: i64,
) -> CmdResult<Vec<Conflict>> {
    releases::move_phase(
        &state.pool,
        &*state.clock,
        &state.actor().1,
        phase_id,
        by_seconds,
    )
    .await?;
    Ok(plan::all_conflicts(&state.pool).await?)
}

#[tauri::command]
pub async fn release_conflicts(state: State<'_, AppState>) -> CmdResult<Vec<Conflict>> {
    Ok(plan::all_conflicts(&state.pool).await?)
}

#[tauri::command]
pub async fn template_list(state: State<'_, AppState>) -> CmdResult<Vec<PlanTemplate>> {
    Ok(templates::list(&state.pool).await?)
}

#[tauri::command]
pub async fn template_create_release(
    state: State<'_, AppState>,
    template: String,
    month: String,
    requester: String,
) -> CmdResult<ReleaseDetail> {
    let id = templates::create_release(
        &state.pool,
        &*state.clock,
        &state.actor().1,
        &template,
        &month,
        &requester,
    )
    .await?;
    Ok(releases::get(&state.pool, id).await?)
}

#[tauri::command]
pub async fn template_save(
    state: State<'_, AppState>,
    release_id: i64,
    name: String,
    time_zone: String,
) -> CmdResult<i64> {
    Ok(templates::save_release_as_template(
        &state.pool,
        &*state.clock,
        &state.actor().1,
        release_id,
        &name,
        &time_zone,
    )
    .await?)
}

#[tauri::command]
pub async fn template_delete(state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    Ok(templates::delete(&state.pool, &*state.clock, &state.actor().1, id).await?)
}

#[tauri::command]
pub async fn window_list(
    state: State<'_, AppState>,
    collection_id: Option<i64>,
) -> CmdResult<Vec<MaintenanceWindow>> {
    Ok(windows::windows(&state.pool, collection_id).await?)
}

#[tauri::command]
pub async fn window_create(state: State<'_, AppState>, input: WindowInput) -> CmdResult<i64> {
    Ok(windows::create_window(&state.pool, &*state.clock, &state.actor().1, &input).await?)
}

#[tauri::command]
pub async fn window_delete(state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    Ok(windows::delete_window(&state.pool, &*state.clock, &state.actor().1, id).await?)
}

#[tauri::command]
pub async fn blackout_list(state: State<'_, AppState>) -> CmdResult<Vec<Blackout>> {
    Ok(windows::blackouts(&state.pool).await?)
}

#[tauri::command]
pub async fn blackout_create(state: State<'_, AppState>, input: BlackoutInput) -> CmdResult<i64> {
    Ok(windows::create_blackout(&state.pool, &*state.clock, &state.actor().1, &input).await?)
}

#[tauri::command]
pub async fn blackout_delete(state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    Ok(windows::delete_blackout(&state.pool, &*state.clock, &state.actor().1, id).await?)
}

#[tauri::command]
pub async fn schedule_events(
    state: State<'_, AppState>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> CmdResult<Vec<CalendarEvent>> {
    Ok(schedule::events(&state.pool, from, to).await?)
}

/// Writes the schedule where the user chose in the save dialog: only an `.ics` file, in
/// a directory that exists, so the webview cannot have any other file written.
#[tauri::command]
pub async fn schedule_export_ics(state: State<'_, AppState>, path: PathBuf) -> CmdResult<usize> {
    let is_ics = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("ics"));
    if !is_ics {
        return Err(Error::invalid(format!("{} is not an .ics file", path.display())).into());
    }
    if path.is_dir() || !path.parent().is_some_and(|d| d.is_dir()) {
        return Err(Error::invalid(format!("cannot write {}", path.display())).into());
    }
    Ok(schedule::export_ics(&state.pool, state.clock.now(), &path).await?)
}
