import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CollectionInput } from "../../bindings/CollectionInput";
import type { CollectionPreview } from "../../bindings/CollectionPreview";
import type { Expr } from "../../bindings/Expr";
import { collection, collections, detailOf, fields, printExpr } from "../../test/collections";
import { computer, facets } from "../../test/fixtures";
import { deferred, mockCommands, type Handler } from "../../test/ipc";
import { renderWithProviders } from "../../test/render";
import { CollectionsPage } from "./CollectionsPage";

function sizeScrollAreas() {
  vi.spyOn(HTMLElement.prototype, "clientHeight", "get").mockReturnValue(720);
  vi.spyOn(HTMLElement.prototype, "clientWidth", "get").mockReturnValue(1200);
}

const siteIs = (site: string): Expr => ({
  kind: "cond",
  field: { key: "site" },
  test: { op: "compare", cmp: "eq", value: { type: "text", value: site } },
});

const roleIs = (role: string): Expr => ({
  kind: "cond",
  field: { key: "role" },
  test: { op: "compare", cmp: "eq", value: { type: "enum", value: role } },
});

function previewOf(count: number, names: string[]): CollectionPreview {
  return { count, sample: names.map((name, i) => computer(i + 1, { name })), elapsedMs: 4 };
}

function openEditor(hash: string, handlers: Record<string, Handler> = {}) {
  window.location.hash = hash;
  const log = mockCommands({
    collection_list: () => collections,
    collection_fields: () => fields,
    collection_field_values: () => ["Seoul HQ", "Berlin"],
    collection_print_query: (args) => printExpr(args.expr as Expr),
    collection_preview: () => previewOf(2, ["SEO-WS-0001", "SEO-WS-0002"]),
    inventory_list: () => ({ total: 0, offset: 0, rows: [] }),
    inventory_facets: () => facets,
    ...handlers,
  });
  const user = userEvent.setup();
  renderWithProviders(<CollectionsPage />);
  return { log, user };
}

const lastPreview = (log: ReturnType<typeof mockCommands>) => log.argsOf("collection_preview").at(-1) as { input: CollectionInput; id: number | null } | undefined;

