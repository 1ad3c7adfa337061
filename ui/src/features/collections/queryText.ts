import { queryOptions } from "@tanstack/react-query";
import type { Expr } from "../../bindings/Expr";
import { collectionParseQuery, collectionPrintQuery } from "../../lib/ipc";
import { queryKeys } from "../../lib/queryKeys";
import type { BuilderState } from "./builder";

/** The query part of the editor: the builder's rows, or text. */
export interface QueryDraft {
  mode: "builder" | "text";
  builder: BuilderState;
  /** The text form, edited in text mode (the builder's text is printed by the core). */
  text: string;
  /** Why the text stays in text mode. */
  notice: string | null;
}

export const TOO_COMPLEX = "This query is too complex for the builder; edit it as text.";

// Parsing and printing depend on nothing but their input: cached for good, never retried
// (a query error is an answer, not a failure, so it is not asked again on mount either).
export const parseQueryOptions = (text: string) =>
  queryOptions({
    queryKey: queryKeys.queryParse(text),
    queryFn: () => collectionParseQuery(text),
    staleTime: Infinity,
    retry: false,
    retryOnMount: false,
  });

export const printQueryOptions = (expr: Expr) =>
  queryOptions({
    queryKey: queryKeys.queryPrint(expr),
    queryFn: () => collectionPrintQuery(expr),
    staleTime: Infinity,
    retry: false,
  });
