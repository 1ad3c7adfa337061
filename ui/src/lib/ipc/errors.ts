import type { ErrorKind } from "../../bindings/ErrorKind";
import type { QueryError } from "../../bindings/QueryError";
import type { WireError } from "../../bindings/WireError";

const KINDS: ReadonlySet<string> = new Set<ErrorKind>(["invalid", "notFound", "conflict", "forbidden", "cancelled", "io", "internal"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** True when `value` already has the wire shape `{ kind, message, details? }` with a known kind. */
export function isWireError(value: unknown): value is WireError {
  return isRecord(value) && typeof value.kind === "string" && KINDS.has(value.kind) && typeof value.message === "string";
}

/**
 * Turns anything a command (or the IPC bridge itself) rejected with into a WireError.
 * A `{ kind, message }` from Rust is kept as it is; a string, an Error or anything else
 * becomes `{ kind: "internal", message }`. The UI then switches on `kind` only.
 */
export function toWireError(reason: unknown): WireError {
  if (isWireError(reason)) {
    const out: WireError = { kind: reason.kind, message: reason.message };
    if (reason.details !== undefined) out.details = reason.details;
    return out;
  }
  if (typeof reason === "string") {
    return { kind: "internal", message: reason || "Unknown error" };
  }
  if (reason instanceof Error) {
    return { kind: "internal", message: reason.message || reason.name };
  }
  if (isRecord(reason) && typeof reason.message === "string") {
    return { kind: "internal", message: reason.message };
  }
  return { kind: "internal", message: "Unknown error" };
}

/**
 * What every typed command rejects with: an Error (so it has a stack and works with
 * `instanceof`) that is also a WireError.
 */
export class CommandError extends Error implements WireError {
  readonly kind: ErrorKind;
  readonly details?: unknown;

  constructor(wire: WireError, readonly command?: string) {
    super(wire.message);
    this.name = "CommandError";
    this.kind = wire.kind;
    if (wire.details !== undefined) this.details = wire.details;
  }

  static from(reason: unknown, command?: string): CommandError {
    if (reason instanceof CommandError) return reason;
    return new CommandError(toWireError(reason), command);
  }
}

/** The position and excerpt of a query that does not parse or check, when `error` is one. */
export function queryErrorOf(error: unknown): QueryError | null {
  const wire = toWireError(error);
  if (wire.kind !== "invalid" || !isRecord(wire.details)) return null;
  const d = wire.details;
  const ok =
    typeof d.message === "string" &&
    typeof d.line === "number" &&
    typeof d.column === "number" &&
    typeof d.start === "number" &&
    typeof d.end === "number" &&
    typeof d.excerpt === "string" &&
    (d.suggestion === undefined || typeof d.suggestion === "string");
  return ok ? (d as QueryError) : null;
}

/** True when the user cancelled the running task (not a failure to show in red). */
export function isCancelled(error: unknown): boolean {
  return toWireError(error).kind === "cancelled";
}

/** Short human title for an error kind, for notification and alert headings. */
export function errorTitle(kind: ErrorKind): string {
  switch (kind) {
    case "invalid":
      return "The input was not accepted";
    case "notFound":
      return "Not found";
    case "conflict":
      return "Conflict";
    case "forbidden":
      return "Not allowed for your role";
    case "cancelled":
      return "Cancelled";
    case "io":
      return "File or disk problem";
    case "internal":
      return "Something went wrong";
  }
}
