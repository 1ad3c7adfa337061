use crate::error::CmdResult;
use crate::state::AppState;
use patchdesk_core::collections::query::{Expr, Field, FieldInfo};
use patchdesk_core::collections::{
    self, Collection, CollectionDetail, CollectionInput, CollectionPreview, Evaluation,
    MembershipChange, Scope,
};
use patchdesk_core::ports::NoProgress;
use tauri::State;

#[tauri::command]
pub async fn collection_list(state: State<'_, AppState>) -> CmdResult<Vec<Collection>> {
    Ok(collections::list(&state.pool, &*state.clock).await?)
}

#[tauri::command]
pub async fn collection_get(state: State<'_, AppState>, id: i64) -> CmdResult<CollectionDetail> {
    Ok(collections::get(&state.pool, id).await?)
}

#[tauri::command]
pub async fn collection_create(
    state: State<'_, AppState>,
    input: CollectionInput,
) -> CmdResult<CollectionDetail> {
    Ok(collections::create(&state.pool, &*state.clock, &state.actor().1, &input).await?)
}

#[tauri::command]
pub async fn collection_update(
    state: State<'_, AppState>,
    id: i64,
    input: CollectionInput,
) -> CmdResult<CollectionDetail> {
    Ok(collections::update(&state.pool, &*state.clock, &state.actor().1, id, &input).await?)
}

#[tauri::command]
pub async fn collection_delete(state: State<'_, AppState>, id: i64) -> CmdResult<()> {
    Ok(collections::delete(&state.pool, &*state.clock, &state.actor().1, id).await?)
}

#[tauri::command]
pub async fn collection_preview(
    state: State<'_, AppState>,
    input: CollectionInput,
    id: Option<i64>,
) -> CmdResult<CollectionPreview> {
    Ok(collections::preview(&state.pool, &*state.clock, &input, id, 50).await?)
}

#[tauri::command]
pub async fn collection_evaluate(
    state: State<'_, AppState>,
    id: i64,
) -> CmdResult<Vec<Evaluation>> {
    Ok(collections::evaluate(&state.pool, &*state.clock, id).await?)
}

#[tauri::command]
pub async fn collection_evaluate_all(state: State<'_, AppState>) -> CmdResult<Vec<Evaluation>> {
    Ok(collections::evaluate_all(&state.pool, &*state.clock, Scope::All, &NoProgress).await?)
}

#[tauri::command]
pub async fn collection_changes(
    state: State<'_, AppState>,
    id: i64,
) -> CmdResult<Vec<MembershipChange>> {
    Ok(collections::changes(&state.pool, id).await?)
}

#[tauri::command]
pub fn collection_parse_query(text: String) -> CmdResult<Expr> {
    Ok(collections::parse_query(&text)?)
}

#[tauri::command]
pub fn collection_print_query(expr: Expr) -> String {
    collections::print_query(expr)
}

#[tauri::command]
pub async fn collection_fields(state: State<'_, AppState>) -> CmdResult<Vec<FieldInfo>> {
    Ok(collections::fields(&state.pool).await?)
}

#[tauri::command]
pub async fn collection_field_values(
    state: State<'_, AppState>,
    field: Field,
) -> CmdResult<Vec<String>> {
    Ok(collections::field_values(&state.pool, &field).await?)
}
