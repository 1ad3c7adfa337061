use crate::error::CmdResult;
use crate::state::AppState;
use patchdesk_core::audit::By;
use patchdesk_core::demo::{self, DemoOptions, DemoSummary};
use patchdesk_core::ports::ProgressEvent;
use tauri::ipc::Channel;
use tauri::State;

/// Load the demo organisation into an empty database.
#[tauri::command]
pub async fn demo_load(
    state: State<'_, AppState>,
    computers: Option<u32>,
    on_progress: Channel<ProgressEvent>,
) -> CmdResult<DemoSummary> {
    let options = DemoOptions {
        computers: computers.unwrap_or(demo::DEFAULT_COMPUTERS),
        ..DemoOptions::default()
    };
    let progress = state.progress(on_progress);
    let (_, actor) = state.actor();
    let by = By {
        actor: &actor,
        clock: &*state.clock,
    };
    Ok(demo::load(
        &state.pool,
        options,
        state.clock.now(),
        false,
        &progress,
        &by,
    )
    .await?)
}
