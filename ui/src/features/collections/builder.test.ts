import { describe, expect, it } from "vitest";
import type { Expr } from "../../bindings/Expr";
import { fields } from "../../test/collections";
import {
  buildExpr,
  byteToIndex,
  exprToBuilder,
  newRow,
  OPS_BY_TYPE,
  parseTime,
  rowExpr,
  timeText,
  withField,
  withOp,
  type BuilderRow,
} from "./builder";

const row = (over: Partial<BuilderRow>): BuilderRow => ({ ...newRow(fields), ...over });

describe("builder rows to a query tree", () => {
  it("types each value by its field", () => {
    expect(rowExpr(row({ field: "site", op: "=", value: "Seoul HQ" }), fields)).toEqual({
      expr: { kind: "cond", field: { key: "site" }, test: { op: "compare", cmp: "eq", value: { type: "text", value: "Seoul HQ" } } },
    });
    expect(rowExpr(row({ field: "os_version", op: "<", value: " 10.0.19045 " }), fields)).toEqual({
      expr: {
        kind: "cond",
        field: { key: "os_version" },
        test: { op: "compare", cmp: "lt", value: { type: "version", value: "10.0.19045" } },
      },
    });
    expect(rowExpr(row({ field: "free_disk_gb", op: ">=", value: "7.5" }), fields)).toMatchObject({
      expr: { field: { key: "free_disk" }, test: { cmp: "ge", value: { type: "number", value: 7.5 } } },
    });
    expect(rowExpr(row({ field: "last_seen", op: "<", value: "2026-11-01" }), fields)).toMatchObject({
      expr: { test: { cmp: "lt", value: { type: "time", value: "2026-11-01T00:00:00Z" } } },
    });
    expect(rowExpr(row({ field: "role", op: "in", values: ["server", "workstation"] }), fields)).toMatchObject({
      expr: {
        test: {
          op: "in",
          values: [
            { type: "enum", value: "server" },
            { type: "enum", value: "workstation" },
          ],
        },
      },
    });
    expect(rowExpr(row({ field: "msxml", op: "between", value: "3", value2: "6.0" }), fields)).toMatchObject({
      expr: {
        field: { key: "prerequisite", name: "MSXML" },
        test: { op: "between", low: { type: "version", value: "3" }, high: { type: "version", value: "6.0" } },
      },
    });
    expect(rowExpr(row({ field: "last_run", op: "older than", value: "14", unit: "days" }), fields)).toMatchObject({
      expr: { test: { op: "olderThan", age: { amount: 14, unit: "days" } } },
    });
    expect(rowExpr(row({ field: "name", op: "like", value: "SEOUL-*", negate: true }), fields)).toEqual({
      expr: { kind: "not", item: { kind: "cond", field: { key: "name" }, test: { op: "like", pattern: "SEOUL-*" } } },
    });
  });

  it("says what is missing or wrong instead of guessing", () => {
    expect(rowExpr(row({ field: "site", op: "=", value: "  " }), fields)).toEqual({ problem: "Enter a value" });
    expect(rowExpr(row({ field: "os_version", op: "<", value: "22H2" }), fields)).toMatchObject({ problem: expect.stringContaining("not a version") });
    expect(rowExpr(row({ field: "last_seen", op: "<", value: "2026-02-30" }), fields)).toMatchObject({ problem: expect.stringContaining("not a date") });
    expect(rowExpr(row({ field: "role", op: "=", value: "" }), fields)).toEqual({ problem: "Enter a value" });
    expect(rowExpr(row({ field: "site", op: "in", values: [] }), fields)).toEqual({ problem: "Add at least one value" });
    expect(rowExpr(row({ field: "last_seen", op: "within", value: "1.5" }), fields)).toMatchObject({ problem: expect.stringContaining("whole number") });
    expect(rowExpr(row({ field: "role", op: "contains", value: "work" }), fields)).toMatchObject({ problem: expect.stringContaining("does not apply") });
  });

  it("skips incomplete rows and combines the others", () => {
    const a = row({ field: "site", op: "=", value: "Berlin" });
    const b = row({ field: "site", op: "=", value: "" });
    const c = row({ field: "role", op: "=", value: "server" });
    const built = buildExpr({ combinator: "or", rows: [a, b, c] }, fields);
    expect(built.problems).toEqual(new Map([[b.key, "Enter a value"]]));
    expect(built.expr).toMatchObject({ kind: "or", items: [{ field: { key: "site" } }, { field: { key: "role" } }] });

    expect(buildExpr({ combinator: "and", rows: [a] }, fields).expr).toMatchObject({ kind: "cond" });
    expect(buildExpr({ combinator: "and", rows: [b] }, fields).expr).toBeNull();
    expect(buildExpr({ combinator: "and", rows: [] }, fields).expr).toBeNull();
  });
});

