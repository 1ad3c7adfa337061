import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { CampaignState } from "../../bindings/CampaignState";
import type { OutboxStatus } from "../../bindings/OutboxStatus";
import { campaignDetail, counts, delivery, outboxHandlers, preview, releaseDetail } from "../../test/mail";
import { mockCommands, sendToChannel, type Handler } from "../../test/ipc";
import { renderWithProviders } from "../../test/render";
import { NotificationsPage } from "./NotificationsPage";

const recipients: Handler = (args) =>
  (args.search as string).toLowerCase().includes("park")
    ? [["park@example.com", "Park Seo-yeon", "Busan"]]
    : [
        ["kim@example.com", "Kim Min-jun", "Seoul HQ"],
        ["lee@example.com", "Lee Ji-woo", "Seoul HQ"],
      ];

function open(id: number, handlers: Record<string, Handler>) {
  window.location.hash = `#/notifications/${id}`;
  const log = mockCommands({
    ...outboxHandlers,
    release_get: () => releaseDetail(4),
    campaign_recipients: recipients,
    campaign_preview: (args) => preview(args.email as string),
    ...handlers,
  });
  const user = userEvent.setup();
  const view = renderWithProviders(<NotificationsPage />);
  return { log, user, ...view };
}

describe("campaign page", () => {
  it("previews a recipient's message in a frame that allows nothing, with headers, text and site", async () => {
    const { log, user } = open(1, { campaign_get: () => campaignDetail(1, {}, { state: "paused" }) });

    const frame = await screen.findByTestId("preview-frame");
    expect(frame.tagName).toBe("IFRAME");
    expect(frame).toHaveAttribute("sandbox", "");
    expect(frame.getAttribute("srcdoc")).toContain("<b>kim@example.com</b>");
    expect(log.argsOf("campaign_preview")[0]).toEqual({ id: 1, email: "kim@example.com" });
    expect(screen.getByTestId("preview-site")).toHaveTextContent("Site: Seoul HQ (Asia/Seoul)");
    const headers = screen.getByTestId("preview-headers");
    expect(within(headers).getByText("X-Message-Flag")).toBeInTheDocument();
    expect(within(headers).getByText("Kim Min-jun <kim@example.com>")).toBeInTheDocument();
    await user.click(screen.getByTestId("preview-tab-text"));
    expect(screen.getByTestId("preview-text")).toHaveTextContent("Your computer SEO-WS-0001 installs updates.");
    expect(screen.getByTestId("preview-tab-calendar")).toBeDisabled();

    // Another recipient, found by the core's search.
    const picker = screen.getByTestId("preview-recipient");
    expect(picker).toHaveValue("Kim Min-jun <kim@example.com>");
    await user.clear(picker);
    await user.type(picker, "park");
    await user.click(await screen.findByRole("option", { name: /Park Seo-yeon <park@example.com>/ }));
    await waitFor(() => expect(screen.getByTestId("preview")).toHaveAttribute("data-email", "park@example.com"));
    expect(log.argsOf("campaign_recipients").map((a) => a.search)).toContain("park");
    expect(screen.getByTestId("preview-frame")).toHaveAttribute("sandbox", "");
    expect(screen.getByTestId("preview-frame").getAttribute("srcdoc")).toContain("park@example.com");

    // Settings and skipped computers.
    expect(screen.getByTestId("campaign-flag-summary")).toHaveTextContent("“Install updates”, due");
    expect(screen.getByTestId("campaign-skipped")).toHaveAttribute("data-count", "1");
    await user.click(screen.getByTestId("campaign-skipped-toggle"));
    expect(within(screen.getByTestId("campaign-skipped-list")).getByText("SEO-WS-0099")).toBeInTheDocument();
  });

  it("sends now, then pauses and cancels with a confirmation about calendar cancellations", async () => {
    let state: CampaignState = "scheduled";
    const { log, user } = open(1, {
      campaign_get: () =>
        campaignDetail(
          1,
          { reminder: { title: "Leave it on", date: null, time: "16:30", minutes: 15 } },
          { state, notices: counts({ total: 40, sent: state === "scheduled" ? 0 : 12, queued: state === "scheduled" ? 40 : 28 }) },
        ),
      campaign_start: () => {
        state = "sending";
        return null;
      },
      campaign_pause: () => {
        state = "paused";
        return null;
      },
      campaign_cancel: () => {
        state = "cancelled";
        return 12;
      },
    });

    await user.click(await screen.findByTestId("campaign-send"));
    await waitFor(() => expect(log.argsOf("campaign_start")).toEqual([{ id: 1 }]));
    await waitFor(() => expect(screen.getByTestId("campaign-view")).toHaveAttribute("data-state", "sending"));
    expect(screen.queryByTestId("campaign-send")).not.toBeInTheDocument();
    expect(screen.getByTestId("count-sent")).toHaveAttribute("data-value", "12");
    expect(screen.getByTestId("campaign-progress")).toHaveAttribute("data-sent", "12");

    // The sender's stream: its pace, and a server that does not answer.
    const channel = log.argsOf("outbox_watch")[0]?.channel;
    const status: OutboxStatus = { queued: 28, sending: 0, sent: 12, failed: 0, cancelled: 0, possibleDuplicates: 0, nextAttemptAt: null, rate: 4.2, waitingForServer: null };
    sendToChannel(channel, 0, status);
    expect(await screen.findByText("Sending at 4.2 messages per second")).toBeInTheDocument();
    sendToChannel(channel, 1, { ...status, rate: 0, waitingForServer: "smtp.example.com:587: connection refused" });
    expect(await screen.findByTestId("outbox-waiting")).toHaveTextContent("smtp.example.com:587: connection refused");

    await user.click(screen.getByTestId("campaign-pause"));
    await waitFor(() => expect(screen.getByTestId("campaign-view")).toHaveAttribute("data-state", "paused"));
    expect(screen.getByTestId("campaign-send")).toBeInTheDocument();

    await user.click(screen.getByTestId("campaign-cancel"));
    expect(await screen.findByText(/sent a cancellation of that event/)).toBeInTheDocument();
    await user.click(screen.getByTestId("campaign-cancel-confirm"));
    await waitFor(() => expect(log.argsOf("campaign_cancel")).toEqual([{ id: 1 }]));
    expect(await screen.findByText(/12 calendar cancellations queued/)).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("campaign-view")).toHaveAttribute("data-state", "cancelled"));
    expect(screen.queryByTestId("campaign-cancel")).not.toBeInTheDocument();
  });

  it("retries failures, sends an update after the phase moved, and sends a test", async () => {
    const { log, user } = open(1, {
      campaign_get: (args) =>
        args.id === 1
          ? campaignDetail(1, { phaseMoved: true }, { state: "completed", notices: counts({ total: 40, sent: 38, failed: 2 }) })
          : campaignDetail(2, {}, { name: "Rollout announcement: Pilot (updated)" }),
      campaign_retry: () => 2,
      campaign_resend: () => 2,
      campaign_test: (args) => `Sent to ${args.to as string} through smtp.example.com:587`,
      operator_get: () => ({ id: 1, name: "Park Seo-yeon", email: "seoyeon.park@example.com", osUser: "park", roles: [] }),
    });

    await user.click(await screen.findByTestId("campaign-test"));
    expect(await screen.findByTestId("campaign-test-to")).toHaveValue("seoyeon.park@example.com");
    await user.click(screen.getByTestId("campaign-test-send"));
    expect(await screen.findByTestId("campaign-test-result")).toHaveTextContent("Sent to seoyeon.park@example.com through smtp.example.com:587");
    expect(log.argsOf("campaign_test")).toEqual([{ id: 1, to: "seoyeon.park@example.com" }]);
    await user.click(screen.getByRole("button", { name: "Close" }));

    expect(screen.getByTestId("campaign-phase-moved")).toBeInTheDocument();
    await user.click(screen.getByTestId("campaign-retry"));
    await waitFor(() => expect(log.argsOf("campaign_retry")).toEqual([{ id: 1 }]));

    await user.click(screen.getByTestId("campaign-resend"));
    await waitFor(() => expect(window.location.hash).toBe("#/notifications/2"));
    expect(log.argsOf("campaign_resend")).toEqual([{ id: 1 }]);
    await waitFor(() => expect(screen.getByTestId("campaign-name")).toHaveTextContent("(updated)"));
  });
});

