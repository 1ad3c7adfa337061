//! Command adapters through Tauri's mock runtime: argument names, result and error shapes,
//! state wiring. (The ACL itself is exercised by the end-to-end tests on the real app.)

use patchdesk_app_lib::state::AppState;
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow, WebviewWindowBuilder};

fn app(data_dir: &std::path::Path) -> (tauri::App<MockRuntime>, WebviewWindow<MockRuntime>) {
    let state = tauri::async_runtime::block_on(AppState::open(data_dir.to_path_buf())).unwrap();
    let app = patchdesk_app_lib::with_commands(mock_builder())
        .build(mock_context(noop_assets()))
        .unwrap();
    app.manage(state);
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    (app, webview)
}

fn invoke(w: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        w,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap())
}

#[test]
fn summary_list_and_errors_on_the_wire() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let s = invoke(&w, "app_summary", json!({})).unwrap();
    assert_eq!(s, json!({"computers": 0, "sites": 0, "updates": 0}));

    let info = invoke(&w, "app_info", json!({})).unwrap();
    assert_eq!(info["dataDir"], dir.path().display().to_string());

    // Demo data through the core, then browse through the command with camelCase args.
    let pool = tauri::async_runtime::block_on(patchdesk_core::db::open(
        &dir.path().join("patchdesk.sqlite"),
    ))
    .unwrap();
    tauri::async_runtime::block_on(patchdesk_core::demo::load(
        &pool,
        patchdesk_core::demo::DemoOptions {
            computers: 120,
            seed: 1,
        },
        chrono_now(),
        false,
        &patchdesk_core::ports::NoProgress,
        &patchdesk_core::audit::By {
            actor: "test",
            clock: &patchdesk_core::ports::FixedClock(chrono_now()),
        },
    ))
    .unwrap();
    let page = invoke(&w, "inventory_list", json!({"query": {"sort": "lastSeen", "descending": true, "limit": 10, "role": "workstation"}})).unwrap();
    assert_eq!(page["rows"].as_array().unwrap().len(), 10);
    assert!(page["total"].as_i64().unwrap() > 50);
    assert!(page["rows"][0]["siteTimeZone"].is_string());
    assert!(page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["role"] == "workstation"));

    let id = page["rows"][0]["id"].clone();
    let detail = invoke(&w, "inventory_get", json!({"id": id})).unwrap();
    assert_eq!(detail["computer"]["id"], id);

    // Errors carry {kind, message} and nothing else.
    let e = invoke(&w, "inventory_get", json!({"id": 987654})).unwrap_err();
    assert_eq!(
        e,
        json!({"kind": "notFound", "message": "there is no computer with id 987654"})
    );
    let e = invoke(&w, "inventory_list", json!({"query": {"limit": 5000}})).unwrap_err();
    assert_eq!(e["kind"], "invalid");
    // A wrong argument name is refused by the adapter.
    assert!(invoke(&w, "inventory_get", json!({"computerId": 1})).is_err());

    let facets = invoke(&w, "inventory_facets", json!({})).unwrap();
    assert_eq!(facets["total"], 120);
    let updates = invoke(
        &w,
        "catalog_list",
        json!({"query": {"hideSuperseded": true}}),
    )
    .unwrap();
    assert!(updates["total"].as_i64().unwrap() > 5);
}

fn chrono_now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

