// The only module that talks to the Tauri core. Components import these typed
// functions; each rejects with a CommandError (a WireError).
import { Channel, invoke, type InvokeArgs } from "@tauri-apps/api/core";
import { open } from "@tauri-apps/plugin-dialog";
import type { AppInfo } from "../../bindings/AppInfo";
import type { ComputerDetail } from "../../bindings/ComputerDetail";
import type { ComputerPage } from "../../bindings/ComputerPage";
import type { ComputerQuery } from "../../bindings/ComputerQuery";
import type { DemoSummary } from "../../bindings/DemoSummary";
import type { ImportOptions } from "../../bindings/ImportOptions";
import type { ImportReport } from "../../bindings/ImportReport";
import type { InventoryFacets } from "../../bindings/InventoryFacets";
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
