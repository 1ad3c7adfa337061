// The only module that talks to the Tauri core. Components import these typed
// functions; each rejects with a CommandError (a WireError).
import { Channel, invoke, type InvokeArgs } from "@tauri-apps/api/core";
import { open, save } from "@tauri-apps/plugin-dialog";
import type { Action } from "../../bindings/Action";
import type { AppInfo } from "../../bindings/AppInfo";
import type { AuditEntry } from "../../bindings/AuditEntry";
import type { Decision } from "../../bindings/Decision";
import type { Person } from "../../bindings/Person";
import type { PersonInput } from "../../bindings/PersonInput";
import type { Policy } from "../../bindings/Policy";
import type { ReleaseStatus } from "../../bindings/ReleaseStatus";
import type { Verification } from "../../bindings/Verification";
import type { Blackout } from "../../bindings/Blackout";
import type { BlackoutInput } from "../../bindings/BlackoutInput";
import type { CalendarEvent } from "../../bindings/CalendarEvent";
import type { Conflict } from "../../bindings/Conflict";
import type { MaintenanceWindow } from "../../bindings/MaintenanceWindow";
import type { PlanTemplate } from "../../bindings/PlanTemplate";
import type { ReleaseDetail } from "../../bindings/ReleaseDetail";
import type { ReleaseInput } from "../../bindings/ReleaseInput";
import type { ReleaseSummary } from "../../bindings/ReleaseSummary";
import type { WindowFit } from "../../bindings/WindowFit";
import type { WindowInput } from "../../bindings/WindowInput";
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
import type { CampaignDetail } from "../../bindings/CampaignDetail";
import type { CampaignSummary } from "../../bindings/CampaignSummary";
import type { Delivery } from "../../bindings/Delivery";
import type { FlagSpec } from "../../bindings/FlagSpec";
import type { MailKind } from "../../bindings/MailKind";
import type { MailSettings } from "../../bindings/MailSettings";
import type { MailSettingsView } from "../../bindings/MailSettingsView";
import type { MailTemplate } from "../../bindings/MailTemplate";
import type { NewCampaign } from "../../bindings/NewCampaign";
import type { OutboxStatus } from "../../bindings/OutboxStatus";
import type { Preview } from "../../bindings/Preview";
import type { ReminderSpec } from "../../bindings/ReminderSpec";
import type { Rendered } from "../../bindings/Rendered";
import type { TemplateSource } from "../../bindings/TemplateSource";
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

/** Releases, newest plan first. */
export const releaseList = () => call<ReleaseSummary[]>("release_list");

/** A release with its updates, phases and the conflicts of its plan. */
export const releaseGet = (id: number) => call<ReleaseDetail>("release_get", { id });

/** Rejects with kind "invalid" naming the field (and phase) that is wrong; nothing is saved then. */
export const releaseCreate = (input: ReleaseInput) => call<ReleaseDetail>("release_create", { input });

export const releaseUpdate = (id: number, input: ReleaseInput) => call<ReleaseDetail>("release_update", { id, input });

/** The conflicts a draft would have (for the editor); nothing is saved. */
export const releaseCheck = (id: number | null, input: ReleaseInput) => call<Conflict[]>("release_check", { id, input });

export const releaseDelete = (id: number) => call<null>("release_delete", { id });

/** When each site's computers install in each phase (the first fitting maintenance window). */
export const releaseWindowFit = (id: number) => call<WindowFit[]>("release_window_fit", { id });

/** Moves a phase's available time and deadline together; resolves to every release's conflicts. */
export const releaseMovePhase = (phaseId: number, bySeconds: number) =>
  call<Conflict[]>("release_move_phase", { phaseId, bySeconds });

/** The conflicts of every release's plan. */
export const releaseConflicts = () => call<Conflict[]>("release_conflicts");

export const templateList = () => call<PlanTemplate[]>("template_list");

/** Creates a release from a template for a month ("2026-12"): Patch Tuesday + each phase's days. */
export const templateCreateRelease = (template: string, month: string, requester: string) =>
  call<ReleaseDetail>("template_create_release", { template, month, requester });

