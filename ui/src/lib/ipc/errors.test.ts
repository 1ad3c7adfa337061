import { describe, expect, it } from "vitest";
import { mockIPC } from "@tauri-apps/api/mocks";
import { appSummary, collectionPreview, inventoryGet } from "./commands";
import { CommandError, isCancelled, queryErrorOf, toWireError } from "./errors";

describe("toWireError", () => {
  it("keeps a {kind, message, details} thrown by a command", () => {
    const thrown = { kind: "invalid", message: "line 4, column 2: unterminated quote", details: { line: 4 } };
    expect(toWireError(thrown)).toEqual(thrown);
  });

  it("turns a plain string into an internal error with that message", () => {
    expect(toWireError("command inventory_list not allowed")).toEqual({
      kind: "internal",
      message: "command inventory_list not allowed",
    });
  });

  it("turns an Error into an internal error", () => {
    expect(toWireError(new TypeError("x is undefined"))).toEqual({ kind: "internal", message: "x is undefined" });
  });

  it("does not trust an unknown kind", () => {
    expect(toWireError({ kind: "teapot", message: "short and stout" })).toEqual({
      kind: "internal",
      message: "short and stout",
    });
  });

  it("copes with nothing useful", () => {
    expect(toWireError(undefined)).toEqual({ kind: "internal", message: "Unknown error" });
    expect(toWireError(null)).toEqual({ kind: "internal", message: "Unknown error" });
    expect(toWireError(42)).toEqual({ kind: "internal", message: "Unknown error" });
  });

  it("recognises a cancellation by kind only", () => {
    expect(isCancelled({ kind: "cancelled", message: "stopped" })).toBe(true);
    expect(isCancelled("cancelled")).toBe(false);
  });
});

describe("queryErrorOf", () => {
  const details = { message: "unknown field 'sitee'", line: 1, column: 1, start: 0, end: 5, excerpt: "sitee = 1\n^^^^^", suggestion: "site" };

  it("finds the QueryError an invalid query carries", () => {
    expect(queryErrorOf({ kind: "invalid", message: "query error at line 1…", details })).toEqual(details);
  });

  it("ignores other errors and other details", () => {
    expect(queryErrorOf({ kind: "conflict", message: "x", details })).toBeNull();
    expect(queryErrorOf({ kind: "invalid", message: "direct rules: no computer named 'X'", details: ["X"] })).toBeNull();
    expect(queryErrorOf({ kind: "invalid", message: "x", details: { ...details, line: "1" } })).toBeNull();
  });
});

describe("typed commands", () => {
  it("reject with a CommandError carrying the command's kind", async () => {
    mockIPC(() => {
      throw { kind: "notFound", message: "there is no computer with id 9" };
    });
    const error = await inventoryGet(9).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({ kind: "notFound", message: "there is no computer with id 9", command: "inventory_get" });
  });

  it("reject with kind internal when the bridge rejects with a string", async () => {
    mockIPC(() => Promise.reject("Command app_summary not found"));
    await expect(appSummary()).rejects.toMatchObject({ kind: "internal", message: "Command app_summary not found" });
  });

  it("pass arguments by their Rust names", async () => {
    const seen: unknown[] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      return { computer: null, prerequisites: [], lastSeenLocal: null, lastRunLocal: null };
    });
    await inventoryGet(5);
    expect(seen).toEqual([["inventory_get", { id: 5 }]]);
  });

  it("pass a collection draft and the id being edited", async () => {
    const seen: unknown[] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      return { count: 0, sample: [], elapsedMs: 1 };
    });
    const input = { name: "", description: "", query: "all", limitId: null, includes: [], excludes: [], direct: [], continuous: false };
    await collectionPreview(input, null);
    expect(seen).toEqual([["collection_preview", { input, id: null }]]);
  });
});
