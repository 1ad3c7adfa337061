import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { campaignDetail, mailView, outboxHandlers, preview, releaseDetail, releaseSummary } from "../../test/mail";
import { mockCommands, type Handler } from "../../test/ipc";
import { renderWithProviders } from "../../test/render";
import { NotificationsPage } from "./NotificationsPage";

const releases = [
  releaseSummary(4, { title: "December 2026 security updates", state: "scheduled" }),
  releaseSummary(5, { title: "January 2027 updates", state: "draft" }),
];

const defaults: Handler = (args) =>
  args.kind === "overnight"
    ? [
        { text: "Leave your computer on tonight", dueAt: null },
        { title: "Leave your computer on tonight", date: null, time: "16:30", minutes: 15 },
      ]
    : [{ text: "Install updates", dueAt: null }, null];

function open(hash: string, handlers: Record<string, Handler>) {
  window.location.hash = hash;
  const log = mockCommands({
    ...outboxHandlers,
    release_list: () => releases,
    release_get: () => releaseDetail(4, { title: "December 2026 security updates", state: "scheduled" }),
    mail_settings_get: () => mailView(),
    campaign_defaults: defaults,
    // The campaign's page, once created.
    campaign_get: (args) => campaignDetail(args.id as number),
    campaign_recipients: () => [["kim@example.com", "Kim Min-jun", "Seoul HQ"]],
    campaign_preview: (args) => preview(args.email as string),
    ...handlers,
  });
  const user = userEvent.setup();
  const view = renderWithProviders(<NotificationsPage />);
  return { log, user, ...view };
}

describe("compose a campaign", () => {
  it("sends the NewCampaign the form shows and opens the new campaign", async () => {
    const { log, user } = open("#/notifications/new", { campaign_create: () => 7 });

    const release = await screen.findByTestId("campaign-release");
    await waitFor(() => expect(within(release).getByRole("option", { name: "December 2026 security updates" })).toBeEnabled());
    // A draft release cannot be written about yet.
    expect(within(release).getByRole("option", { name: "January 2027 updates (draft)" })).toBeDisabled();
    expect(screen.getByText(/Sent as IT Service Desk <servicedesk@example.com>/)).toBeInTheDocument();

    // Nothing is sent before the audience is chosen.
    await user.click(screen.getByTestId("campaign-create"));
    expect(await screen.findByTestId("campaign-problem")).toHaveTextContent("Choose a release.");
    expect(log.argsOf("campaign_create")).toEqual([]);

    await user.selectOptions(release, "4");
    const phase = screen.getByTestId("campaign-phase");
    await waitFor(() => expect(within(phase).getByRole("option", { name: "1. Pilot — 40 computers" })).toBeInTheDocument());
    expect(within(phase).getByRole("option", { name: "2. Broad — 1,800 computers" })).toBeInTheDocument();
    await user.selectOptions(phase, "1");
    expect(screen.getByTestId("campaign-phase-facts")).toHaveTextContent("leave computers on the night of 2026-12-10");

    // The announcement's defaults: a flag, no reminder.
    await waitFor(() => expect(screen.getByTestId("campaign-flag-text")).toHaveValue("Install updates"));
    expect(screen.getByTestId("campaign-reminder")).not.toBeChecked();

    // Another kind brings its own flag and reminder.
    await user.selectOptions(screen.getByTestId("campaign-kind"), "overnight");
    await waitFor(() => expect(screen.getByTestId("campaign-reminder-title")).toHaveValue("Leave your computer on tonight"));
    expect(log.argsOf("campaign_defaults")).toEqual([{ kind: "announcement" }, { kind: "overnight" }]);
    expect(screen.getByTestId("campaign-flag-text")).toHaveValue("Leave your computer on tonight");
    expect(screen.getByTestId("campaign-reminder-time")).toHaveValue("16:30");

    await user.type(screen.getByTestId("campaign-name"), "Pilot: leave it on");
    await user.clear(screen.getByTestId("campaign-reminder-time"));
    await user.type(screen.getByTestId("campaign-reminder-time"), "17:00");
    expect(screen.queryByTestId("campaign-problem")).not.toBeInTheDocument();

    await user.click(screen.getByTestId("campaign-create"));
    await waitFor(() => expect(log.argsOf("campaign_create")).toHaveLength(1));
    expect(log.argsOf("campaign_create")[0]).toEqual({
      input: {
        releaseId: 4,
        phase: 1,
        kind: "overnight",
        name: "Pilot: leave it on",
        sendAt: null,
        flag: { text: "Leave your computer on tonight", dueAt: null },
        reminder: { title: "Leave your computer on tonight", date: null, time: "17:00", minutes: 15 },
      },
    });
    await waitFor(() => expect(window.location.hash).toBe("#/notifications/7"));
    expect(await screen.findByTestId("campaign-view")).toHaveAttribute("data-id", "7");
  });

  it("shows the core's refusal and keeps the form", async () => {
    const { user } = open("#/notifications/new", {
      campaign_create: () => {
        throw { kind: "conflict", message: "\"December 2026 security updates\" is completed: end users hear of a change once it is approved and until it ends" };
      },
    });
    const release = await screen.findByTestId("campaign-release");
    await waitFor(() => expect(within(release).getByRole("option", { name: "December 2026 security updates" })).toBeInTheDocument());
    await user.selectOptions(release, "4");
    await waitFor(() => expect(within(screen.getByTestId("campaign-phase")).getAllByRole("option")).toHaveLength(3));
    await user.selectOptions(screen.getByTestId("campaign-phase"), "2");
    await user.click(screen.getByTestId("campaign-send-later"));
    await user.type(screen.getByTestId("campaign-send-at"), "2026-12-08T09:00");
    await user.click(screen.getByTestId("campaign-create"));
    const error = await screen.findByTestId("campaign-create-error");
    expect(error).toHaveAttribute("data-kind", "conflict");
    expect(error).toHaveTextContent("end users hear of a change once it is approved");
    expect(window.location.hash).toBe("#/notifications/new");
  });
});

describe("campaign list", () => {
  it("explains what a campaign is when there is none", async () => {
    open("#/notifications", { campaign_list: () => [] });
    expect(await screen.findByTestId("campaigns-empty")).toHaveTextContent(/one message to the owners of the computers in one phase/);
    expect(screen.getByTestId("campaign-new")).toHaveAttribute("href", "#/notifications/new");
    expect(screen.getByTestId("mail-settings-link")).toHaveAttribute("href", "#/settings/mail");
  });
});
