// Fixtures for the Notifications area: releases to write about, campaigns, deliveries,
// a preview, templates and the mail settings, shaped as the core returns them.
import type { CampaignDetail } from "../bindings/CampaignDetail";
import type { CampaignSummary } from "../bindings/CampaignSummary";
import type { Counts } from "../bindings/Counts";
import type { Delivery } from "../bindings/Delivery";
import type { MailSettingsView } from "../bindings/MailSettingsView";
import type { MailTemplate } from "../bindings/MailTemplate";
import type { Phase } from "../bindings/Phase";
import type { Preview } from "../bindings/Preview";
import type { ReleaseDetail } from "../bindings/ReleaseDetail";
import type { ReleaseSummary } from "../bindings/ReleaseSummary";
import type { Handler } from "./ipc";

export function releaseSummary(id: number, over: Partial<ReleaseSummary> = {}): ReleaseSummary {
  return {
    id,
    title: `Release ${id}`,
    state: "approved",
    kind: "normal",
    risk: "low",
    requester: "Lee Ji-woo",
    updateCount: 3,
    phaseCount: 2,
    startsAt: "2026-12-09T00:00:00Z",
    endsAt: "2026-12-23T09:00:00Z",
    template: null,
    updatedAt: "2026-12-01T08:00:00Z",
    ...over,
  };
}

export function phase(position: number, over: Partial<Phase> = {}): Phase {
  return {
    id: 100 + position,
    position,
    name: position === 0 ? "Pilot" : "Broad",
    collection: { id: 10 + position, name: position === 0 ? "Seoul pilot" : "All workstations" },
    memberCount: position === 0 ? 40 : 1800,
    availableAt: "2026-12-09T00:00:00Z",
    deadlineAt: "2026-12-16T09:00:00Z",
    rerunDays: 7,
    successPercent: 95,
    successCount: null,
    failurePercent: 5,
    advance: "manual",
    advanceAfterDays: 2,
    overnightDate: position === 0 ? "2026-12-10" : null,
    sequence: 1,
    ...over,
  };
}

export function releaseDetail(id: number, over: Partial<ReleaseDetail> = {}): ReleaseDetail {
  const s = releaseSummary(id);
  return {
    id,
    title: s.title,
    state: s.state,
    editable: false,
    description: "",
    kind: "normal",
    risk: "low",
    justification: "",
    requester: s.requester,
    rollbackPlan: "",
    communicationPlan: "",
    template: null,
    createdAt: "2026-11-30T08:00:00Z",
    updatedAt: "2026-12-01T08:00:00Z",
    updates: [],
    phases: [phase(0), phase(1)],
    conflicts: [],
    ...over,
  };
}

export function counts(over: Partial<Counts> = {}): Counts {
  return { total: 0, queued: 0, sending: 0, sent: 0, failed: 0, cancelled: 0, possibleDuplicates: 0, ...over };
}

export function campaignSummary(id: number, over: Partial<CampaignSummary> = {}): CampaignSummary {
  return {
    id,
    name: `Rollout announcement: Pilot`,
    kind: "announcement",
    state: "scheduled",
    releaseId: 4,
    releaseTitle: "December 2026 security updates",
    phase: 1,
    phaseName: "Pilot",
    sendAt: "2026-12-08T07:00:00Z",
    createdAt: "2026-12-01T08:00:00Z",
    createdBy: "Park Seo-yeon",
    completedAt: null,
    notices: counts({ total: 40, queued: 40 }),
    calloffs: counts(),
    ...over,
  };
}

export function campaignDetail(id: number, over: Partial<CampaignDetail> = {}, summary: Partial<CampaignSummary> = {}): CampaignDetail {
  return {
    summary: campaignSummary(id, summary),
    flag: { text: "Install updates", dueAt: null },
    flagDueAt: "2026-12-16T09:00:00Z",
    reminder: null,
    senderName: "IT Service Desk",
    senderEmail: "servicedesk@example.com",
    skipped: [{ computer: "SEO-WS-0099", reason: "no owner e-mail" }],
    skippedTotal: 1,
    phaseMoved: false,
    ...over,
  };
}

export function delivery(id: number, over: Partial<Delivery> = {}): Delivery {
  return {
    id,
    purpose: "notice",
    email: `user${id}@example.com`,
    name: `User ${id}`,
    state: "sent",
    attempts: 1,
    nextAttemptAt: "2026-12-08T07:00:00Z",
    sentAt: "2026-12-08T07:00:05Z",
    lastError: null,
    possibleDuplicate: false,
    messageId: `<c1.notice.${id}@example.com>`,
    computers: 1,
    ...over,
  };
}

export function preview(email: string, over: Partial<Preview> = {}): Preview {
  return {
    email,
    name: "Kim Min-jun",
    site: "Seoul HQ",
    timeZone: "Asia/Seoul",
    rendered: {
      subject: "Updates for your computer",
      text: `Hello ${email}\n\nYour computer SEO-WS-0001 installs updates.`,
      html: `<p>Hello <b>${email}</b></p><script>parent.alert(1)</script>`,
    },
    headers: [
      ["From", "IT Service Desk <servicedesk@example.com>"],
      ["To", `Kim Min-jun <${email}>`],
      ["Subject", "Updates for your computer"],
      ["X-Message-Flag", "Install updates"],
    ],
    calendar: null,
    source: "From: IT Service Desk <servicedesk@example.com>\r\n",
    ...over,
  };
}

export const templates: MailTemplate[] = [
  {
    id: 1,
    kind: "announcement",
    policy: "notify_download",
    name: "Announcement (notify)",
    subject: "Updates for {{ recipient.name }}",
    body: "Hello {{ recipient.name }},\n\nUpdates are available {{ available }}.",
    builtin: true,
    updatedAt: "2026-11-01T08:00:00Z",
  },
  {
    id: 2,
    kind: "announcement",
    policy: "auto_download_scheduled",
    name: "Announcement (scheduled)",
    subject: "Your computer installs updates",
    body: "Hello {{ recipient.name }}.",
    builtin: true,
    updatedAt: "2026-11-01T08:00:00Z",
  },
  {
    id: 3,
    kind: "overnight",
    policy: null,
    name: "Leave your computer on",
    subject: "Please leave your computer on tonight",
    body: "Hello {{ recipient.name }}, please leave it on {{ overnight.date }}.",
    builtin: true,
    updatedAt: "2026-11-01T08:00:00Z",
  },
];

export function mailView(over: Partial<MailSettingsView> = {}): MailSettingsView {
  return {
    settings: {
      senderName: "IT Service Desk",
      senderEmail: "servicedesk@example.com",
      smtp: null,
      outboxDir: null,
      ratePerSecond: null,
      maxAttempts: 6,
      retryBaseSecs: 60,
    },
    outboxDir: "/home/me/.local/share/patchdesk/outbox",
    passwordSaved: false,
    passwordProblem: null,
    ...over,
  };
}

/** The commands every Notifications page calls: the outbox's status and its stream. */
export const outboxHandlers: Record<string, Handler> = {
  outbox_status: () => ({
    queued: 0,
    sending: 0,
    sent: 0,
    failed: 0,
    cancelled: 0,
    possibleDuplicates: 0,
    nextAttemptAt: null,
    rate: 0,
    waitingForServer: null,
  }),
  outbox_watch: () => null,
};
