// Fixtures for the Collections area: collections, the query language's fields, and a
// printer that writes a tree the way the core does (for the fake collection_print_query).
import type { Collection } from "../bindings/Collection";
import type { CollectionDetail } from "../bindings/CollectionDetail";
import type { Expr } from "../bindings/Expr";
import type { FieldInfo } from "../bindings/FieldInfo";
import type { Test } from "../bindings/Test";
import type { Value } from "../bindings/Value";

export function collection(id: number, over: Partial<Collection> = {}): Collection {
  return {
    id,
    name: `Collection ${id}`,
    description: "",
    builtin: null,
    query: "",
    limit: null,
    includes: [],
    excludes: [],
    directCount: 0,
    continuous: false,
    evaluatedAt: "2026-11-27T08:00:00Z",
    memberCount: 0,
    enteredCount: 0,
    leftCount: 0,
    evalMs: 3,
    ...over,
  };
}

export function detailOf(c: Collection, over: Partial<CollectionDetail> = {}): CollectionDetail {
  return { collection: c, direct: [], usedBy: [], warnings: [], ...over };
}

/** The built-ins first, then two user collections, as collection_list returns them. */
export const collections: Collection[] = [
  collection(1, { name: "All computers", builtin: "all", query: "all", memberCount: 2000, description: "Every computer in the inventory." }),
  collection(2, { name: "All workstations", builtin: "workstations", query: "role = workstation", memberCount: 1800 }),
  collection(3, { name: "Site: Seoul HQ", builtin: "site:1", query: "site = 'Seoul HQ'", memberCount: 700 }),
  collection(10, {
    name: "Seoul pilot",
    query: "site = 'Seoul HQ' and role = workstation",
    includes: [{ id: 11, name: "Finance laptops" }],
    directCount: 2,
    memberCount: 1234,
    enteredCount: 5,
    leftCount: 2,
  }),
  collection(11, { name: "Finance laptops", query: "department = 'Finance'", evaluatedAt: null, memberCount: 0 }),
];

export const fields: FieldInfo[] = [
  { field: { key: "name" }, name: "name", label: "Computer name", type: "text", values: [] },
  { field: { key: "domain" }, name: "domain", label: "Domain", type: "text", values: [] },
  { field: { key: "site" }, name: "site", label: "Site", type: "text", values: [] },
  { field: { key: "department" }, name: "department", label: "Department", type: "text", values: [] },
  { field: { key: "role" }, name: "role", label: "Role", type: "enum", values: ["workstation", "server"] },
  { field: { key: "os" }, name: "os", label: "Operating system", type: "text", values: [] },
  { field: { key: "os_version" }, name: "os_version", label: "OS version", type: "version", values: [] },
  { field: { key: "owner" }, name: "owner", label: "Owner", type: "text", values: [] },
  { field: { key: "email" }, name: "email", label: "Owner e-mail", type: "text", values: [] },
  { field: { key: "last_seen" }, name: "last_seen", label: "Last seen", type: "time", values: [] },
  { field: { key: "last_run" }, name: "last_run", label: "Last update run", type: "time", values: [] },
  { field: { key: "free_disk" }, name: "free_disk_gb", label: "Free disk (GB)", type: "number", values: [] },
  { field: { key: "agent_version" }, name: "agent_version", label: "Agent version", type: "version", values: [] },
  {
    field: { key: "agent_state" },
    name: "agent_state",
    label: "Agent state",
    type: "enum",
    values: ["running", "stopped", "not_installed", "unknown"],
  },
  {
    field: { key: "policy" },
    name: "policy",
    label: "Update-client policy",
    type: "enum",
    values: ["notify_download", "auto_download_notify_install", "auto_download_scheduled", "configmgr_advertised"],
  },
  { field: { key: "prerequisite", name: "MSXML" }, name: "msxml", label: "MSXML version", type: "version", values: [] },
];

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
const CMP = { eq: "=", ne: "!=", lt: "<", le: "<=", gt: ">", ge: ">=" } as const;
const UNIT = { minutes: "m", hours: "h", days: "d", weeks: "w" } as const;

function value(v: Value): string {
  switch (v.type) {
    case "text":
      return quote(v.value);
    case "number":
      return String(v.value);
    case "time":
      return quote(v.value);
    default:
      return v.value;
  }
}

function test(t: Test): string {
  switch (t.op) {
    case "compare":
      return `${CMP[t.cmp]} ${value(t.value)}`;
    case "contains":
      return `contains ${quote(t.text)}`;
    case "startsWith":
      return `starts with ${quote(t.text)}`;
    case "endsWith":
      return `ends with ${quote(t.text)}`;
    case "like":
      return `like ${quote(t.pattern)}`;
    case "in":
      return `in (${t.values.map(value).join(", ")})`;
    case "notIn":
      return `not in (${t.values.map(value).join(", ")})`;
    case "between":
      return `between ${value(t.low)} and ${value(t.high)}`;
    case "isEmpty":
      return "is empty";
    case "isNotEmpty":
      return "is not empty";
    case "within":
      return `within ${t.age.amount}${UNIT[t.age.unit]}`;
    case "olderThan":
      return `older than ${t.age.amount}${UNIT[t.age.unit]}`;
  }
}

/** The text form of a tree, as the core's printer writes it. */
export function printExpr(e: Expr): string {
  const child = (c: Expr) => (c.kind === "and" || c.kind === "or" ? `(${printExpr(c)})` : printExpr(c));
  switch (e.kind) {
    case "all":
      return "all";
    case "and":
    case "or":
      return e.items.map(child).join(` ${e.kind} `);
    case "not":
      return `not ${child(e.item)}`;
    case "cond": {
      const name = fields.find((f) => JSON.stringify(f.field) === JSON.stringify(e.field))?.name ?? e.field.key;
      return `${name} ${test(e.test)}`;
    }
  }
}
