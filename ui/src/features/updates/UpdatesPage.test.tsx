import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Update } from "../../bindings/Update";
import type { UpdateQuery } from "../../bindings/UpdateQuery";
import { mockCommands } from "../../test/ipc";
import { renderWithProviders } from "../../test/render";
import { UPDATE_COLUMNS, UPDATES_COLUMNS_KEY } from "./columns";
import { UpdatesPage } from "./UpdatesPage";

function update(id: number, over: Partial<Update> = {}): Update {
  return {
    id,
    kb: `KB50${String(id).padStart(5, "0")}`,
    bulletinId: "",
    title: "Cumulative Update for Windows 11 Version 24H2 for x64-based Systems",
    classification: "Security Updates",
    severity: "Critical",
    product: "Windows 11",
    releaseDate: "2026-11-10",
    supersededBy: "",
    rebootRequired: true,
    uninstallable: true,
    maxRunMinutes: 90,
    ...over,
  };
}

describe("updates", () => {
  beforeEach(() => {
    vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(720);
    vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(1200);
  });

  it("shows an empty state with an import button when the catalogue is empty", async () => {
    mockCommands({ app_summary: () => ({ computers: 10, sites: 1, updates: 0 }) });
    renderWithProviders(<UpdatesPage />);
    expect(await screen.findByTestId("updates-empty")).toHaveTextContent("The update catalogue is empty");
    expect(screen.getByTestId("open-import-updates")).toBeInTheDocument();
  });

  it("lists the catalogue newest first and filters by severity and superseded", async () => {
    const log = mockCommands({
      app_summary: () => ({ computers: 10, sites: 1, updates: 2 }),
      catalog_list: (args) => {
        const q = args.query as UpdateQuery;
        const rows = [update(1), update(2, { severity: "Important", supersededBy: "KB5000001" })].filter(
          (u) => (!q.severity || u.severity === q.severity) && (!q.hideSuperseded || !u.supersededBy),
        );
        return { total: rows.length, offset: 0, rows };
      },
    });
    const user = userEvent.setup();
    renderWithProviders(<UpdatesPage />);
    await waitFor(() => expect(screen.getByTestId("updates-total")).toHaveAttribute("data-total", "2"));
    expect(log.argsOf("catalog_list")[0].query).toMatchObject({ sort: "releaseDate", descending: true, hideSuperseded: false });
    const rows = screen.getAllByTestId("update-row");
    expect(rows.map((r) => r.getAttribute("data-kb"))).toEqual(["KB5000001", "KB5000002"]);
    expect(within(rows[1]).getByText("Important")).toBeInTheDocument();

    await user.selectOptions(screen.getByTestId("filter-severity"), "Critical");
    await waitFor(() => expect(screen.getByTestId("updates-total")).toHaveAttribute("data-total", "1"));
    await user.selectOptions(screen.getByTestId("filter-severity"), "");
    await user.click(screen.getByLabelText("Hide superseded"));
    await waitFor(() => expect(log.argsOf("catalog_list").at(-1)?.query).toMatchObject({ hideSuperseded: true, severity: null }));
    await waitFor(() => expect(screen.getByTestId("updates-total")).toHaveAttribute("data-total", "1"));
  });

  it("fits the most useful columns in the default window and shows the others on demand", async () => {
    mockCommands({
      app_summary: () => ({ computers: 10, sites: 1, updates: 1 }),
      catalog_list: () => ({ total: 1, offset: 0, rows: [update(1, { supersededBy: "KB5000009" })] }),
    });
    const user = userEvent.setup();
    const first = renderWithProviders(<UpdatesPage />);
    await screen.findByTestId("update-row");
    const headers = () => screen.getAllByRole("columnheader").map((h) => h.textContent);
    expect(headers()).toEqual(["KB", "Title", "Classification", "Severity", "Product", "Released", "Reboot", "Uninstallable"]);
    // 1440 px window - 224 px navigation - 2 x 16 px padding - 2 px border - a 15 px scroll bar.
    const defaults = UPDATE_COLUMNS.filter((c) => !c.hiddenByDefault);
    expect(defaults.reduce((sum, c) => sum + c.width, 0)).toBeLessThanOrEqual(1167);

    await user.click(screen.getByTestId("updates-columns-menu"));
    expect(await screen.findByRole("checkbox", { name: "KB" })).toBeDisabled();
    await user.click(screen.getByRole("checkbox", { name: "Superseded by" }));
    await waitFor(() => expect(headers()).toContain("Superseded by"));
    expect(within(screen.getByTestId("update-row")).getByText("KB5000009")).toBeInTheDocument();
    expect(JSON.parse(window.localStorage.getItem(UPDATES_COLUMNS_KEY) ?? "{}")).toMatchObject({ supersededBy: true });

    first.unmount();
    renderWithProviders(<UpdatesPage />);
    await screen.findByTestId("update-row");
    expect(headers()).toContain("Superseded by");
  });
});
