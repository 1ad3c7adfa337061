// The rule builder's model: rows of "field operator value", combined with and/or, to and
// from the query tree (Expr). Pure functions; the core prints and parses the text form.
import type { AgeUnit } from "../../bindings/AgeUnit";
import type { CmpOp } from "../../bindings/CmpOp";
import type { Expr } from "../../bindings/Expr";
import type { Field } from "../../bindings/Field";
import type { FieldInfo } from "../../bindings/FieldInfo";
import type { FieldType } from "../../bindings/FieldType";
import type { Test } from "../../bindings/Test";
import type { Value } from "../../bindings/Value";

/** Operators as the text form writes them (also the builder's option values). */
export type Op =
  | "="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "contains"
  | "starts with"
  | "ends with"
  | "like"
  | "in"
  | "not in"
  | "between"
  | "is empty"
  | "is not empty"
  | "within"
  | "older than";

export type Combinator = "and" | "or";

export interface BuilderRow {
  /** Stable React key. */
  key: number;
  /** The field's text-form name (FieldInfo.name). */
  field: string;
  op: Op;
  /** `not` around this condition. */
  negate: boolean;
  /** The value; for `between` the low end; for `within`/`older than` the amount. */
  value: string;
  /** The high end of `between`. */
  value2: string;
  /** The list of `in` / `not in`. */
  values: string[];
  unit: AgeUnit;
}

export interface BuilderState {
  combinator: Combinator;
  rows: BuilderRow[];
}

/**
 * What each field type offers, the most used first. The core's checker accepts exactly
 * these (so any single condition it parses fits the builder).
 */
export const OPS_BY_TYPE: Record<FieldType, readonly Op[]> = {
  text: ["=", "!=", "contains", "starts with", "ends with", "like", "in", "not in", "is empty", "is not empty", "<", "<=", ">", ">=", "between"],
  version: ["=", "!=", "<", "<=", ">", ">=", "between", "in", "not in", "is empty", "is not empty"],
  number: ["=", "!=", "<", "<=", ">", ">=", "between", "in", "not in", "is empty", "is not empty"],
  time: ["within", "older than", "<", "<=", ">", ">=", "between", "is empty", "is not empty", "=", "!="],
  enum: ["=", "!=", "in", "not in"],
};

export const AGE_UNITS: { value: AgeUnit; label: string; suffix: string }[] = [
  { value: "minutes", label: "minutes", suffix: "m" },
  { value: "hours", label: "hours", suffix: "h" },
  { value: "days", label: "days", suffix: "d" },
  { value: "weeks", label: "weeks", suffix: "w" },
];

/** The largest age the language accepts (`100000d`). */
export const MAX_AGE = 100_000;

/** What inputs an operator takes. */
export type ValueShape = "one" | "two" | "list" | "age" | "none";

export function valueShape(op: Op): ValueShape {
  switch (op) {
    case "between":
      return "two";
    case "in":
    case "not in":
      return "list";
    case "within":
    case "older than":
      return "age";
    case "is empty":
    case "is not empty":
      return "none";
    default:
      return "one";
  }
}

const CMP: Partial<Record<Op, CmpOp>> = { "=": "eq", "!=": "ne", "<": "lt", "<=": "le", ">": "gt", ">=": "ge" };
const CMP_SYMBOL: Record<CmpOp, Op> = { eq: "=", ne: "!=", lt: "<", le: "<=", gt: ">", ge: ">=" };

/** The operator's label for a field of type `type` (time comparisons read as before/after). */
export function opLabel(op: Op, type: FieldType): string {
  if (type === "time") {
    const time: Partial<Record<Op, string>> = {
      within: "within the last",
      "older than": "older than",
      "<": "before",
      "<=": "on or before",
      ">": "after",
      ">=": "on or after",
      "=": "exactly at",
      "!=": "not exactly at",
    };
    if (time[op]) return time[op];
  }
  const labels: Record<Op, string> = {
    "=": type === "enum" ? "is" : "=",
    "!=": type === "enum" ? "is not" : "≠",
    "<": "<",
    "<=": "≤",
    ">": ">",
    ">=": "≥",
    contains: "contains",
    "starts with": "starts with",
    "ends with": "ends with",
    like: "like (* and ?)",
    in: "is one of",
    "not in": "is none of",
    between: "between",
    "is empty": "is empty",
    "is not empty": "is not empty",
    within: "within",
    "older than": "older than",
  };
  return labels[op];
}

let nextKey = 1;

/** A new condition: the first field and its first operator, no value yet. */
export function newRow(fields: readonly FieldInfo[], field?: string): BuilderRow {
  const info = fields.find((f) => f.name === field) ?? fields[0];
  const type = info?.type ?? "text";
  return { key: nextKey++, field: info?.name ?? "name", op: OPS_BY_TYPE[type][0], negate: false, value: "", value2: "", values: [], unit: "days" };
}

