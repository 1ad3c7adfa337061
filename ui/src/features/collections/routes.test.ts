import { describe, expect, it } from "vitest";
import { subPathFromHash } from "../../app/useHashRoute";
import { parseCollectionsPath } from "./routes";

describe("collections addresses", () => {
  const route = (hash: string) => parseCollectionsPath(subPathFromHash(hash));

  it("names the list, a new collection, one collection and its editor", () => {
    expect(route("#/collections")).toEqual({ page: "list" });
    expect(route("#/collections/")).toEqual({ page: "list" });
    expect(route("#/collections/new")).toEqual({ page: "new" });
    expect(route("#/collections/12")).toEqual({ page: "detail", id: 12 });
    expect(route("#/collections/12/edit")).toEqual({ page: "edit", id: 12 });
    expect(route("#/collections/12?tab=rules")).toEqual({ page: "detail", id: 12 });
  });

  it("falls back to the list for anything else", () => {
    expect(route("#/collections/abc")).toEqual({ page: "list" });
    expect(route("#/collections/-3")).toEqual({ page: "list" });
    expect(route("#/collections/1.5")).toEqual({ page: "list" });
    expect(route("#/collections/%E0%A4%A")).toEqual({ page: "list" });
  });
});
