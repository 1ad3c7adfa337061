import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { DemoSummary } from "../../bindings/DemoSummary";
import { deferred, mockCommands, sendProgress } from "../../test/ipc";
import { computer, emptySummary, facets } from "../../test/fixtures";
import { renderWithProviders } from "../../test/render";
import { InventoryPage } from "./InventoryPage";

describe("first run", () => {
  it("offers the demo organisation on an empty database and loads it with progress", async () => {
    let summary = emptySummary;
    const demo = deferred<DemoSummary>();
    const log = mockCommands({
      app_summary: () => summary,
      demo_load: () => demo.promise,
      inventory_facets: () => facets,
      inventory_list: () => ({ total: 1, offset: 0, rows: [computer(1)] }),
    });
    const user = userEvent.setup();
    renderWithProviders(<InventoryPage />);

    const welcome = await screen.findByTestId("welcome");
    expect(within(welcome).getByText("Welcome to PatchDesk")).toBeInTheDocument();
    expect(screen.getByTestId("welcome-import")).toBeInTheDocument();
    const load = screen.getByTestId("load-demo");
    expect(load).toHaveTextContent("Load demo organisation");

    await user.click(load);
    await waitFor(() => expect(log.argsOf("demo_load")).toHaveLength(1));
    const args = log.argsOf("demo_load")[0];
    expect(args.computers).toBeNull();

    // Progress streams through the channel the UI passed.
    sendProgress(args.onProgress, 0, { event: "stage", name: "Creating computers", total: 4000 });
    sendProgress(args.onProgress, 1, { event: "advance", done: 1000, total: 4000 });
    expect(await screen.findByText("Creating computers")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("demo-progress")).toHaveAttribute("data-percent", "25"));
    expect(screen.queryByTestId("load-demo")).not.toBeInTheDocument();

    // Done: the summary is read again and the inventory replaces the welcome panel.
    summary = { computers: 1, sites: 1, updates: 10 };
    demo.resolve({ computers: 1, sites: 1, updates: 10, elapsedMs: 900 });
    await waitFor(() => expect(screen.queryByTestId("welcome")).not.toBeInTheDocument());
    await waitFor(() => expect(screen.getByTestId("inventory-total")).toHaveAttribute("data-total", "1"));
    expect(log.argsOf("app_summary").length).toBeGreaterThanOrEqual(2);
  });

  it("opens the import dialog from the welcome panel", async () => {
    mockCommands({ app_summary: () => emptySummary });
    const user = userEvent.setup();
    renderWithProviders(<InventoryPage />);
    await user.click(await screen.findByTestId("welcome-import"));
    expect(await screen.findByText("Import computers from CSV")).toBeInTheDocument();
    expect(screen.getByTestId("import-path").tagName).toBe("INPUT");
  });
});