/** Saves a release's plan as a template, relative to Patch Tuesday; resolves to its id. */
export const templateSave = (releaseId: number, name: string, timeZone: string) =>
  call<number>("template_save", { releaseId, name, timeZone });

export const templateDelete = (id: number) => call<null>("template_delete", { id });

/** Maintenance windows, all or those of one collection. */
export const windowList = (collectionId: number | null) => call<MaintenanceWindow[]>("window_list", { collectionId });

export const windowCreate = (input: WindowInput) => call<number>("window_create", { input });

export const windowDelete = (id: number) => call<null>("window_delete", { id });

export const blackoutList = () => call<Blackout[]>("blackout_list");

export const blackoutCreate = (input: BlackoutInput) => call<number>("blackout_create", { input });

export const blackoutDelete = (id: number) => call<null>("blackout_delete", { id });

/** Everything on the calendar between two instants (at most 190 days apart). */
export const scheduleEvents = (from: string, to: string) => call<CalendarEvent[]>("schedule_events", { from, to });

/** Writes every phase to an .ics file; resolves to the number of events. */
export const scheduleExportIcs = (path: string) => call<number>("schedule_export_ics", { path });

/** Shows the system's save dialog for an .ics file; resolves to its path, or null when dismissed. */
export async function pickIcsTarget(defaultPath: string): Promise<string | null> {
  try {
    const picked = await save({
      title: "Export the rollout schedule",
      defaultPath,
      filters: [{ name: "iCalendar", extensions: ["ics"] }],
    });
    return picked ?? null;
  } catch (reason) {
    throw CommandError.from(reason, "plugin:dialog|save");
  }
}

/** Who is using the app: every action is attributed to this person. */
export const operatorGet = () => call<Person>("operator_get");

/** Says who is using the app from now on. */
export const operatorSet = (personId: number) => call<Person>("operator_set", { personId });

export const peopleList = () => call<Person[]>("people_list");

export const personCreate = (input: PersonInput) => call<Person>("person_create", { input });

export const policyGet = () => call<Policy>("policy_get");

export const policySet = (policy: Policy) => call<Policy>("policy_set", { policy });

/** A release's state, approvals and the steps possible now. */
export const releaseStatus = (id: number) => call<ReleaseStatus>("release_status", { id });

/** A lifecycle step by the operator; rejects with kind "conflict" naming the allowed next states. */
export const releaseTransition = (id: number, action: Action, comment: string) =>
  call<ReleaseStatus>("release_transition", { id, action, comment });

/** Approve, reject or request changes as the operator; the requester is always refused. */
export const releaseDecide = (id: number, decision: Decision, comment: string) =>
  call<ReleaseStatus>("release_decide", { id, decision, comment });

/** Approves one phase as the operator (per-phase approval). */
export const phaseApprove = (phaseId: number, comment: string) => call<ReleaseStatus>("phase_approve", { phaseId, comment });

export const releaseRevoke = (id: number, reason: string) => call<ReleaseStatus>("release_revoke", { id, reason });

/** The audit rows of a release, oldest first. */
export const releaseTimeline = (id: number) => call<AuditEntry[]>("release_timeline", { id });

/** Submitted releases waiting for the operator's decision. */
export const approvalsInbox = () => call<ReleaseSummary[]>("approvals_inbox");

export const auditList = (search: string, limit: number) => call<AuditEntry[]>("audit_list", { search, limit });

/** Checks the whole chain; `head` ("ID:HASH") also checks nothing was cut off after it. */
export const auditVerify = (head: string | null) => call<Verification>("audit_verify", { head });

export const auditExport = (path: string) => call<number>("audit_export", { path });

/** Shows the system's save dialog for a CSV file; resolves to its path, or null when dismissed. */
export async function pickCsvTarget(defaultPath: string): Promise<string | null> {
  try {
    const picked = await save({ title: "Export the audit trail", defaultPath, filters: [{ name: "CSV", extensions: ["csv"] }] });
    return picked ?? null;
  } catch (reason) {
    throw CommandError.from(reason, "plugin:dialog|save");
  }
}

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

// ---------- Notifications (SPEC C8, C9) ----------