describe("a parsed query into the builder", () => {
  const siteIs: Expr = { kind: "cond", field: { key: "site" }, test: { op: "compare", cmp: "eq", value: { type: "text", value: "Seoul HQ" } } };
  const olderThan: Expr = { kind: "cond", field: { key: "last_seen" }, test: { op: "olderThan", age: { amount: 2, unit: "weeks" } } };

  it("loads one condition or one and/or of (negated) conditions", () => {
    expect(exprToBuilder(siteIs, fields)).toMatchObject({ combinator: "and", rows: [{ field: "site", op: "=", value: "Seoul HQ", negate: false }] });
    const state = exprToBuilder({ kind: "or", items: [siteIs, { kind: "not", item: olderThan }] }, fields);
    expect(state).toMatchObject({
      combinator: "or",
      rows: [
        { field: "site", op: "=", value: "Seoul HQ" },
        { field: "last_seen", op: "older than", value: "2", unit: "weeks", negate: true },
      ],
    });
  });

  it("round-trips: rows -> tree -> rows -> the same tree", () => {
    const tree: Expr = {
      kind: "and",
      items: [
        siteIs,
        { kind: "cond", field: { key: "prerequisite", name: "MSXML" }, test: { op: "notIn", values: [{ type: "version", value: "6.0" }] } },
        { kind: "cond", field: { key: "last_run" }, test: { op: "between", low: { type: "time", value: "2026-11-01T00:00:00Z" }, high: { type: "time", value: "2026-11-08T12:30:00.000Z" } } },
        { kind: "cond", field: { key: "free_disk" }, test: { op: "isEmpty" } },
      ],
    };
    const state = exprToBuilder(tree, fields);
    expect(state).not.toBeNull();
    expect(buildExpr(state!, fields).expr).toEqual(tree);
  });

  it("refuses what the builder cannot show", () => {
    expect(exprToBuilder({ kind: "all" }, fields)).toBeNull();
    expect(exprToBuilder({ kind: "and", items: [siteIs, { kind: "or", items: [siteIs, olderThan] }] }, fields)).toBeNull();
    expect(exprToBuilder({ kind: "not", item: { kind: "and", items: [siteIs, olderThan] } }, fields)).toBeNull();
    // A prerequisite the inventory does not know is not among the fields.
    expect(
      exprToBuilder({ kind: "cond", field: { key: "prerequisite", name: "Java" }, test: { op: "isNotEmpty" } }, fields),
    ).toBeNull();
  });
});

describe("editing a row", () => {
  it("keeps the operator when the new field allows it, and drops the old field's values", () => {
    const r = row({ field: "site", op: "in", values: ["Berlin"] });
    expect(withField(r, "department", fields)).toMatchObject({ field: "department", op: "in", values: [] });
    expect(withField(r, "last_seen", fields)).toMatchObject({ field: "last_seen", op: OPS_BY_TYPE.time[0] });
    expect(withField(row({ field: "site", op: "=" }), "role", fields).op).toBe("=");
    expect(withField(row({ field: "name", op: "=" }), "last_seen", fields).op).toBe("within");
    expect(withField(row({ field: "os_version", op: "<" }), "agent_version", fields).op).toBe("<");
  });

  it("carries one value over to a list and back", () => {
    const r = row({ field: "site", op: "=", value: "Berlin" });
    const list = withOp(r, "in");
    expect(list.values).toEqual(["Berlin"]);
    expect(withOp({ ...list, value: "" }, "=").value).toBe("Berlin");
  });
});

describe("helpers", () => {
  it("reads dates and instants as UTC", () => {
    expect(parseTime("2026-11-01")).toBe("2026-11-01T00:00:00Z");
    expect(parseTime("2026-11-01T09:30:00+09:00")).toBe("2026-11-01T00:30:00.000Z");
    expect(parseTime("2026-13-01")).toBeNull();
    expect(parseTime("yesterday")).toBeNull();
    expect(timeText("2026-11-01T00:00:00Z")).toBe("2026-11-01");
    expect(timeText("2026-11-01T08:00:00Z")).toBe("2026-11-01T08:00:00Z");
  });

  it("maps the core's byte offsets to string positions", () => {
    const text = "name = '서울' and sitee = 1";
    const bytes = new TextEncoder().encode(text);
    const start = new TextEncoder().encode("name = '서울' and ").length;
    expect(bytes.length).toBeGreaterThan(text.length);
    expect(text.slice(byteToIndex(text, start), byteToIndex(text, start + 5))).toBe("sitee");
  });
});
