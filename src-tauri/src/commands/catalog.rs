use crate::error::CmdResult;
use crate::state::AppState;
use patchdesk_core::audit::By;
use patchdesk_core::catalog::{self, UpdatePage, UpdateQuery};
use patchdesk_core::import::{ImportOptions, ImportReport};
use patchdesk_core::ports::ProgressEvent;
use std::path::PathBuf;
use tauri::ipc::Channel;
use tauri::State;

#[tauri::command]
pub async fn catalog_list(state: State<'_, AppState>, query: UpdateQuery) -> CmdResult<UpdatePage> {
    Ok(catalog::list_updates(&state.pool, &query).await?)
}

#[tauri::command]
pub async fn catalog_import(
    state: State<'_, AppState>,
    path: PathBuf,
    options: ImportOptions,
    on_progress: Channel<ProgressEvent>,
) -> CmdResult<ImportReport> {
    patchdesk_core::import::check_webview_path(&path)?;
    let progress = state.progress(on_progress);
    let (_, actor) = state.actor();
    let by = By {
        actor: &actor,
        clock: &*state.clock,
    };
    Ok(catalog::import_updates(&state.pool, &path, options, &progress, &by).await?)
}
