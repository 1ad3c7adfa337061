import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ComputerQuery } from "../../bindings/ComputerQuery";
import { computer, facets } from "../../test/fixtures";
import { deferred, mockCommands } from "../../test/ipc";
import { renderWithProviders } from "../../test/render";
import { computerColumns, INVENTORY_COLUMNS_KEY } from "./columns";
import { InventoryPage } from "./InventoryPage";

const summary = { computers: 3, sites: 2, updates: 5 };

/** Gives the virtual table's scroll area a size (jsdom lays nothing out). */
function sizeScrollAreas() {
  vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(720);
  vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(1200);
}

describe("inventory", () => {
  beforeEach(sizeScrollAreas);
  afterEach(() => vi.restoreAllMocks());

  it("shows the total of the first page and renders its rows", async () => {
    const page = deferred<unknown>();
    mockCommands({
      app_summary: () => summary,
      inventory_facets: () => facets,
      inventory_list: () => page.promise,
    });
    renderWithProviders(<InventoryPage />);

    const total = await screen.findByTestId("inventory-total");
    expect(total).not.toHaveAttribute("data-total"); // still loading
    page.resolve({
      total: 3,
      offset: 0,
      rows: [
        computer(1, { name: "SEO-WS-0001" }),
        computer(2, { name: "SEO-WS-0002", agentState: "stopped", freeDiskGb: 4.2 }),
        computer(3, { name: "BER-SRV-01", role: "server" }),
      ],
    });
    await waitFor(() => expect(screen.getByTestId("inventory-total")).toHaveAttribute("data-total", "3"));
    const rows = await screen.findAllByTestId("computer-row");
    expect(rows.map((r) => r.getAttribute("data-name"))).toEqual(["SEO-WS-0001", "SEO-WS-0002", "BER-SRV-01"]);
    expect(within(rows[1]).getByText("Stopped")).toBeInTheDocument();
    expect(within(rows[1]).getByText("4.2")).toBeInTheDocument();
  });

  it("filters by site on the server and sorts by a clicked header", async () => {
    const log = mockCommands({
      app_summary: () => summary,
      inventory_facets: () => facets,
      inventory_list: (args) => {
        const q = args.query as ComputerQuery;
        return q.siteId === 2
          ? { total: 1, offset: 0, rows: [computer(3, { name: "BER-WS-01", siteId: 2, site: "Berlin" })] }
          : { total: 3, offset: 0, rows: [computer(1), computer(2), computer(3)] };
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<InventoryPage />);
    await waitFor(() => expect(screen.getByTestId("inventory-total")).toHaveAttribute("data-total", "3"));

    for (const id of ["filter-site", "filter-role", "filter-os", "filter-policy", "filter-agent", "filter-last-seen"]) {
      expect(screen.getByTestId(id).tagName).toBe("SELECT");
    }
    expect(screen.getByTestId("filter-search").tagName).toBe("INPUT");
    const site = screen.getByTestId("filter-site");
    await waitFor(() => expect(within(site).getByRole("option", { name: "Berlin (1)" })).toBeInTheDocument());
    await user.selectOptions(site, "2");
    await waitFor(() => expect(screen.getByTestId("inventory-total")).toHaveAttribute("data-total", "1"));
    expect(log.argsOf("inventory_list").at(-1)?.query).toMatchObject({ siteId: 2, sort: "name", descending: false, offset: 0, limit: 200 });

    await user.selectOptions(screen.getByTestId("filter-last-seen"), "older30");
    await waitFor(() =>
      expect(log.argsOf("inventory_list").at(-1)?.query).toMatchObject({ siteId: 2, lastSeenWithinDays: null, lastSeenOlderThanDays: 30 }),
    );
    await user.selectOptions(screen.getByTestId("filter-policy"), "auto_download_scheduled");
    await waitFor(() => expect(log.argsOf("inventory_list").at(-1)?.query).toMatchObject({ clientPolicy: "auto_download_scheduled" }));
    expect(within(screen.getByTestId("filter-policy")).getByRole("option", { name: "Auto download, scheduled install (3)" })).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: /Last seen/ }));
    await waitFor(() => expect(log.argsOf("inventory_list").at(-1)?.query).toMatchObject({ sort: "lastSeen", descending: false }));
    await user.click(screen.getByRole("button", { name: /Last seen/ }));
    await waitFor(() => expect(log.argsOf("inventory_list").at(-1)?.query).toMatchObject({ sort: "lastSeen", descending: true }));
  });

  it("debounces the search box", async () => {
    const log = mockCommands({
      app_summary: () => summary,
      inventory_facets: () => facets,
      inventory_list: () => ({ total: 0, offset: 0, rows: [] }),
    });
    const user = userEvent.setup();
    renderWithProviders(<InventoryPage />);
    await waitFor(() => expect(screen.getByTestId("inventory-total")).toHaveAttribute("data-total", "0"));
    await user.type(screen.getByTestId("filter-search"), "finance");
    await waitFor(() => expect(log.argsOf("inventory_list").at(-1)?.query).toMatchObject({ search: "finance" }));
    const searches = log.argsOf("inventory_list").map((a) => (a.query as ComputerQuery).search);
    expect(searches).not.toContain("f");
    expect(screen.getByText("No computers match")).toBeInTheDocument();
  });

  it("fetches only the pages of the rows in view out of 200,000", async () => {
    const log = mockCommands({
      app_summary: () => ({ ...summary, computers: 200_000 }),
      inventory_facets: () => ({ ...facets, total: 200_000 }),
      inventory_list: (args) => {
        const q = args.query as ComputerQuery;
        const rows = Array.from({ length: q.limit }, (_, i) => computer(q.offset + i + 1));
        return { total: 200_000, offset: q.offset, rows };
      },
    });
    renderWithProviders(<InventoryPage />);
    await waitFor(() => expect(screen.getByTestId("inventory-total")).toHaveAttribute("data-total", "200000"));
    expect(log.argsOf("inventory_list").map((a) => (a.query as ComputerQuery).offset)).toEqual([0]);

    // Jump to row 100,000: the page holding it (offset 100,000) is fetched, nothing in between.
    const table = screen.getByRole("table", { name: "Computers" });
    await act(async () => {
      table.scrollTop = 100_000 * 36;
      fireEvent.scroll(table);
    });
    await waitFor(() =>
      expect(screen.getAllByTestId("computer-row").map((r) => r.getAttribute("data-name"))).toContain("PC-100001"),
    );
    const offsets = log.argsOf("inventory_list").map((a) => (a.query as ComputerQuery).offset);
    expect(offsets[0]).toBe(0);
    expect(new Set(offsets.slice(1))).toEqual(new Set([99_800, 100_000]));
  });

  it("opens a computer's details from its row", async () => {
    mockCommands({
      app_summary: () => summary,
      inventory_facets: () => facets,
      inventory_list: () => ({ total: 1, offset: 0, rows: [computer(1, { name: "SEO-WS-0001" })] }),
      inventory_get: () => ({
        computer: computer(1, { name: "SEO-WS-0001" }),
        prerequisites: [{ name: "MSXML", version: "3.0 SP11" }],
        lastSeenLocal: "2026-11-27 17:00 KST",
        lastRunLocal: "2026-11-27 08:00 KST",
      }),
    });
    const user = userEvent.setup();
    renderWithProviders(<InventoryPage />);
    await user.click(await screen.findByTestId("computer-row"));
    expect(await screen.findByTestId("computer-drawer-title")).toHaveTextContent("SEO-WS-0001");
    expect(await screen.findByText("3.0 SP11")).toBeInTheDocument();
    expect(screen.getByText("2026-11-27 17:00 KST")).toBeInTheDocument();
    expect(screen.getByTestId("computer-owner-email")).toHaveAttribute("href", "mailto:minjun.kim@example.com");
  });

  it("moves between rows with the keyboard and opens one with Enter", async () => {
    mockCommands({
      app_summary: () => summary,
      inventory_facets: () => facets,
      inventory_list: () => ({ total: 3, offset: 0, rows: [computer(1), computer(2), computer(3)] }),
      inventory_get: () => ({ computer: computer(2), prerequisites: [], lastSeenLocal: null, lastRunLocal: null }),
    });
    const user = userEvent.setup();
    renderWithProviders(<InventoryPage />);
    const rows = await screen.findAllByTestId("computer-row");
    expect(rows[0]).toHaveAttribute("tabindex", "0");
    expect(rows[1]).toHaveAttribute("tabindex", "-1");
    rows[0].focus();
    await user.keyboard("{ArrowDown}");
    await waitFor(() => expect(document.activeElement?.getAttribute("data-name")).toBe("PC-00002"));
    await user.keyboard("{Enter}");
    expect(await screen.findByTestId("computer-drawer-title")).toHaveTextContent("PC-00002");
    expect(await screen.findByText("No prerequisite versions recorded for this computer.")).toBeInTheDocument();
  });

  it("shows a failed list in red with its message and retries on demand", async () => {
    let fail = true;
    mockCommands({
      app_summary: () => summary,
      inventory_facets: () => facets,
      inventory_list: () => {
        if (fail) throw { kind: "io", message: "database is locked" };
        return { total: 1, offset: 0, rows: [computer(1)] };
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<InventoryPage />);
    expect(await screen.findByText("database is locked")).toBeInTheDocument();
    expect(screen.getByTestId("inventory-total")).not.toHaveAttribute("data-total");
    fail = false;
    await user.click(screen.getByRole("button", { name: "Try again" }));
    await waitFor(() => expect(screen.getByTestId("inventory-total")).toHaveAttribute("data-total", "1"));
    expect(screen.queryByText("database is locked")).not.toBeInTheDocument();
  });
});

describe("inventory columns", () => {
  beforeEach(sizeScrollAreas);
  afterEach(() => vi.restoreAllMocks());

  const mockList = () =>
    mockCommands({
      app_summary: () => summary,
      inventory_facets: () => facets,
      inventory_list: () => ({ total: 1, offset: 0, rows: [computer(1, { name: "SEO-WS-0001" })] }),
    });
  const headers = () => screen.getAllByRole("columnheader").map((h) => h.textContent);

  it("leaves Department and Role out by default and fits the default window", async () => {
    mockList();
    renderWithProviders(<InventoryPage />);
    await screen.findByTestId("computer-row");
    expect(headers()).toEqual(["Name", "Site", "OS", "Version", "Owner", "Last seen", "Last run", "Free GB", "Agent", "Policy"]);
    // 1440 px window - 224 px navigation - 2 x 16 px padding - 2 px border - a 15 px scroll bar.
    const defaults = computerColumns(Date.now()).filter((c) => !c.hiddenByDefault);
    expect(defaults.reduce((sum, c) => sum + c.width, 0)).toBeLessThanOrEqual(1167);
  });

  it("hides a column from the Columns menu, remembers it and resets to the defaults", async () => {
    mockList();
    const user = userEvent.setup();
    const first = renderWithProviders(<InventoryPage />);
    await screen.findByTestId("computer-row");
    expect(headers()).toContain("Owner");

    await user.click(screen.getByTestId("columns-menu"));
    expect(await screen.findByRole("checkbox", { name: "Name" })).toBeDisabled();
    expect(screen.getByRole("checkbox", { name: "Department" })).not.toBeChecked();
    await user.click(screen.getByRole("checkbox", { name: "Owner" }));
    await waitFor(() => expect(headers()).not.toContain("Owner"));
    expect(within(screen.getByTestId("computer-row")).queryByText("Kim Min-jun")).not.toBeInTheDocument();
    expect(JSON.parse(window.localStorage.getItem(INVENTORY_COLUMNS_KEY) ?? "{}")).toMatchObject({ owner: false, site: true });

    // A new window (remount) shows the same columns.
    first.unmount();
    renderWithProviders(<InventoryPage />);
    await screen.findByTestId("computer-row");
    expect(headers()).not.toContain("Owner");
    expect(screen.getByTestId("columns-menu")).toHaveTextContent("3 hidden");

    await user.click(screen.getByTestId("columns-menu"));
    await user.click(await screen.findByRole("button", { name: /Reset/ }));
    await waitFor(() => expect(headers()).toContain("Owner"));
    expect(headers()).not.toContain("Department");
    expect(window.localStorage.getItem(INVENTORY_COLUMNS_KEY)).toBeNull();
  });

  it("goes back to sorting by name when the sorted column is hidden", async () => {
    const log = mockCommands({
      app_summary: () => summary,
      inventory_facets: () => facets,
      inventory_list: (args) => {
        const q = args.query as ComputerQuery;
        const rows = [computer(1, { name: "A-01" }), computer(2, { name: "B-02" })];
        return { total: 2, offset: 0, rows: q.sort === "name" ? rows : rows.reverse() };
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<InventoryPage />);
    const names = () => screen.getAllByTestId("computer-row").map((r) => r.getAttribute("data-name"));
    await waitFor(() => expect(names()).toEqual(["A-01", "B-02"]));
    await user.click(screen.getByRole("button", { name: "Owner" }));
    await user.click(screen.getByRole("button", { name: "Owner" }));
    await waitFor(() => expect(log.argsOf("inventory_list").at(-1)?.query).toMatchObject({ sort: "owner", descending: true }));
    await waitFor(() => expect(names()).toEqual(["B-02", "A-01"]));

    await user.click(screen.getByTestId("columns-menu"));
    const before = log.argsOf("inventory_list").length;
    await user.click(await screen.findByRole("checkbox", { name: "Owner" }));
    await waitFor(() => expect(headers()).not.toContain("Owner"));
    await waitFor(() => expect(names()).toEqual(["A-01", "B-02"]));
    expect(screen.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "ascending");
    // The list is never asked for in the hidden column's order again.
    expect(log.argsOf("inventory_list").slice(before).map((a) => (a.query as ComputerQuery).sort)).not.toContain("owner");
  });

  it("shows a column hidden by default once it is ticked", async () => {
    mockList();
    const user = userEvent.setup();
    renderWithProviders(<InventoryPage />);
    await screen.findByTestId("computer-row");
    await user.click(screen.getByTestId("columns-menu"));
    await user.click(await screen.findByRole("checkbox", { name: "Department" }));
    await waitFor(() => expect(headers()).toContain("Department"));
    expect(within(screen.getByTestId("computer-row")).getByText("Finance")).toBeInTheDocument();
  });

  it("shows the short policy label with the full label as its tooltip", async () => {
    mockList();
    renderWithProviders(<InventoryPage />);
    const row = await screen.findByTestId("computer-row");
    const cell = within(row).getByText("Auto DL, scheduled");
    expect(cell).toHaveAttribute("title", "Auto download, scheduled install");
  });
});