describe("collection editor: builder", () => {
  beforeEach(sizeScrollAreas);
  afterEach(() => vi.restoreAllMocks());

  it("turns picked field, operator and value into a tree, its text and a live preview", async () => {
    const { log, user } = openEditor("#/collections/new");
    await user.click(await screen.findByTestId("builder-add"));
    const row = screen.getByTestId("builder-row");
    expect(row).toHaveAttribute("data-index", "0");
    expect(row).toHaveAttribute("data-incomplete", "true"); // no value yet
    expect(screen.getByTestId("preview-empty")).toBeInTheDocument();

    const field = within(row).getByTestId("builder-field");
    expect(field.tagName).toBe("SELECT");
    expect(within(field).getAllByRole("option").map((o) => o.getAttribute("value"))).toContain("os_version");
    await user.selectOptions(field, "site");
    const op = within(row).getByTestId("builder-op");
    expect(within(op).getAllByRole("option").map((o) => o.getAttribute("value"))).toEqual([
      "=",
      "!=",
      "contains",
      "starts with",
      "ends with",
      "like",
      "in",
      "not in",
      "is empty",
      "is not empty",
      "<",
      "<=",
      ">",
      ">=",
      "between",
    ]);
    await user.selectOptions(op, "=");
    await user.type(within(row).getByTestId("builder-value"), "Seoul HQ");

    await waitFor(() => expect(log.argsOf("collection_print_query").at(-1)).toEqual({ expr: siteIs("Seoul HQ") }));
    await waitFor(() =>
      expect(lastPreview(log)).toEqual({
        input: { name: "", description: "", query: "site = 'Seoul HQ'", limitId: null, includes: [], excludes: [], direct: [], continuous: false },
        id: null,
      }),
    );
    // Debounced: no preview of what was half typed.
    expect(log.argsOf("collection_preview").map((a) => (a.input as CollectionInput).query)).toEqual(["site = 'Seoul HQ'"]);
    await waitFor(() => expect(screen.getByTestId("preview-count")).toHaveAttribute("data-count", "2"));
    expect(screen.getByTestId("preview-count")).not.toHaveAttribute("data-pending");
    expect(screen.getByTestId("preview-count")).toHaveTextContent("2 computers");
    expect(screen.getAllByTestId("preview-row").map((r) => r.getAttribute("data-name"))).toEqual(["SEO-WS-0001", "SEO-WS-0002"]);
    expect(row).not.toHaveAttribute("data-incomplete");
    expect(screen.getByTestId("builder-text")).toHaveTextContent("site = 'Seoul HQ'");

    // A second condition with an enumeration, matched with "any".
    await user.click(screen.getByTestId("builder-add"));
    const second = screen.getAllByTestId("builder-row")[1];
    await user.selectOptions(within(second).getByTestId("builder-field"), "role");
    const value = within(second).getByTestId("builder-value");
    expect(value.tagName).toBe("SELECT");
    expect(within(within(second).getByTestId("builder-op")).getAllByRole("option").map((o) => o.getAttribute("value"))).toEqual([
      "=",
      "!=",
      "in",
      "not in",
    ]);
    await user.selectOptions(value, "server");
    await user.selectOptions(screen.getByTestId("builder-combinator"), "or");
    await waitFor(() =>
      expect(log.argsOf("collection_print_query").at(-1)).toEqual({ expr: { kind: "or", items: [siteIs("Seoul HQ"), roleIs("server")] } }),
    );
    await waitFor(() => expect(lastPreview(log)?.input.query).toBe("site = 'Seoul HQ' or role = server"));

    // Removing every condition leaves no query rule, and nothing to preview.
    await user.click(within(second).getByTestId("builder-remove"));
    await user.click(within(screen.getByTestId("builder-row")).getByTestId("builder-remove"));
    expect(screen.queryByTestId("builder-row")).not.toBeInTheDocument();
    expect(await screen.findByTestId("preview-empty")).toBeInTheDocument();
  });

  it("offers the inputs each operator needs and leaves incomplete rows out", async () => {
    const { log, user } = openEditor("#/collections/new");
    await user.click(await screen.findByTestId("builder-add"));
    await user.click(screen.getByTestId("builder-add"));
    const [first, second] = screen.getAllByTestId("builder-row");

    await user.selectOptions(within(first).getByTestId("builder-field"), "last_seen");
    expect(within(first).getByTestId("builder-op")).toHaveValue("within");
    await user.type(within(first).getByTestId("builder-value"), "14");
    await user.selectOptions(within(first).getByTestId("builder-unit"), "days");
    await user.selectOptions(within(first).getByTestId("builder-op"), "older than");
    await user.click(within(first).getByTestId("builder-not"));

    await user.selectOptions(within(second).getByTestId("builder-field"), "os_version");
    await user.selectOptions(within(second).getByTestId("builder-op"), "between");
    await user.type(within(second).getByTestId("builder-value"), "10.0");
    // The high end is missing: the row is marked and left out.
    expect(within(second).getByTestId("builder-problem")).toHaveTextContent("Enter a value");
    await waitFor(() =>
      expect(log.argsOf("collection_print_query").at(-1)).toEqual({
        expr: { kind: "not", item: { kind: "cond", field: { key: "last_seen" }, test: { op: "olderThan", age: { amount: 14, unit: "days" } } } },
      }),
    );
    await user.type(within(second).getByTestId("builder-value-2"), "10.0.19045");
    await waitFor(() => expect(lastPreview(log)?.input.query).toBe("not last_seen older than 14d and os_version between 10.0 and 10.0.19045"));

    // A bad version is named, not sent.
    await user.clear(within(second).getByTestId("builder-value-2"));
    await user.type(within(second).getByTestId("builder-value-2"), "22H2");
    expect(within(second).getByTestId("builder-problem")).toHaveTextContent("'22H2' is not a version");
    await user.selectOptions(within(second).getByTestId("builder-op"), "in");
    const tags = within(second).getByTestId("builder-value");
    await user.type(tags, "10.0.19045,10.0.22631,");
    await waitFor(() =>
      expect(lastPreview(log)?.input.query).toBe("not last_seen older than 14d and os_version in (10.0.19045, 10.0.22631)"),
    );
  });

  it("keeps the same value input, and what is typed, when suggestions arrive mid-typing", async () => {
    const values = deferred<string[]>();
    const { user } = openEditor("#/collections/new", { collection_field_values: () => values.promise });
    await user.click(await screen.findByTestId("builder-add"));
    const row = screen.getByTestId("builder-row");
    await user.selectOptions(within(row).getByTestId("builder-field"), "site");
    const input = within(row).getByTestId("builder-value");
    await user.type(input, "Seo");
    values.resolve(["Seoul HQ", "Berlin"]);
    await waitFor(() => expect(screen.getByRole("option", { name: "Seoul HQ" })).toBeInTheDocument());
    await user.keyboard("ul HQ");
    expect(within(row).getByTestId("builder-value")).toBe(input);
    expect(input).toHaveValue("Seoul HQ");
    expect(input).toHaveFocus();
  });

  it("keeps the last count in view, marked pending, until the newer one arrives", async () => {
    const second = deferred<CollectionPreview>();
    let calls = 0;
    const { user } = openEditor("#/collections/new", {
      collection_preview: () => (++calls === 1 ? previewOf(2, ["A", "B"]) : second.promise),
    });
    await user.click(await screen.findByTestId("builder-add"));
    const row = screen.getByTestId("builder-row");
    await user.selectOptions(within(row).getByTestId("builder-field"), "site");
    await user.type(within(row).getByTestId("builder-value"), "Berlin");
    await waitFor(() => expect(screen.getByTestId("preview-count")).toHaveAttribute("data-count", "2"));

    await user.selectOptions(within(row).getByTestId("builder-op"), "!=");
    await waitFor(() => expect(calls).toBe(2));
    expect(screen.getByTestId("preview-count")).toHaveAttribute("data-pending", "true");
    expect(screen.getByTestId("preview-count")).toHaveAttribute("data-count", "2");
    second.resolve(previewOf(1500, ["C"]));
    await waitFor(() => expect(screen.getByTestId("preview-count")).toHaveAttribute("data-count", "1500"));
    expect(screen.getByTestId("preview-count")).not.toHaveAttribute("data-pending");
    expect(screen.getByTestId("preview-count")).toHaveTextContent("1,500 computers");
  });
});

