import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { mockCommands } from "../test/ipc";
import { mailView, outboxHandlers } from "../test/mail";
import { renderWithProviders } from "../test/render";
import { AREAS } from "./areas";
import { AppFrame } from "./AppFrame";

describe("app frame", () => {
  it("links every area of the SPEC and shows planned areas honestly, without data", async () => {
    const log = mockCommands({ app_summary: () => ({ computers: 0, sites: 0, updates: 0 }) });
    const user = userEvent.setup();
    renderWithProviders(<AppFrame />);

    expect(screen.getByTestId("app-title")).toHaveTextContent("PatchDesk");
    for (const id of [
      "inventory",
      "updates",
      "collections",
      "releases",
      "calendar",
      "approvals",
      "notifications",
      "monitoring",
      "reviews",
      "settings",
    ]) {
      expect(screen.getByTestId(`nav-${id}`)).toHaveAttribute("href", `#/${id}`);
    }
    expect(await screen.findByTestId("welcome")).toBeInTheDocument();

    await user.click(screen.getByTestId("nav-monitoring"));
    const planned = await screen.findByTestId("area-monitoring");
    expect(within(planned).getByRole("heading", { name: "Monitoring" })).toBeInTheDocument();
    expect(within(planned).getByText(/not available in this version/)).toBeInTheDocument();
    expect(screen.getByTestId("nav-monitoring")).toHaveAttribute("aria-current", "page");

    // Planned areas call no command of their own.
    const before = log.calls.length;
    for (const area of AREAS.filter((a) => a.planned)) {
      await user.click(screen.getByTestId(`nav-${area.id}`));
      expect(await screen.findByTestId(`area-${area.id}`)).toHaveTextContent(area.label);
    }
    expect(log.calls.slice(before).map((c) => c.cmd)).toEqual([]);
  });

  it("routes Notifications to its campaigns, not to a placeholder", async () => {
    mockCommands({ app_summary: () => ({ computers: 0, sites: 0, updates: 0 }), ...outboxHandlers, campaign_list: () => [], release_list: () => [] });
    const user = userEvent.setup();
    renderWithProviders(<AppFrame />);
    expect(within(screen.getByTestId("nav-notifications")).queryByText("planned")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("nav-notifications"));
    const area = await screen.findByTestId("area-notifications");
    expect(await within(area).findByTestId("campaigns-empty")).toBeInTheDocument();
    expect(within(area).queryByTestId("planned-area")).not.toBeInTheDocument();
    expect(screen.getByTestId("nav-notifications")).toHaveAttribute("aria-current", "page");
  });

  it("shows where the data lives in Settings", async () => {
    mockCommands({
      mail_settings_get: () => mailView(),
      app_summary: () => ({ computers: 12, sites: 2, updates: 3 }),
      app_info: () => ({ version: "0.1.0", dataDir: "/home/me/.local/share/patchdesk", databasePath: "/home/me/.local/share/patchdesk/patchdesk.db" }),
    });
    const user = userEvent.setup();
    renderWithProviders(<AppFrame />);
    await user.click(screen.getByTestId("nav-settings"));
    expect(await screen.findByTestId("settings-data-dir")).toHaveTextContent("/home/me/.local/share/patchdesk");
    expect(screen.getByTestId("settings-version")).toHaveTextContent("0.1.0");
    await waitFor(() => expect(screen.getByTestId("status-line")).toHaveTextContent("12 computers · 2 sites · 3 updates"));
  });

  it("toggles between light and dark", async () => {
    mockCommands({ app_summary: () => ({ computers: 0, sites: 0, updates: 0 }) });
    const user = userEvent.setup();
    renderWithProviders(<AppFrame />);
    const toggle = screen.getByTestId("theme-toggle");
    const before = document.documentElement.getAttribute("data-mantine-color-scheme");
    await user.click(toggle);
    await waitFor(() => expect(document.documentElement.getAttribute("data-mantine-color-scheme")).not.toBe(before));
  });
});
