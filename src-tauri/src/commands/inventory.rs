use crate::error::CmdResult;
use crate::state::AppState;
use patchdesk_core::audit::By;
use patchdesk_core::import::{ImportOptions, ImportReport};
use patchdesk_core::inventory::{
    self, ComputerDetail, ComputerPage, ComputerQuery, InventoryFacets,
};
use patchdesk_core::ports::ProgressEvent;
use std::path::PathBuf;
use tauri::ipc::Channel;
use tauri::State;

#[tauri::command]
pub async fn inventory_list(
    state: State<'_, AppState>,
    query: ComputerQuery,
) -> CmdResult<ComputerPage> {
    Ok(inventory::list_computers(&state.pool, &query, state.clock.now()).await?)
}

#[tauri::command]
pub async fn inventory_get(state: State<'_, AppState>, id: i64) -> CmdResult<ComputerDetail> {
    Ok(inventory::get_computer(&state.pool, id).await?)
}

#[tauri::command]
pub async fn inventory_facets(state: State<'_, AppState>) -> CmdResult<InventoryFacets> {
    Ok(inventory::facets(&state.pool).await?)
}

#[tauri::command]
pub async fn inventory_import(
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
    Ok(inventory::import_computers(&state.pool, &path, options, &progress, &by).await?)
}