describe("collection editor: text", () => {
  beforeEach(sizeScrollAreas);
  afterEach(() => vi.restoreAllMocks());

  it("loads parsed text into the builder", async () => {
    const parsed: Expr = {
      kind: "and",
      items: [roleIs("server"), { kind: "cond", field: { key: "last_seen" }, test: { op: "within", age: { amount: 7, unit: "days" } } }],
    };
    const { log, user } = openEditor("#/collections/new", { collection_parse_query: () => parsed });
    await user.click(await screen.findByTestId("query-mode-text"));
    const text = await screen.findByTestId("query-text");
    expect(text.tagName).toBe("TEXTAREA");
    await user.type(text, "role = server and last_seen within 7d");
    await waitFor(() => expect(lastPreview(log)?.input.query).toBe("role = server and last_seen within 7d"));

    await user.click(screen.getByTestId("query-mode-builder"));
    await waitFor(() => expect(screen.getAllByTestId("builder-row")).toHaveLength(2));
    expect(log.argsOf("collection_parse_query").at(-1)).toEqual({ text: "role = server and last_seen within 7d" });
    const [first, second] = screen.getAllByTestId("builder-row");
    expect(within(first).getByTestId("builder-field")).toHaveValue("role");
    expect(within(first).getByTestId("builder-value")).toHaveValue("server");
    expect(within(second).getByTestId("builder-op")).toHaveValue("within");
    expect(within(second).getByTestId("builder-value")).toHaveValue("7");
    expect(within(second).getByTestId("builder-unit")).toHaveValue("days");
    expect(screen.getByTestId("builder-combinator")).toHaveValue("and");
    expect(screen.queryByTestId("query-text")).not.toBeInTheDocument();

    // And back: the text is the core's printing of the builder's tree.
    await user.click(screen.getByTestId("query-mode-text"));
    expect(await screen.findByTestId("query-text")).toHaveValue("role = server and last_seen within 7d");
  });

  it("stays in text mode when the query is too complex for the builder", async () => {
    const { user } = openEditor("#/collections/new", {
      collection_parse_query: () => ({ kind: "and", items: [siteIs("Berlin"), { kind: "or", items: [roleIs("server"), siteIs("Seoul HQ")] }] }),
    });
    await user.click(await screen.findByTestId("query-mode-text"));
    await user.type(await screen.findByTestId("query-text"), "site = 'Berlin' and (role = server or site = 'Seoul HQ')");
    await user.click(screen.getByTestId("query-mode-builder"));
    expect(await screen.findByTestId("query-notice")).toHaveTextContent("This query is too complex for the builder; edit it as text");
    expect(screen.getByTestId("query-text")).toBeInTheDocument();
    expect(screen.queryByTestId("builder-row")).not.toBeInTheDocument();
  });

  it("shows where a query is wrong, with the caret line and the suggestion", async () => {
    const details = {
      message: "unknown field 'sitee'; did you mean 'site'?",
      line: 1,
      column: 1,
      start: 0,
      end: 5,
      excerpt: "sitee = 'Berlin'\n^^^^^",
      suggestion: "site",
    };
    const { log, user } = openEditor("#/collections/new", {
      collection_parse_query: (args) => {
        if (args.text === "site = 'Berlin'") return siteIs("Berlin");
        throw { kind: "invalid", message: `query error at line 1, column 1: ${details.message}\n${details.excerpt}`, details };
      },
      collection_preview: (args) => {
        if ((args.input as CollectionInput).query === "site = 'Berlin'") return previewOf(1, ["BER-WS-01"]);
        throw { kind: "invalid", message: "query error at line 1, column 1: …", details };
      },
    });
    await user.click(await screen.findByTestId("query-mode-text"));
    await user.type(await screen.findByTestId("query-text"), "sitee = 'Berlin'");

    const error = await screen.findByTestId("query-error");
    expect(error).toHaveTextContent("unknown field 'sitee'; did you mean 'site'?");
    expect(within(error).getByTestId("query-error-excerpt").textContent).toBe("sitee = 'Berlin'\n^^^^^");
    expect(within(error).getByTestId("query-error-suggestion")).toHaveTextContent("Did you mean site?");
    // The preview shows the error instead of a count.
    expect(await screen.findByTestId("preview-error")).toHaveTextContent("line 1, column 1");
    expect(screen.queryByTestId("preview-count")).not.toBeInTheDocument();

    // The builder cannot take it either.
    await user.click(screen.getByTestId("query-mode-builder"));
    await waitFor(() => expect(log.argsOf("collection_parse_query").length).toBeGreaterThan(0));
    expect(screen.getByTestId("query-text")).toBeInTheDocument();

    expect(screen.getByTestId("query-error")).toBe(error); // shown steadily, not blanked by the attempt
    await user.click(within(error).getByRole("button", { name: "Use it" }));
    expect(screen.getByTestId("query-text")).toHaveValue("site = 'Berlin'");
    await waitFor(() => expect(screen.queryByTestId("query-error")).not.toBeInTheDocument());
    await waitFor(() => expect(screen.getByTestId("preview-count")).toHaveAttribute("data-count", "1"));
  });
});

