use crate::error::CmdResult;
use crate::state::AppState;
use patchdesk_core::{AppInfo, Summary};
use tauri::State;

#[tauri::command]
pub async fn app_summary(state: State<'_, AppState>) -> CmdResult<Summary> {
    Ok(patchdesk_core::summary(&state.pool).await?)
}

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        data_dir: state.data_dir.display().to_string(),
        database_path: state.db_path.display().to_string(),
    }
}

/// Ask the running long task (import, demo load) to stop; it rolls back.
#[tauri::command]
pub fn task_cancel(state: State<'_, AppState>) {
    if let Ok(token) = state.cancel.lock() {
        token.cancel();
    }
}
