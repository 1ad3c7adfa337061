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
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed");
}