/// The long-running commands take their progress channel as `onProgress`.
#[test]
fn demo_load_and_import_take_a_progress_channel() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let s = invoke(
        &w,
        "demo_load",
        json!({"computers": 300, "onProgress": "__CHANNEL__:1"}),
    )
    .unwrap();
    assert_eq!(s["computers"], 300);
    // Without the channel argument the command is refused, not run.
    let e = invoke(&w, "demo_load", json!({"computers": 300})).unwrap_err();
    assert!(e.to_string().contains("onProgress"), "{e}");

    let csv = dir.path().join("updates.csv");
    std::fs::write(&csv, "kb,title\nKB1,One\nKBX,Bad\n").unwrap();
    let r = invoke(
        &w,
        "catalog_import",
        json!({"path": csv, "options": {"dryRun": true}, "onProgress": "__CHANNEL__:2"}),
    )
    .unwrap();
    assert_eq!(
        (r["accepted"].as_u64(), r["rejected"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(r["rejections"][0]["line"], 3);
    // The webview may only name .csv and .txt files.
    let key = dir.path().join("id_rsa");
    std::fs::write(&key, "secret").unwrap();
    let e = invoke(
        &w,
        "inventory_import",
        json!({"path": key, "options": {}, "onProgress": "__CHANNEL__:3"}),
    )
    .unwrap_err();
    assert_eq!(e["kind"], "invalid");
    assert!(!e.to_string().contains("secret"));
    // task_cancel answers even when nothing runs.
    invoke(&w, "task_cancel", json!({})).unwrap();
}

#[test]
fn collection_commands_round_trip_the_builder_and_name_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let pool = tauri::async_runtime::block_on(patchdesk_core::db::open(
        &dir.path().join("patchdesk.sqlite"),
    ))
    .unwrap();
    tauri::async_runtime::block_on(patchdesk_core::demo::load(
        &pool,
        patchdesk_core::demo::DemoOptions {
            computers: 150,
            seed: 3,
        },
        chrono_now(),
        false,
        &patchdesk_core::ports::NoProgress,
        &patchdesk_core::audit::By {
            actor: "test",
            clock: &patchdesk_core::ports::FixedClock(chrono_now()),
        },
    ))
    .unwrap();

    // Text → tree → text, as the builder does it.
    let text = "site = 'Berlin' and os_version < 10.0.19045";
    let expr = invoke(&w, "collection_parse_query", json!({"text": text})).unwrap();
    assert_eq!(expr["kind"], "and");
    assert_eq!(expr["items"][0]["field"], json!({"key": "site"}));
    let printed = invoke(&w, "collection_print_query", json!({"expr": expr})).unwrap();
    assert_eq!(printed, json!(text));

    // A query error carries its position for the editor.
    let e = invoke(
        &w,
        "collection_parse_query",
        json!({"text": "site = 'Berlin' and rol = server"}),
    )
    .unwrap_err();
    assert_eq!(e["kind"], "invalid");
    assert_eq!(e["details"]["column"], 21);
    assert_eq!(e["details"]["suggestion"], "role");

    let input = json!({"name": "Berlin old", "query": text});
    let p = invoke(
        &w,
        "collection_preview",
        json!({"input": input, "id": null}),
    )
    .unwrap();
    let count = p["count"].as_i64().unwrap();
    let d = invoke(&w, "collection_create", json!({"input": input})).unwrap();
    let id = d["collection"]["id"].as_i64().unwrap();
    let ev = invoke(&w, "collection_evaluate", json!({"id": id})).unwrap();
    assert_eq!(
        ev.as_array().unwrap().last().unwrap()["memberCount"]
            .as_i64()
            .unwrap(),
        count
    );
    let page = invoke(
        &w,
        "inventory_list",
        json!({"query": {"collectionId": id, "limit": 500}}),
    )
    .unwrap();
    assert_eq!(page["total"].as_i64().unwrap(), count);

    let e = invoke(
        &w,
        "collection_create",
        json!({"input": {"name": "berlin OLD", "query": "all"}}),
    )
    .unwrap_err();
    assert_eq!(e["kind"], "conflict");
    let fields = invoke(&w, "collection_fields", json!({})).unwrap();
    assert!(fields
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["name"] == "msxml"));
    let values = invoke(
        &w,
        "collection_field_values",
        json!({"field": {"key": "site"}}),
    )
    .unwrap();
    assert!(values.as_array().unwrap().iter().any(|v| v == "Berlin"));
    let list = invoke(&w, "collection_list", json!({})).unwrap();
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "Berlin old"));
}

