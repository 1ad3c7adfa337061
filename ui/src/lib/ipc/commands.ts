// The only module that talks to the Tauri core. Components import these typed
// functions; each rejects with a CommandError (a WireError).
import { Channel, invoke, type InvokeArgs } from "@tauri-apps/api/core";
import { open } from "@tauri-apps/plugin-dialog";
import type { AppInfo } from "../../bindings/AppInfo";
import type { Collection } from "../../bindings/Collection";
import type { CollectionDetail } from "../../bindings/CollectionDetail";
import type { CollectionInput } from "../../bindings/CollectionInput";
import type { CollectionPreview } from "../../bindings/CollectionPreview";
import type { ComputerDetail } from "../../bindings/ComputerDetail";
import type { ComputerPage } from "../../bindings/ComputerPage";
import type { ComputerQuery } from "../../bindings/ComputerQuery";
import type { DemoSummary } from "../../bindings/DemoSummary";
import type { Evaluation } from "../../bindings/Evaluation";
import type { Expr } from "../../bindings/Expr";
import type { Field } from "../../bindings/Field";
import type { FieldInfo } from "../../bindings/FieldInfo";
import type { ImportOptions } from "../../bindings/ImportOptions";
import type { ImportReport } from "../../bindings/ImportReport";
import type { InventoryFacets } from "../../bindings/InventoryFacets";
import type { MembershipChange } from "../../bindings/MembershipChange";
import type { ProgressEvent } from "../../bindings/ProgressEvent";
import type { Summary } from "../../bindings/Summary";
import type { UpdatePage } from "../../bindings/UpdatePage";
import type { UpdateQuery } from "../../bindings/UpdateQuery";
import { CommandError } from "./errors";

/** Receives progress events of a long task (import, demo load). */
export type ProgressHandler = (event: ProgressEvent) => void;

/** Invokes a command and turns any rejection into a CommandError. */
export async function call<T>(command: string, args?: InvokeArgs): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    throw CommandError.from(reason, command);
  }
}

function progressChannel(onProgress?: ProgressHandler): Channel<ProgressEvent> {
  const channel = new Channel<ProgressEvent>();
  if (onProgress) channel.onmessage = onProgress;
  return channel;
}

export const appSummary = () => call<Summary>("app_summary");

export const appInfo = () => call<AppInfo>("app_info");

export const inventoryList = (query: ComputerQuery) => call<ComputerPage>("inventory_list", { query });

export const inventoryGet = (id: number) => call<ComputerDetail>("inventory_get", { id });

export const inventoryFacets = () => call<InventoryFacets>("inventory_facets");

export const inventoryImport = (path: string, options: ImportOptions, onProgress?: ProgressHandler) =>
  call<ImportReport>("inventory_import", { path, options, onProgress: progressChannel(onProgress) });

export const catalogList = (query: UpdateQuery) => call<UpdatePage>("catalog_list", { query });

export const catalogImport = (path: string, options: ImportOptions, onProgress?: ProgressHandler) =>
  call<ImportReport>("catalog_import", { path, options, onProgress: progressChannel(onProgress) });

/** Loads the demo organisation; `computers` null lets the core choose its default size. */
export const demoLoad = (computers: number | null, onProgress?: ProgressHandler) =>
  call<DemoSummary>("demo_load", { computers, onProgress: progressChannel(onProgress) });

/** Asks the running import or demo load to stop; that call then rejects with kind "cancelled". */
export const taskCancel = () => call<void>("task_cancel");

/** Every collection, built-ins first. */
export const collectionList = () => call<Collection[]>("collection_list");

export const collectionGet = (id: number) => call<CollectionDetail>("collection_get", { id });

/** Creates a collection; it has no members until it is evaluated. */
export const collectionCreate = (input: CollectionInput) => call<CollectionDetail>("collection_create", { input });

export const collectionUpdate = (id: number, input: CollectionInput) =>
  call<CollectionDetail>("collection_update", { id, input });

/** Rejects with kind "conflict" while another collection uses this one. */
export const collectionDelete = (id: number) => call<null>("collection_delete", { id });

/** The live count and first 50 members of a draft; nothing is stored. `id` is the collection being edited. */
export const collectionPreview = (input: CollectionInput, id: number | null) =>
  call<CollectionPreview>("collection_preview", { input, id });

/** Evaluates a collection (and any never-evaluated one it depends on); the asked one comes last. */
export const collectionEvaluate = (id: number) => call<Evaluation[]>("collection_evaluate", { id });

export const collectionEvaluateAll = () => call<Evaluation[]>("collection_evaluate_all");

/** Who entered and who left at the collection's last evaluation. */
export const collectionChanges = (id: number) => call<MembershipChange[]>("collection_changes", { id });

/** Parses and checks query text; an invalid query rejects with kind "invalid" and a QueryError as details. */
export const collectionParseQuery = (text: string) => call<Expr>("collection_parse_query", { text });

/** The text form of a query tree (normalised first, so it parses back to the same tree). */
export const collectionPrintQuery = (expr: Expr) => call<string>("collection_print_query", { expr });

export const collectionFields = () => call<FieldInfo[]>("collection_fields");

/** The most common values of a field in the inventory, for suggestions. */
export const collectionFieldValues = (field: Field) => call<string[]>("collection_field_values", { field });

/** Shows the system's file picker for a CSV file; resolves to its path, or null when dismissed. */
export async function pickCsvFile(title: string): Promise<string | null> {
  try {
    const picked = await open({
      title,
      multiple: false,
      directory: false,
      filters: [
        { name: "CSV files", extensions: ["csv", "txt"] },
        { name: "All files", extensions: ["*"] },
      ],
    });
    return typeof picked === "string" ? picked : null;
  } catch (reason) {
    throw CommandError.from(reason, "plugin:dialog|open");
  }
}
