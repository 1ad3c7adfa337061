import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ComputerQuery } from "../../bindings/ComputerQuery";
import type { Evaluation } from "../../bindings/Evaluation";
import { collection, collections, detailOf } from "../../test/collections";
import { computer, facets } from "../../test/fixtures";
import { mockCommands, type Handler } from "../../test/ipc";
import { renderWithProviders } from "../../test/render";
import { CollectionsPage } from "./CollectionsPage";

/** Gives the virtual tables' scroll areas a size (jsdom lays nothing out). */
function sizeScrollAreas() {
  vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(720);
  vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(1200);
}

const pilot = collections.find((c) => c.id === 10)!;

function evaluation(over: Partial<Evaluation> = {}): Evaluation {
  return { id: 10, name: "Seoul pilot", evaluatedAt: "2026-11-28T09:00:00Z", memberCount: 1240, entered: 8, left: 2, first: false, elapsedMs: 14, ...over };
}

function open(hash: string, handlers: Record<string, Handler>) {
  window.location.hash = hash;
  const log = mockCommands({
    collection_list: () => collections,
    inventory_facets: () => facets,
    ...handlers,
  });
  const user = userEvent.setup();
  const view = renderWithProviders(<CollectionsPage />);
  return { log, user, ...view };
}

describe("collections list", () => {
  beforeEach(sizeScrollAreas);
  afterEach(() => vi.restoreAllMocks());

  it("lists every collection with its rules, members, changes and last evaluation", async () => {
    const { user } = open("#/collections", {
      collection_get: () => detailOf(pilot),
      inventory_list: () => ({ total: 0, offset: 0, rows: [] }),
    });

    const rows = await screen.findAllByTestId("collection-row");
    expect(rows.map((r) => r.getAttribute("data-name"))).toEqual([
      "All computers",
      "All workstations",
      "Site: Seoul HQ",
      "Seoul pilot",
      "Finance laptops",
    ]);
    expect(rows.map((r) => r.getAttribute("data-members"))).toEqual(["2000", "1800", "700", "1234", "0"]);
    expect(within(rows[0]).getByText("Built-in")).toBeInTheDocument();
    expect(within(rows[3]).queryByText("Built-in")).not.toBeInTheDocument();

    const pilotRow = rows[3];
    expect(within(pilotRow).getByText("1,234")).toBeInTheDocument();
    expect(within(pilotRow).getByText("site = 'Seoul HQ' and role = workstation")).toHaveClass("mono");
    expect(within(pilotRow).getByText("2 direct members · include Finance laptops")).toBeInTheDocument();
    expect(within(pilotRow).getByText("+5")).toBeInTheDocument();
    expect(within(pilotRow).getByText("−2")).toBeInTheDocument();
    expect(within(rows[4]).getByText("Never")).toBeInTheDocument();
    expect(screen.getByTestId("collections-total")).toHaveTextContent("5 collections · 3 built-in · 2 yours");

    await user.click(within(pilotRow).getByText("1,234"));
    await waitFor(() => expect(window.location.hash).toBe("#/collections/10"));
    const detail = await screen.findByTestId("collection-detail");
    expect(detail).toHaveAttribute("data-name", "Seoul pilot");
    expect(detail).toHaveAttribute("data-members", "1234");

    await user.click(screen.getByTestId("collection-back"));
    expect(await screen.findAllByTestId("collection-row")).toHaveLength(5);
  });

  it("opens a row with the keyboard and filters by name or query", async () => {
    const { user } = open("#/collections", { collection_get: () => detailOf(pilot), inventory_list: () => ({ total: 0, offset: 0, rows: [] }) });
    await screen.findAllByTestId("collection-row");
    await user.type(screen.getByTestId("collection-search"), "workstation");
    await waitFor(() =>
      expect(screen.getAllByTestId("collection-row").map((r) => r.getAttribute("data-name"))).toEqual(["All workstations", "Seoul pilot"]),
    );
    screen.getAllByTestId("collection-row")[1].focus();
    await user.keyboard("{Enter}");
    await waitFor(() => expect(window.location.hash).toBe("#/collections/10"));
  });

  it("evaluates one collection from its row, and all of them", async () => {
    const { log, user } = open("#/collections", {
      collection_evaluate: () => [evaluation()],
      collection_evaluate_all: () => [evaluation({ id: 1, name: "All computers" }), evaluation()],
    });
    const rows = await screen.findAllByTestId("collection-row");
    await user.click(within(rows[3]).getByRole("button", { name: "Evaluate Seoul pilot" }));
    await waitFor(() => expect(log.argsOf("collection_evaluate")).toEqual([{ id: 10 }]));
    expect(window.location.hash).toBe("#/collections"); // the row's action does not open it
    // The list is asked for again after the evaluation.
    await waitFor(() => expect(log.argsOf("collection_list")).toHaveLength(2));

    await user.click(screen.getByTestId("collection-evaluate-all"));
    await waitFor(() => expect(log.argsOf("collection_evaluate_all")).toHaveLength(1));
    expect(await screen.findByText("2 collections in 28 ms.")).toBeInTheDocument();
  });
});