export function fieldInfo(fields: readonly FieldInfo[], name: string): FieldInfo | undefined {
  return fields.find((f) => f.name === name);
}

/**
 * Another field. The operator stays for a field of the same type, or when it is one of the
 * new type's two main ones (so "site =" becomes "role =", but "name =" becomes "last_seen
 * within", not an exact instant). Values of another field do not carry over.
 */
export function withField(row: BuilderRow, name: string, fields: readonly FieldInfo[]): BuilderRow {
  const before = fieldInfo(fields, row.field)?.type;
  const type = fieldInfo(fields, name)?.type ?? "text";
  const ops = OPS_BY_TYPE[type];
  const keep = ops.includes(row.op) && (before === type || ops.slice(0, 2).includes(row.op));
  return { ...row, field: name, op: keep ? row.op : ops[0], value: "", value2: "", values: [] };
}

/** Another operator: keep what was typed where it still fits (one value <-> a list of one). */
export function withOp(row: BuilderRow, op: Op): BuilderRow {
  const from = valueShape(row.op);
  const to = valueShape(op);
  if (from === to) return { ...row, op };
  if (to === "list" && row.values.length === 0 && row.value.trim() !== "" && from === "one") {
    return { ...row, op, values: [row.value.trim()] };
  }
  if (from === "list" && to === "one" && row.value === "" && row.values.length > 0) {
    return { ...row, op, value: row.values[0] };
  }
  if (to === "age" || from === "age") return { ...row, op, value: "", value2: "" };
  return { ...row, op };
}