describe("collection editor: saving", () => {
  beforeEach(sizeScrollAreas);
  afterEach(() => vi.restoreAllMocks());

  it("shows why a save is refused and keeps the editor open", async () => {
    const { log, user } = openEditor("#/collections/new", {
      collection_create: () => {
        throw { kind: "invalid", message: "these rules would make a cycle: Loop → Finance laptops → Loop" };
      },
    });
    await user.type(await screen.findByTestId("collection-name"), "Loop");
    const include = screen.getAllByTestId("include-option").find((o) => o.getAttribute("data-name") === "Finance laptops")!;
    expect(include).toHaveAttribute("type", "checkbox");
    await user.click(include);
    // A collection cannot be both included and excluded.
    const exclude = screen.getAllByTestId("exclude-option").find((o) => o.getAttribute("data-name") === "Finance laptops")!;
    expect(exclude).toBeDisabled();

    await user.click(screen.getByTestId("collection-save"));
    const alert = await screen.findByTestId("collection-save-error");
    expect(alert).toHaveTextContent(/^these rules would make a cycle: Loop → Finance laptops → Loop$/);
    expect(log.argsOf("collection_create")).toEqual([
      { input: { name: "Loop", description: "", query: "", limitId: null, includes: [11], excludes: [], direct: [], continuous: false } },
    ]);
    expect(log.argsOf("collection_evaluate")).toEqual([]);
    expect(screen.getByTestId("collection-name")).toHaveValue("Loop");
    expect(window.location.hash).toBe("#/collections/new");
  });

  it("creates, evaluates and opens the new collection", async () => {
    const created = collection(12, { name: "Berlin servers", query: "site = 'Berlin' and role = server", evaluatedAt: null });
    const { log, user } = openEditor("#/collections/new", {
      collection_create: () => detailOf(created),
      collection_evaluate: () => [
        { id: 12, name: "Berlin servers", evaluatedAt: "2026-11-28T09:00:00Z", memberCount: 3, entered: 0, left: 0, first: true, elapsedMs: 2 },
      ],
      collection_get: () => detailOf({ ...created, evaluatedAt: "2026-11-28T09:00:00Z", memberCount: 3 }, { warnings: ["201 collections are marked for continuous re-evaluation"] }),
    });
    await user.type(await screen.findByTestId("collection-name"), "Berlin servers");
    await user.type(screen.getByTestId("collection-description"), "For the pilot");
    await user.click(screen.getByTestId("builder-add"));
    await user.click(screen.getByTestId("builder-add"));
    const [first, second] = screen.getAllByTestId("builder-row");
    await user.selectOptions(within(first).getByTestId("builder-field"), "site");
    await user.type(within(first).getByTestId("builder-value"), "Berlin");
    await user.selectOptions(within(second).getByTestId("builder-field"), "role");
    await user.selectOptions(within(second).getByTestId("builder-value"), "server");
    await user.selectOptions(screen.getByTestId("limit-select"), "2");
    await user.click(screen.getByTestId("collection-continuous"));

    await user.click(screen.getByTestId("collection-save"));
    await waitFor(() => expect(window.location.hash).toBe("#/collections/12"));
    expect(log.argsOf("collection_create")).toEqual([
      {
        input: {
          name: "Berlin servers",
          description: "For the pilot",
          query: "site = 'Berlin' and role = server",
          limitId: 2,
          includes: [],
          excludes: [],
          direct: [],
          continuous: true,
        },
      },
    ]);
    expect(log.argsOf("collection_evaluate")).toEqual([{ id: 12 }]);
    const detail = await screen.findByTestId("collection-detail");
    await waitFor(() => expect(detail).toHaveAttribute("data-members", "3"));
    expect(await screen.findByTestId("collection-warning")).toHaveTextContent("201 collections");
  });

  it("loads a collection into the editor and saves it in place", async () => {
    const pilot = collections.find((c) => c.id === 10)!;
    const stored = { ...pilot, limit: { id: 1, name: "All computers" } };
    const { log, user } = openEditor("#/collections/10/edit", {
      collection_get: () => detailOf(stored, { direct: [{ id: 1, name: "PC-00001" }] }),
      collection_parse_query: () => ({ kind: "and", items: [siteIs("Seoul HQ"), roleIs("workstation")] }),
      collection_update: () => detailOf(stored),
      collection_evaluate: () => [
        { id: 10, name: "Seoul pilot", evaluatedAt: "2026-11-28T09:00:00Z", memberCount: 1234, entered: 0, left: 0, first: false, elapsedMs: 2 },
      ],
    });
    expect(await screen.findByTestId("collection-name")).toHaveValue("Seoul pilot");
    const rows = screen.getAllByTestId("builder-row");
    expect(rows.map((r) => within(r).getByTestId("builder-field"))).toHaveLength(2);
    expect(within(rows[0]).getByTestId("builder-value")).toHaveValue("Seoul HQ");
    expect(within(rows[1]).getByTestId("builder-value")).toHaveValue("workstation");
    expect(screen.getByTestId("limit-select")).toHaveValue("1");
    // The collection itself is not offered.
    const includeNames = screen.getAllByTestId("include-option").map((o) => o.getAttribute("data-name"));
    expect(includeNames).not.toContain("Seoul pilot");
    const finance = screen.getAllByTestId("include-option").find((o) => o.getAttribute("data-name") === "Finance laptops")!;
    expect(finance).toBeChecked();
    expect(screen.getByText("PC-00001")).toBeInTheDocument();
    await waitFor(() => expect(lastPreview(log)).toMatchObject({ id: 10, input: { query: "site = 'Seoul HQ' and role = workstation" } }));

    await user.type(screen.getByTestId("direct-input"), "PC-00002,");
    await user.click(finance);
    await user.click(screen.getByTestId("collection-save"));
    await waitFor(() => expect(window.location.hash).toBe("#/collections/10"));
    expect(log.argsOf("collection_update")).toEqual([
      {
        id: 10,
        input: {
          name: "Seoul pilot",
          description: "",
          query: "site = 'Seoul HQ' and role = workstation",
          limitId: 1,
          includes: [],
          excludes: [],
          direct: ["PC-00001", "PC-00002"],
          continuous: false,
        },
      },
    ]);
  });

  it("opens a stored query that no longer parses as text, with its error, asking once", async () => {
    const details = { message: "unknown field 'sitee'", line: 1, column: 1, start: 0, end: 5, excerpt: "sitee = 'Berlin'\n^^^^^" };
    const broken = collection(13, { name: "Broken", query: "sitee = 'Berlin'" });
    const { log } = openEditor("#/collections/13/edit", {
      collection_get: () => detailOf(broken),
      collection_parse_query: () => {
        throw { kind: "invalid", message: "query error at line 1, column 1: unknown field 'sitee'", details };
      },
      collection_preview: () => {
        throw { kind: "invalid", message: "query error at line 1, column 1: unknown field 'sitee'", details };
      },
    });
    expect(await screen.findByTestId("query-text")).toHaveValue("sitee = 'Berlin'");
    expect(await screen.findByTestId("query-error")).toHaveTextContent("unknown field 'sitee'");
    // Asked once: the answer is not asked for again by the text editor (nor in a loop).
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(log.argsOf("collection_parse_query")).toEqual([{ text: "sitee = 'Berlin'" }]);
    expect(screen.getByTestId("collection-name")).toHaveValue("Broken");
  });

  it("goes back without saving on Cancel", async () => {
    const { log, user } = openEditor("#/collections/new");
    await user.type(await screen.findByTestId("collection-name"), "Draft");
    expect(screen.getByTestId("collection-cancel")).toHaveAttribute("href", "#/collections");
    await user.click(screen.getByTestId("collection-cancel"));
    await waitFor(() => expect(window.location.hash).toBe("#/collections"));
    expect(log.argsOf("collection_create")).toEqual([]);
  });
});