describe("collection detail", () => {
  beforeEach(sizeScrollAreas);
  afterEach(() => vi.restoreAllMocks());

  it("lists the members with the inventory's table, restricted to the collection", async () => {
    const { log, user } = open("#/collections/10", {
      collection_get: () => detailOf(pilot),
      inventory_list: (args) => {
        const q = args.query as ComputerQuery;
        return q.collectionId === 10
          ? { total: 2, offset: 0, rows: [computer(1, { name: "SEO-WS-0001" }), computer(2, { name: "SEO-WS-0002" })] }
          : { total: 3, offset: 0, rows: [computer(1), computer(2), computer(3)] };
      },
    });
    await waitFor(() => expect(screen.getByTestId("inventory-total")).toHaveAttribute("data-total", "2"));
    expect(log.argsOf("inventory_list").map((a) => (a.query as ComputerQuery).collectionId)).toEqual([10]);
    expect(screen.getAllByTestId("computer-row").map((r) => r.getAttribute("data-name"))).toEqual(["SEO-WS-0001", "SEO-WS-0002"]);
    expect(screen.getByTestId("tab-members")).toHaveAttribute("aria-selected", "true");

    // Filters keep the restriction.
    await user.selectOptions(screen.getByTestId("filter-site"), "2");
    await waitFor(() => expect(log.argsOf("inventory_list").at(-1)?.query).toMatchObject({ collectionId: 10, siteId: 2 }));
    // Inside a collection the inventory-wide facet counts are left out.
    expect(within(screen.getByTestId("filter-site")).getByRole("option", { name: "Berlin" })).toBeInTheDocument();
  });

  it("shows who entered and who left at the last evaluation", async () => {
    const { log, user } = open("#/collections/10", {
      collection_get: () => detailOf(pilot),
      inventory_list: () => ({ total: 0, offset: 0, rows: [] }),
      collection_changes: () => [
        { computerId: 4, name: "SEO-WS-0004", site: "Seoul HQ", change: "entered" },
        { computerId: 5, name: "SEO-WS-0005", site: "Seoul HQ", change: "entered" },
        { computerId: 9, name: "BER-WS-0009", site: "Berlin", change: "left" },
      ],
    });
    await user.click(await screen.findByTestId("tab-changes"));
    await waitFor(() => expect(screen.getAllByTestId("change-row")).toHaveLength(3));
    const rows = screen.getAllByTestId("change-row");
    expect(rows.map((r) => [r.getAttribute("data-change"), r.getAttribute("data-name")])).toEqual([
      ["entered", "SEO-WS-0004"],
      ["entered", "SEO-WS-0005"],
      ["left", "BER-WS-0009"],
    ]);
    expect(within(rows[2]).getByText("Left")).toBeInTheDocument();
    expect(within(rows[2]).getByText("Berlin")).toBeInTheDocument();
    expect(log.argsOf("collection_changes")).toEqual([{ id: 10 }]);

    await user.click(screen.getByText("Left (1)"));
    await waitFor(() => expect(screen.getAllByTestId("change-row").map((r) => r.getAttribute("data-name"))).toEqual(["BER-WS-0009"]));
  });

  it("tells a first evaluation from one without changes", async () => {
    let current = collection(12, { name: "New one", query: "all", memberCount: 0, evaluatedAt: "2026-11-27T08:00:00Z" });
    const { user } = open("#/collections/12", {
      collection_get: () => detailOf(current),
      inventory_list: () => ({ total: 0, offset: 0, rows: [] }),
      collection_changes: () => [],
      collection_evaluate: () => {
        current = { ...current, memberCount: 40, evaluatedAt: "2026-11-28T09:00:00Z" };
        return [evaluation({ id: 12, name: "New one", memberCount: 40, entered: 0, left: 0, first: true, evaluatedAt: "2026-11-28T09:00:00Z" })];
      },
    });
    await user.click(await screen.findByTestId("tab-changes"));
    expect(await screen.findByText("No changes at the last evaluation")).toBeInTheDocument();

    await user.click(screen.getByTestId("collection-evaluate"));
    expect(await screen.findByText("First evaluation: everyone is new")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByTestId("collection-detail")).toHaveAttribute("data-members", "40"));
  });

  it("shows the rules and who uses the collection", async () => {
    const finance = collections.find((c) => c.id === 11)!;
    const { user } = open("#/collections/11", {
      collection_get: () =>
        detailOf(
          { ...finance, limit: { id: 2, name: "All workstations" }, excludes: [{ id: 3, name: "Site: Seoul HQ" }] },
          { usedBy: [{ id: 10, name: "Seoul pilot" }], direct: [{ id: 7, name: "FIN-LT-0007" }], warnings: ["Include/exclude rules nest 4 levels deep"] },
        ),
      inventory_list: () => ({ total: 0, offset: 0, rows: [] }),
    });
    expect(await screen.findByTestId("collection-warning")).toHaveTextContent("nest 4 levels deep");
    // Never evaluated: no members to list yet.
    expect(screen.getByText("Not evaluated yet")).toBeInTheDocument();

    await user.click(screen.getByTestId("tab-rules"));
    expect(await screen.findByTestId("rules-query")).toHaveTextContent("department = 'Finance'");
    const rules = screen.getByTestId("collection-rules");
    expect(within(rules).getByRole("link", { name: "All workstations" })).toHaveAttribute("href", "#/collections/2");
    expect(within(rules).getByRole("link", { name: "Site: Seoul HQ" })).toHaveAttribute("href", "#/collections/3");
    expect(within(rules).getByText("FIN-LT-0007")).toBeInTheDocument();

    await user.click(screen.getByTestId("tab-used-by"));
    expect(await screen.findByTestId("used-by-row")).toHaveAttribute("data-name", "Seoul pilot");
    expect(screen.getByTestId("collection-edit")).toHaveAttribute("href", "#/collections/11/edit");
  });

  it("offers neither edit nor delete for a built-in", async () => {
    open("#/collections/1", {
      collection_get: () => detailOf(collections[0]),
      inventory_list: () => ({ total: 0, offset: 0, rows: [] }),
    });
    const detail = await screen.findByTestId("collection-detail");
    expect(within(detail).getByText("Built-in")).toBeInTheDocument();
    expect(screen.getByTestId("collection-evaluate")).toBeInTheDocument();
    expect(screen.queryByTestId("collection-edit")).not.toBeInTheDocument();
    expect(screen.queryByTestId("collection-delete")).not.toBeInTheDocument();
  });

  it("shows why a collection cannot be deleted, and deletes one that can", async () => {
    let used = true;
    const { log, user } = open("#/collections/11", {
      collection_get: () => detailOf(collections[4]),
      inventory_list: () => ({ total: 0, offset: 0, rows: [] }),
      collection_delete: () => {
        if (used) throw { kind: "conflict", message: "this collection is used by 'Seoul pilot'; change it first" };
        return null;
      },
    });
    await user.click(await screen.findByTestId("collection-delete"));
    await user.click(await screen.findByTestId("collection-delete-confirm"));
    expect(await screen.findByTestId("collection-delete-error")).toHaveTextContent("this collection is used by 'Seoul pilot'; change it first");
    expect(window.location.hash).toBe("#/collections/11");

    used = false;
    await user.click(screen.getByTestId("collection-delete-confirm"));
    await waitFor(() => expect(window.location.hash).toBe("#/collections"));
    expect(log.argsOf("collection_delete")).toEqual([{ id: 11 }, { id: 11 }]);
    expect(await screen.findAllByTestId("collection-row")).toHaveLength(5);
  });

  it("says so when the collection does not exist", async () => {
    open("#/collections/99", {
      collection_get: () => {
        throw { kind: "notFound", message: "there is no collection with id 99" };
      },
    });
    expect(await screen.findByText("there is no collection with id 99")).toBeInTheDocument();
    expect(screen.getByTestId("collection-back")).toHaveAttribute("href", "#/collections");
  });
});