const VERSION = /^\d{1,10}(\.\d{1,10})*$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** "2026-11-01" (midnight UTC) or an instant with its offset, as the ISO form the core reads. */
export function parseTime(text: string): string | null {
  const t = text.trim();
  const date = DATE.exec(t);
  if (date) {
    const [y, m, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const ms = Date.UTC(y, m - 1, d);
    const back = new Date(ms);
    // Date.UTC rolls 2026-02-30 over to March: refuse it instead.
    if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return null;
    return `${t}T00:00:00Z`;
  }
  if (DATE_TIME.test(t)) {
    const ms = Date.parse(t.replace(" ", "T"));
    return Number.isNaN(ms) ? null : new Date(ms).toISOString();
  }
  return null;
}

/** A time value as the builder shows it: the date alone at midnight UTC. */
export function timeText(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T00:00(:00(\.0+)?)?Z$/.exec(iso);
  return m ? m[1] : iso;
}

type Typed = { value: Value } | { problem: string };

/** A typed literal for `info`'s field from what was typed, or what is wrong with it. */
export function typedValue(info: FieldInfo, raw: string): Typed {
  const t = raw.trim();
  if (t === "") return { problem: "Enter a value" };
  switch (info.type) {
    case "text":
      return { value: { type: "text", value: raw } };
    case "version":
      return VERSION.test(t)
        ? { value: { type: "version", value: t } }
        : { problem: `'${t}' is not a version: use digits separated by dots, such as 10.0.19045` };
    case "number": {
      const n = Number(t);
      return Number.isFinite(n) ? { value: { type: "number", value: n } } : { problem: `'${t}' is not a number` };
    }
    case "time": {
      const iso = parseTime(t);
      return iso ? { value: { type: "time", value: iso } } : { problem: `'${t}' is not a date: use 2026-11-01 (UTC)` };
    }
    case "enum": {
      const known = info.values.find((v) => v.toLowerCase() === t.toLowerCase());
      return known ? { value: { type: "enum", value: known } } : { problem: `Choose one of ${info.values.join(", ")}` };
    }
  }
}

export type RowResult = { expr: Expr } | { problem: string };

/** The condition a row stands for, or why it is left out of the query. */
export function rowExpr(row: BuilderRow, fields: readonly FieldInfo[]): RowResult {
  const info = fieldInfo(fields, row.field);
  if (!info) return { problem: `Unknown field '${row.field}'` };
  if (!OPS_BY_TYPE[info.type].includes(row.op)) return { problem: `'${row.op}' does not apply to ${info.label}` };
  const one = (raw: string) => typedValue(info, raw);
  let test: Test;
  switch (row.op) {
    case "contains":
    case "starts with":
    case "ends with":
    case "like": {
      if (row.value.trim() === "") return { problem: "Enter a value" };
      test =
        row.op === "contains"
          ? { op: "contains", text: row.value }
          : row.op === "starts with"
            ? { op: "startsWith", text: row.value }
            : row.op === "ends with"
              ? { op: "endsWith", text: row.value }
              : { op: "like", pattern: row.value };
      break;
    }
    case "in":
    case "not in": {
      if (row.values.length === 0) return { problem: "Add at least one value" };
      const values: Value[] = [];
      for (const raw of row.values) {
        const v = one(raw);
        if ("problem" in v) return v;
        values.push(v.value);
      }
      test = row.op === "in" ? { op: "in", values } : { op: "notIn", values };
      break;
    }
    case "between": {
      const low = one(row.value);
      if ("problem" in low) return low;
      const high = one(row.value2);
      if ("problem" in high) return high;
      test = { op: "between", low: low.value, high: high.value };
      break;
    }
    case "is empty":
      test = { op: "isEmpty" };
      break;
    case "is not empty":
      test = { op: "isNotEmpty" };
      break;
    case "within":
    case "older than": {
      const t = row.value.trim();
      const amount = Number(t);
      if (t === "") return { problem: "Enter a number" };
      if (!Number.isInteger(amount) || amount < 0 || amount > MAX_AGE) {
        return { problem: `Use a whole number from 0 to ${MAX_AGE.toLocaleString("en-US")}` };
      }
      const age = { amount, unit: row.unit };
      test = row.op === "within" ? { op: "within", age } : { op: "olderThan", age };
      break;
    }
    default: {
      const v = one(row.value);
      if ("problem" in v) return v;
      test = { op: "compare", cmp: CMP[row.op] ?? "eq", value: v.value };
    }
  }
  const cond: Expr = { kind: "cond", field: info.field, test };
  return { expr: row.negate ? { kind: "not", item: cond } : cond };
}

export interface BuiltQuery {
  /** The tree of the complete rows; null when there is none (no query rule). */
  expr: Expr | null;
  /** Rows left out, by key, with the reason. */
  problems: Map<number, string>;
}

export function buildExpr(state: BuilderState, fields: readonly FieldInfo[]): BuiltQuery {
  const items: Expr[] = [];
  const problems = new Map<number, string>();
  for (const row of state.rows) {
    const r = rowExpr(row, fields);
    if ("problem" in r) problems.set(row.key, r.problem);
    else items.push(r.expr);
  }
  const expr: Expr | null =
    items.length === 0 ? null : items.length === 1 ? items[0] : { kind: state.combinator, items };
  return { expr, problems };
}

export function sameField(a: Field, b: Field): boolean {
  if (a.key === "prerequisite" || b.key === "prerequisite") {
    return a.key === b.key && (a as { name: string }).name === (b as { name: string }).name;
  }
  return a.key === b.key;
}

function valueText(v: Value): string {
  switch (v.type) {
    case "number":
      return String(v.value);
    case "time":
      return timeText(v.value);
    default:
      return v.value;
  }
}

function condRow(e: Expr, fields: readonly FieldInfo[]): BuilderRow | null {
  let negate = false;
  if (e.kind === "not") {
    negate = true;
    e = e.item;
  }
  if (e.kind !== "cond") return null;
  const cond = e;
  const info = fields.find((f) => sameField(f.field, cond.field));
  if (!info) return null;
  const row = { ...newRow(fields, info.name), negate };
  const t = cond.test;
  let filled: BuilderRow;
  switch (t.op) {
    case "compare":
      filled = { ...row, op: CMP_SYMBOL[t.cmp], value: valueText(t.value) };
      break;
    case "contains":
      filled = { ...row, op: "contains", value: t.text };
      break;
    case "startsWith":
      filled = { ...row, op: "starts with", value: t.text };
      break;
    case "endsWith":
      filled = { ...row, op: "ends with", value: t.text };
      break;
    case "like":
      filled = { ...row, op: "like", value: t.pattern };
      break;
    case "in":
    case "notIn":
      filled = { ...row, op: t.op === "in" ? "in" : "not in", values: t.values.map(valueText) };
      break;
    case "between":
      filled = { ...row, op: "between", value: valueText(t.low), value2: valueText(t.high) };
      break;
    case "isEmpty":
      filled = { ...row, op: "is empty" };
      break;
    case "isNotEmpty":
      filled = { ...row, op: "is not empty" };
      break;
    case "within":
    case "olderThan":
      filled = { ...row, op: t.op === "within" ? "within" : "older than", value: String(t.age.amount), unit: t.age.unit };
      break;
  }
  return OPS_BY_TYPE[info.type].includes(filled.op) ? filled : null;
}

/**
 * The builder's rows for a parsed query, or null when the tree has another shape than the
 * builder's: one condition, or one and/or of conditions (each possibly negated).
 */
export function exprToBuilder(expr: Expr, fields: readonly FieldInfo[]): BuilderState | null {
  if (expr.kind === "and" || expr.kind === "or") {
    const rows: BuilderRow[] = [];
    for (const item of expr.items) {
      const row = condRow(item, fields);
      if (!row) return null;
      rows.push(row);
    }
    return { combinator: expr.kind, rows };
  }
  const row = condRow(expr, fields);
  return row ? { combinator: "and", rows: [row] } : null;
}

/** The string index of a UTF-8 byte offset (the core reports byte offsets). */
export function byteToIndex(text: string, byteOffset: number): number {
  let bytes = 0;
  let index = 0;
  for (const ch of text) {
    if (bytes >= byteOffset) break;
    const cp = ch.codePointAt(0) ?? 0;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    index += ch.length;
  }
  return index;
}
