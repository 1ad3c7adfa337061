//! The Tauri shell: state, command adapters, and the window. No domain logic lives here.

pub mod commands;
pub mod error;
pub mod state;

use state::AppState;
use tauri::Manager;
use tauri_plugin_dialog::{DialogExt, MessageDialogKind};

/// Register every command; shared by the app and the command tests.
pub fn with_commands<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        commands::app::app_summary,
        commands::app::app_info,
        commands::app::task_cancel,
        commands::inventory::inventory_list,
        commands::inventory::inventory_get,
        commands::inventory::inventory_facets,
        commands::inventory::inventory_import,
        commands::catalog::catalog_list,
        commands::catalog::catalog_import,
        commands::demo::demo_load,
        commands::collections::collection_list,
        commands::collections::collection_get,
        commands::collections::collection_create,
        commands::collections::collection_update,
        commands::collections::collection_delete,
        commands::collections::collection_preview,
        commands::collections::collection_evaluate,
        commands::collections::collection_evaluate_all,
        commands::collections::collection_changes,
        commands::collections::collection_parse_query,
        commands::collections::collection_print_query,
        commands::collections::collection_fields,
        commands::collections::collection_field_values,
        commands::releases::release_list,
        commands::releases::release_get,
        commands::releases::release_create,
        commands::releases::release_update,
        commands::releases::release_delete,
        commands::releases::release_check,
        commands::releases::release_window_fit,
        commands::releases::release_move_phase,
        commands::releases::release_conflicts,
        commands::releases::template_list,
        commands::releases::template_create_release,
        commands::releases::template_save,
        commands::releases::template_delete,
        commands::releases::window_list,
        commands::releases::window_create,
        commands::releases::window_delete,
        commands::releases::blackout_list,
        commands::releases::blackout_create,
        commands::releases::blackout_delete,
        commands::releases::schedule_events,
        commands::releases::schedule_export_ics,
        commands::approvals::operator_get,
        commands::approvals::operator_set,
        commands::approvals::people_list,
        commands::approvals::person_create,
        commands::approvals::policy_get,
        commands::approvals::policy_set,
        commands::approvals::release_status,
        commands::approvals::release_transition,
        commands::approvals::release_decide,
        commands::approvals::release_revoke,
        commands::approvals::phase_approve,
        commands::approvals::release_timeline,
        commands::approvals::approvals_inbox,
        commands::approvals::audit_list,
        commands::approvals::audit_verify,
        commands::approvals::audit_export,
        commands::mail::mail_template_list,
        commands::mail::mail_template_save,
        commands::mail::mail_template_reset,
        commands::mail::mail_template_preview,
        commands::mail::campaign_list,
        commands::mail::campaign_get,
        commands::mail::campaign_defaults,
        commands::mail::campaign_create,
        commands::mail::campaign_deliveries,
        commands::mail::campaign_recipients,
        commands::mail::campaign_preview,
        commands::mail::campaign_start,
        commands::mail::campaign_pause,
        commands::mail::campaign_cancel,
        commands::mail::campaign_retry,
        commands::mail::campaign_resend,
        commands::mail::campaign_test,
        commands::mail::outbox_status,
        commands::mail::outbox_watch,
        commands::mail::mail_settings_get,
        commands::mail::mail_settings_set,
        commands::mail::mail_check,
        commands::mail::mail_send_test,
    ])
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    with_commands(tauri::Builder::default())
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            // PATCHDESK_DATA_DIR wins; otherwise the OS app-data dir of this build's
            // identifier (the dev overlay has its own, so it never touches real data).
            let data_dir = match std::env::var_os(patchdesk_core::paths::DATA_DIR_ENV) {
                Some(d) if !d.is_empty() => d.into(),
                _ => app.path().app_data_dir()?,
            };
            match tauri::async_runtime::block_on(AppState::open(data_dir.clone())) {
                Ok(state) => {
                    tracing::info!(db = %state.db_path.display(), "database open");
                    state.start_mail_sender();
                    app.manage(state);
                }
                Err(e) => {
                    // Say why in a window instead of vanishing; quit when it is closed.
                    tracing::error!(error = %e, dir = %data_dir.display(), "cannot open the database");
                    if let Some(w) = app.get_webview_window("main") {
                        let _ = w.hide();
                    }
                    let handle = app.handle().clone();
                    app.dialog()
                        .message(format!(
                            "PatchDesk cannot open its database in {}.\n\n{e}",
                            data_dir.display()
                        ))
                        .title("PatchDesk cannot start")
                        .kind(MessageDialogKind::Error)
                        .show(move |_| handle.exit(1));
                }
            }
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running PatchDesk");
}
