import type { CampaignState } from "../../bindings/CampaignState";
import type { Counts } from "../../bindings/Counts";
import type { MailKind } from "../../bindings/MailKind";
import type { DeliveryState } from "../../lib/ipc";

export const MAIL_KINDS: MailKind[] = ["announcement", "overnight", "deadline", "rollout_completed", "rollout_failed"];

export const MAIL_KIND_LABELS: Record<MailKind, string> = {
  announcement: "Rollout announcement",
  overnight: "Leave your computer on overnight",
  deadline: "Deadline reminder",
  rollout_completed: "Rollout completed (administrators)",
  rollout_failed: "Rollout failed (administrators)",
};

/** What each kind of message is for, shown under the picker. */
export const MAIL_KIND_HELP: Record<MailKind, string> = {
  announcement:
    "Tells each computer's owner what will install and when, in the words of their computer's update-client policy.",
  overnight:
    "Asks owners to leave their computer on the night before it installs, with a calendar reminder that afternoon at their site's local time.",
  deadline: "Reminds owners that the install deadline is near and what happens then.",
  rollout_completed: "Tells the administrators of the phase's computers that the rollout is complete.",
  rollout_failed: "Tells the administrators of the phase's computers that the rollout failed and is halted, and what to check.",
};

export const CAMPAIGN_STATE_LABELS: Record<CampaignState, string> = {
  draft: "Draft",
  scheduled: "Scheduled",
  sending: "Sending",
  paused: "Paused",
  completed: "Completed",
  cancelled: "Cancelled",
};

export const CAMPAIGN_STATE_COLORS: Record<CampaignState, string> = {
  draft: "gray",
  scheduled: "blue",
  sending: "indigo",
  paused: "yellow",
  completed: "teal",
  cancelled: "gray",
};

/** The sender works on these: their pages refresh every second. */
export function isActive(state: CampaignState): boolean {
  return state === "scheduled" || state === "sending";
}

export const DELIVERY_FILTERS: { value: DeliveryState | "all"; label: string }[] = [
  { value: "all", label: "All" },
  { value: "failed", label: "Failed" },
  { value: "queued", label: "Queued" },
  { value: "sent", label: "Sent" },
  { value: "cancelled", label: "Cancelled" },
];

export const DELIVERY_STATE_LABELS: Record<string, string> = {
  queued: "Queued",
  sending: "Sending",
  sent: "Sent",
  failed: "Failed",
  cancelled: "Cancelled",
};

export const DELIVERY_STATE_COLORS: Record<string, string> = {
  queued: "gray",
  sending: "indigo",
  sent: "teal",
  failed: "red",
  cancelled: "gray",
};


/** Messages the sender still has to deliver. */
export function pending(c: Counts): number {
  return c.queued + c.sending;
}

/** A template's variables, as the editor lists them (SPEC C8). */
export const TEMPLATE_VARIABLES: { name: string; help: string }[] = [
  { name: "recipient.name", help: "The owner's name" },
  { name: "recipient.email", help: "The owner's e-mail address" },
  {
    name: "computers",
    help: "The owner's computers in the phase; each has name, site, time_zone, policy, available and deadline",
  },
  { name: "policy.label", help: "The update-client policy of the owner's computers" },
  { name: "release.title", help: "The release's title" },
  { name: "phase.name", help: "The phase's name" },
  { name: "available", help: "When the updates become available (site time)" },
  { name: "deadline", help: "The install deadline (site time)" },
  { name: "overnight.date", help: "The night the computer should stay on" },
  { name: "reminder.title", help: "The calendar reminder's title" },
  { name: "reminder.start", help: "When the reminder starts (date and site time)" },
  { name: "reminder.time", help: "The reminder's time of day (HH:MM)" },
  { name: "flag.text", help: "The follow-up flag's text" },
  { name: "flag.due", help: "When the follow-up flag is due" },
  { name: "sender.name", help: "The sender's name (mail settings)" },
  { name: "sender.email", help: "The sender's address (mail settings)" },
];
