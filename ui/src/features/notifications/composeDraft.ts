// The compose form keeps what is typed as strings; this turns it into a NewCampaign.
import type { FlagSpec } from "../../bindings/FlagSpec";
import type { MailKind } from "../../bindings/MailKind";
import type { NewCampaign } from "../../bindings/NewCampaign";
import type { Phase } from "../../bindings/Phase";
import type { ReminderSpec } from "../../bindings/ReminderSpec";
import type { State } from "../../bindings/State";
import { fromLocalInput, toLocalInput } from "../releases/time";

/**
 * The release states a kind of campaign is for (the core's rule): end users hear of a
 * change once it is approved and until it ends; administrators hear how it ended.
 */
export function notifiableStates(kind: MailKind): readonly State[] {
  switch (kind) {
    case "rollout_completed":
      return ["inProgress", "completed", "reviewDue", "closed"];
    case "rollout_failed":
      return ["inProgress", "halted", "rolledBack", "reviewDue"];
    default:
      return ["approved", "scheduled", "inProgress", "halted"];
  }
}

export interface CampaignDraft {
  releaseId: string;
  /** 1-based position of the phase, as text ("" = none chosen). */
  phase: string;
  kind: MailKind;
  name: string;
  sendLater: boolean;
  /** <input type="datetime-local"> value, this computer's time. */
  sendAt: string;
  flagOn: boolean;
  flagText: string;
  /** datetime-local; "" = the phase's install deadline. */
  flagDue: string;
  reminderOn: boolean;
  reminderTitle: string;
  /** YYYY-MM-DD; "" = the phase's overnight date (else the day it becomes available). */
  reminderDate: string;
  /** HH:MM at each recipient's site. */
  reminderTime: string;
  reminderMinutes: string;
}

export function emptyCampaignDraft(): CampaignDraft {
  return {
    releaseId: "",
    phase: "",
    kind: "announcement",
    name: "",
    sendLater: false,
    sendAt: "",
    flagOn: false,
    flagText: "",
    flagDue: "",
    reminderOn: false,
    reminderTitle: "",
    reminderDate: "",
    reminderTime: "16:30",
    reminderMinutes: "15",
  };
}

/** Fills the flag and reminder with what the core proposes for the draft's kind. */
export function withDefaults(d: CampaignDraft, [flag, reminder]: [FlagSpec | null, ReminderSpec | null]): CampaignDraft {
  return {
    ...d,
    flagOn: flag !== null,
    flagText: flag?.text ?? "",
    flagDue: flag?.dueAt ? toLocalInput(flag.dueAt) : "",
    reminderOn: reminder !== null,
    reminderTitle: reminder?.title ?? "",
    reminderDate: reminder?.date ?? "",
    reminderTime: reminder?.time ?? "16:30",
    reminderMinutes: String(reminder?.minutes ?? 15),
  };
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The first thing to fix before the draft can be sent to the core, or null. */
export function campaignProblem(d: CampaignDraft, phase: Phase | null): string | null {
  if (!d.releaseId) return "Choose a release.";
  if (!d.phase) return "Choose a phase.";
  if (d.sendLater && !fromLocalInput(d.sendAt)) return "Enter the date and time to send, or choose to send now.";
  if (d.flagOn) {
    if (!d.flagText.trim()) return "Enter the follow-up flag's text, or turn the flag off.";
    if (d.flagDue && !fromLocalInput(d.flagDue)) return "The flag's due time is not a complete date and time.";
  }
  if (d.reminderOn) {
    if (!d.reminderTitle.trim()) return "Enter the calendar reminder's title, or turn the reminder off.";
    if (d.reminderDate && !DATE.test(d.reminderDate)) return "The reminder's date is not a date.";
    if (!TIME.test(d.reminderTime.trim())) return "The reminder's time is a time of day as HH:MM, such as 16:30.";
    const minutes = Number(d.reminderMinutes);
    if (!Number.isInteger(minutes) || minutes < 5 || minutes > 1440) return "The reminder lasts 5 to 1,440 minutes.";
  }
  if (d.kind === "overnight" && phase && !phase.overnightDate && !(d.reminderOn && d.reminderDate)) {
    return `Phase ${phase.position + 1} has no overnight date: give the reminder a date, or set one in the release's plan.`;
  }
  return null;
}

/** The command's input; call only when `campaignProblem` is null. */
export function toNewCampaign(d: CampaignDraft): NewCampaign {
  return {
    releaseId: Number(d.releaseId),
    phase: Number(d.phase),
    kind: d.kind,
    name: d.name.trim() || null,
    sendAt: d.sendLater ? fromLocalInput(d.sendAt) : null,
    flag: d.flagOn ? { text: d.flagText.trim(), dueAt: d.flagDue ? fromLocalInput(d.flagDue) : null } : null,
    reminder: d.reminderOn
      ? {
          title: d.reminderTitle.trim(),
          date: d.reminderDate || null,
          time: d.reminderTime.trim(),
          minutes: Number(d.reminderMinutes),
        }
      : null,
  };
}
