// Declaring the app's commands in a manifest makes each one need an explicit
// `allow-<command>` in capabilities/, so the webview can call nothing by default.
const COMMANDS: &[&str] = &[
    "app_summary",
    "app_info",
    "inventory_list",
    "inventory_get",
    "inventory_facets",
    "inventory_import",
    "catalog_list",
    "catalog_import",
    "demo_load",
    "task_cancel",
    "collection_list",
    "collection_get",
    "collection_create",
    "collection_update",
    "collection_delete",
    "collection_preview",
    "collection_evaluate",
    "collection_evaluate_all",
    "collection_changes",
    "collection_parse_query",
    "collection_print_query",
    "collection_fields",
    "collection_field_values",
    "release_list",
    "release_get",
    "release_create",
    "release_update",
    "release_delete",
    "release_check",
    "release_window_fit",
    "release_move_phase",
    "release_conflicts",
    "template_list",
    "template_create_release",
    "template_save",
    "template_delete",
    "window_list",
    "window_create",
    "window_delete",
    "blackout_list",
    "blackout_create",
    "blackout_delete",
    "schedule_events",
    "schedule_export_ics",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