/** A delivery's state in the outbox, for the delivery log's filter. */
export type DeliveryState = "queued" | "sending" | "sent" | "failed" | "cancelled";

/** A campaign's recipient for the preview picker: e-mail, name and site. */
export type Recipient = [email: string, name: string, site: string];

export const mailTemplateList = () => call<MailTemplate[]>("mail_template_list");

/** Rejects with kind "invalid" (unknown variable, syntax error with its line); nothing is saved then. */
export const mailTemplateSave = (id: number, source: TemplateSource) => call<MailTemplate>("mail_template_save", { id, source });

/** Puts a built-in template's shipped text back. */
export const mailTemplateReset = (id: number) => call<MailTemplate>("mail_template_reset", { id });

/** Renders a template as it is being edited with sample data; rejects with kind "invalid" naming the problem. */
export const mailTemplatePreview = (source: TemplateSource, kind: MailKind | null) =>
  call<Rendered>("mail_template_preview", { source, kind });

/** Campaigns, newest first; `release` narrows the list to one release. */
export const campaignList = (release: number | null) => call<CampaignSummary[]>("campaign_list", { release });

export const campaignGet = (id: number) => call<CampaignDetail>("campaign_get", { id });

/** The follow-up flag and calendar reminder proposed for a kind of campaign. */
export const campaignDefaults = (kind: MailKind) => call<[FlagSpec | null, ReminderSpec | null]>("campaign_defaults", { kind });

/**
 * Writes every recipient's message to the outbox; resolves to the new campaign's id. Rejects
 * with kind "conflict" unless the release is approved, scheduled or in progress.
 */
export const campaignCreate = (input: NewCampaign) => call<number>("campaign_create", { input });

/** The delivery log, failures first; `filter` null for every state. */
export const campaignDeliveries = (id: number, filter: DeliveryState | null, search: string, limit: number, offset: number) =>
  call<Delivery[]>("campaign_deliveries", { id, filter, search, limit, offset });

/** Recipients matching `search` (e-mail, name or site), for the preview picker. */
export const campaignRecipients = (id: number, search: string) => call<Recipient[]>("campaign_recipients", { id, search });

/** The message one recipient gets, exactly as sent (headers, HTML, text, calendar). */
export const campaignPreview = (id: number, email: string) => call<Preview>("campaign_preview", { id, email });

/** Sends now: a scheduled or paused campaign goes to the sender at once. */
export const campaignStart = (id: number) => call<null>("campaign_start", { id });

export const campaignPause = (id: number) => call<null>("campaign_pause", { id });

/** Calls the campaign off; resolves to the number of calendar cancellations queued. */
export const campaignCancel = (id: number) => call<number>("campaign_cancel", { id });

/** Queues the failed messages again; resolves to how many. */
export const campaignRetry = (id: number) => call<number>("campaign_retry", { id });

/** A new campaign with the phase's current times (reminders keep their UID); resolves to its id. */
export const campaignResend = (id: number) => call<number>("campaign_resend", { id });

/** Sends the campaign's first message to `to` only; resolves to a human message. */
export const campaignTest = (id: number, to: string) => call<string>("campaign_test", { id, to });

/** The outbox's counts (no rate or server state: those come with `outboxWatch`). */
export const outboxStatus = () => call<OutboxStatus>("outbox_status");

/** Streams the background sender's progress to `onStatus` (the core keeps the latest watcher only). */
export function outboxWatch(onStatus: (status: OutboxStatus) => void): Promise<null> {
  const channel = new Channel<OutboxStatus>();
  channel.onmessage = onStatus;
  return call<null>("outbox_watch", { channel });
}

export const mailSettingsGet = () => call<MailSettingsView>("mail_settings_get");

/** Saves the settings; `password` null keeps the stored one (it goes to the OS credential store only). */
export const mailSettingsSet = (settings: MailSettings, password: string | null) =>
  call<MailSettingsView>("mail_settings_set", { settings, password });

/** Connects with the saved settings (TLS and login included) without sending; resolves to what happened. */
export const mailCheck = () => call<string>("mail_check");

export const mailSendTest = (to: string) => call<string>("mail_send_test", { to });