/// The planning commands: argument names (camelCase), a refusal that names the phase, a
/// drag that answers with the conflicts, and an export that only writes `.ics` files.
#[test]
fn release_commands_plan_move_and_export() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    invoke(
        &w,
        "demo_load",
        json!({"computers": 200, "onProgress": "__CHANNEL__:1"}),
    )
    .unwrap();
    let list = invoke(&w, "release_list", json!({})).unwrap();
    // Last cycle's, this cycle's, the next one and the emergency.
    assert_eq!(list.as_array().unwrap().len(), 4);
    let templates = invoke(&w, "template_list", json!({})).unwrap();
    assert_eq!(templates[0]["name"], "Patch Tuesday");

    let d = invoke(
        &w,
        "template_create_release",
        json!({"template": "Patch Tuesday", "month": "2030-12", "requester": "Ops"}),
    )
    .unwrap();
    assert_eq!(d["title"], "Patch Tuesday — December 2030");
    assert_eq!(d["phases"].as_array().unwrap().len(), 3);
    let id = d["id"].as_i64().unwrap();
    let fit = invoke(&w, "release_window_fit", json!({"id": id})).unwrap();
    assert!(fit
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["phaseId"].is_i64() && f["timeZone"].is_string()));

    // A phase without a collection is refused with its number and name.
    let mut input = json!({
        "title": "Broken", "description": "", "kind": "normal", "risk": "low",
        "justification": "", "requester": "", "rollbackPlan": "", "communicationPlan": "",
        "updateIds": [],
        "phases": [{"id": null, "name": "Pilot", "collectionId": null,
                    "availableAt": "2030-12-11T01:00:00Z", "deadlineAt": "2030-12-13T09:00:00Z",
                    "rerunDays": null, "successPercent": 95.0, "successCount": null,
                    "failurePercent": 5.0, "advance": "manual", "advanceAfterDays": 0,
                    "overnightDate": null}]
    });
    let e = invoke(&w, "release_create", json!({"input": input})).unwrap_err();
    assert_eq!(e["kind"], "invalid");
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("phase 1 'Pilot' has no target collection"));
    input["phases"][0]["collectionId"] = d["phases"][0]["collection"]["id"].clone();
    let created = invoke(&w, "release_create", json!({"input": input})).unwrap();
    assert_eq!(created["title"], "Broken");

    let phase = d["phases"][2]["id"].as_i64().unwrap();
    let conflicts = invoke(
        &w,
        "release_move_phase",
        json!({"phaseId": phase, "bySeconds": -86_400}),
    )
    .unwrap();
    assert!(conflicts.is_array());
    let moved = invoke(&w, "release_get", json!({"id": id})).unwrap();
    assert_eq!(moved["phases"][2]["sequence"], 1);

    let events = invoke(
        &w,
        "schedule_events",
        json!({"from": "2030-12-01T00:00:00Z", "to": "2031-01-01T00:00:00Z"}),
    )
    .unwrap();
    assert!(events
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "phase" && e["releaseId"] == id));

    let ics = dir.path().join("plan.ics");
    let n = invoke(&w, "schedule_export_ics", json!({"path": ics})).unwrap();
    // The demo's three cycles of 3 and its emergency, December 2030's 3 and the
    // one-phase release.
    assert_eq!(n, 14);
    assert!(std::fs::read_to_string(&ics)
        .unwrap()
        .starts_with("BEGIN:VCALENDAR\r\n"));
    let other = dir.path().join("notes.txt");
    let e = invoke(&w, "schedule_export_ics", json!({"path": other})).unwrap_err();
    assert_eq!(e["kind"], "invalid");
    assert!(!other.exists());
}

/// Decisions are taken as the operator the app holds: a decision names no actor, so the
/// webview cannot claim to be someone else, and the requester is refused.
#[test]
fn approval_commands_act_as_the_operator() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    invoke(
        &w,
        "demo_load",
        json!({"computers": 200, "onProgress": "__CHANNEL__:1"}),
    )
    .unwrap();
    let me = invoke(&w, "operator_get", json!({})).unwrap();
    // The month the demo's next release is for: the catalogue has its updates.
    let list = invoke(&w, "release_list", json!({})).unwrap();
    let next = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["state"] == "scheduled")
        .unwrap();
    let month = next["startsAt"].as_str().unwrap()[..7].to_string();
    let d = invoke(
        &w,
        "template_create_release",
        json!({"template": "Patch Tuesday", "month": month, "requester": ""}),
    )
    .unwrap();
    let id = d["id"].as_i64().unwrap();
    let s = invoke(
        &w,
        "release_transition",
        json!({"id": id, "action": "submit", "comment": ""}),
    )
    .unwrap();
    assert_eq!(s["state"], "submitted");
    assert_eq!(s["requesterId"], me["id"]);
    // An extra "actor" argument changes nothing: the operator requested it.
    let e = invoke(
        &w,
        "release_decide",
        json!({"id": id, "decision": "approve", "comment": "", "actor": 2}),
    )
    .unwrap_err();
    assert_eq!(e["kind"], "conflict");
    let people = invoke(&w, "people_list", json!({})).unwrap();
    let anna = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Anna Schmidt")
        .unwrap()["id"]
        .clone();
    invoke(&w, "operator_set", json!({"personId": anna})).unwrap();
    // Switching who the app acts as is on the trail, advisory, naming both.
    let switched = invoke(
        &w,
        "audit_list",
        json!({"search": "operator.switch", "limit": 10}),
    )
    .unwrap();
    let row = &switched.as_array().unwrap()[0];
    assert_eq!(row["actor"], me["name"]);
    let detail: serde_json::Value = serde_json::from_str(row["detail"].as_str().unwrap()).unwrap();
    assert_eq!(
        (detail["to"].as_str(), detail["advisory"].as_bool()),
        (Some("Anna Schmidt"), Some(true))
    );
    let s = invoke(
        &w,
        "release_decide",
        json!({"id": id, "decision": "approve", "comment": "fine"}),
    )
    .unwrap();
    assert_eq!(s["approvedBy"], json!(["Anna Schmidt"]));
    let timeline = invoke(&w, "release_timeline", json!({"id": id})).unwrap();
    assert_eq!(
        timeline.as_array().unwrap().last().unwrap()["actor"],
        "Anna Schmidt"
    );
    let v = invoke(&w, "audit_verify", json!({"head": null})).unwrap();
    assert_eq!(v["ok"], true);
    let bad = dir.path().join("audit.txt");
    let e = invoke(&w, "audit_export", json!({"path": bad})).unwrap_err();
    assert_eq!(e["kind"], "invalid");
}