describe("delivery log", () => {
  it("filters by state, searches, and pages by 100", async () => {
    const { log, user } = open(1, {
      campaign_get: () => campaignDetail(1, {}, { state: "completed", notices: counts({ total: 101, sent: 100, failed: 1 }) }),
      campaign_deliveries: (args) => {
        if (args.filter === "failed") {
          return [delivery(900, { state: "failed", sentAt: null, attempts: 6, lastError: "550 5.1.1 mailbox unavailable" })];
        }
        if (args.search) return [delivery(7)];
        return args.offset === 0
          ? Array.from({ length: 100 }, (_, i) => delivery(i + 1, i === 0 ? { possibleDuplicate: true, attempts: 2 } : {}))
          : [delivery(101)];
      },
    });

    await user.click(await screen.findByTestId("tab-delivery-log"));
    const logEl = await screen.findByTestId("delivery-log");
    await waitFor(() => expect(within(logEl).getAllByTestId("delivery-row")).toHaveLength(100));
    expect(within(logEl).getAllByTestId("delivery-duplicate")).toHaveLength(1);
    expect(log.argsOf("campaign_deliveries")[0]).toEqual({ id: 1, filter: null, search: "", limit: 100, offset: 0 });

    await user.click(screen.getByTestId("delivery-more"));
    await waitFor(() => expect(within(logEl).getAllByTestId("delivery-row")).toHaveLength(101));
    expect(log.argsOf("campaign_deliveries").at(-1)).toMatchObject({ offset: 100, limit: 100 });
    expect(screen.queryByTestId("delivery-more")).not.toBeInTheDocument();

    await user.click(screen.getByTestId("delivery-filter-failed"));
    await waitFor(() => expect(within(logEl).getAllByTestId("delivery-row")).toHaveLength(1));
    const failed = within(logEl).getByTestId("delivery-row");
    expect(failed).toHaveAttribute("data-state", "failed");
    expect(failed).toHaveTextContent("550 5.1.1 mailbox unavailable");
    expect(log.argsOf("campaign_deliveries").at(-1)).toMatchObject({ filter: "failed" });

    await user.click(screen.getByTestId("delivery-filter-all"));
    await user.type(screen.getByTestId("delivery-search"), "user7");
    await waitFor(() => expect(log.argsOf("campaign_deliveries").at(-1)).toMatchObject({ filter: null, search: "user7" }));
    await waitFor(() => expect(within(logEl).getAllByTestId("delivery-row")).toHaveLength(1));
  });
});
