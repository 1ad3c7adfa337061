import type { Action } from "../../bindings/Action";
import type { State } from "../../bindings/State";

export const STATE_LABELS: Record<State, string> = {
  draft: "Draft",
  submitted: "Submitted",
  approved: "Approved",
  rejected: "Rejected",
  changesRequested: "Changes requested",
  scheduled: "Scheduled",
  inProgress: "In progress",
  halted: "Halted",
  completed: "Completed",
  rolledBack: "Rolled back",
  cancelled: "Cancelled",
  reviewDue: "Review due",
  closed: "Closed",
};

export const STATE_COLORS: Record<State, string> = {
  draft: "gray",
  submitted: "blue",
  approved: "teal",
  rejected: "red",
  changesRequested: "orange",
  scheduled: "teal",
  inProgress: "indigo",
  halted: "red",
  completed: "green",
  rolledBack: "orange",
  cancelled: "gray",
  reviewDue: "grape",
  closed: "dark",
};

/** Steps taken with a button; decisions and revocation have their own. */
export const STEP_LABELS: Partial<Record<Action, string>> = {
  submit: "Submit for approval",
  start: "Start rollout",
  halt: "Halt",
  resume: "Resume",
  complete: "Mark completed",
  rollBack: "Mark rolled back",
  cancel: "Cancel release",
  openReview: "Open review",
  close: "Close",
};

/** Steps that need a reason. */
export const NEEDS_REASON: Action[] = ["halt", "rollBack", "cancel"];

/** "release.submit" → "Submitted", "approval.approve" → "Approved"… for the timeline. */
export function auditLabel(action: string): string {
  const labels: Record<string, string> = {
    "release.create": "Created",
    "release.edit": "Edited",
    "release.delete": "Deleted",
    "release.move_phase": "Phase moved",
    "release.submit": "Submitted",
    "release.approve": "Approved (quorum reached)",
    "release.schedule": "Scheduled",
    "release.reject": "Rejected",
    "release.request_changes": "Changes requested",
    "release.start": "Rollout started",
    "release.halt": "Halted",
    "release.resume": "Resumed",
    "release.complete": "Completed",
    "release.roll_back": "Rolled back",
    "release.cancel": "Cancelled",
    "release.open_review": "Review opened",
    "release.close": "Closed",
    "release.reopen": "Back to approval",
    "approval.approve": "Approval",
    "approval.reject": "Rejection",
    "approval.request_changes": "Request for changes",
    "approval.revoke": "Approval revoked",
    "approval.reset": "Approvals reset",
    "approval.phase": "Phase approved",
    "operator.switch": "Switched who acts (advisory)",
    "import.computers": "Computers imported",
    "import.updates": "Updates imported",
    "demo.load": "Demo organisation loaded",
    "collection.create": "Collection created",
    "collection.edit": "Collection edited",
    "collection.delete": "Collection deleted",
    "template.create": "Plan template created",
    "template.delete": "Plan template deleted",
    "window.create": "Maintenance window added",
    "window.delete": "Maintenance window removed",
    "blackout.create": "Blackout added",
    "blackout.delete": "Blackout removed",
    "campaign.create": "Campaign created",
    "campaign.start": "Campaign sending",
    "campaign.pause": "Campaign paused",
    "campaign.retry_failed": "Failed messages retried",
    "campaign.cancel": "Campaign called off",
    "mail_template.update": "Mail template changed",
    "mail_settings.update": "Mail settings changed",
    "person.create": "Person added",
    "settings.approval_policy": "Approval policy changed",
  };
  return labels[action] ?? action;
}
