import { skipToken, useMutation, useQuery, useQueryClient, type QueryClient } from "@tanstack/react-query";
import type { Evaluation } from "../../bindings/Evaluation";
import { formatCount, formatDuration, plural } from "../../lib/format";
import { collectionEvaluate, collectionEvaluateAll } from "../../lib/ipc";
import { notifyError, notifySuccess } from "../../lib/notify";
import { invalidateCollections, queryKeys } from "../../lib/queryKeys";

/** Keeps each evaluation's outcome: only it tells a first evaluation from one without changes. */
export function recordEvaluations(client: QueryClient, evaluations: readonly Evaluation[]): void {
  // Small and never refetchable: keep it for the whole session.
  client.setQueryDefaults(["collection-evaluation"], { gcTime: Infinity, staleTime: Infinity });
  for (const e of evaluations) client.setQueryData(queryKeys.collectionEvaluation(e.id), e);
}

/** The last evaluation of `id` this session ran, if any. */
export function useLastEvaluation(id: number): Evaluation | undefined {
  return useQuery<Evaluation>({ queryKey: queryKeys.collectionEvaluation(id), queryFn: skipToken }).data;
}

/** "1,234 members · +5 entered · −2 left · 12 ms", or the first evaluation's own wording. */
export function evaluationSummary(e: Evaluation): string {
  const members = plural(e.memberCount, "member");
  if (e.first) return `First evaluation: ${members}, everyone is new (${formatDuration(e.elapsedMs)}).`;
  return `${members} · +${formatCount(e.entered)} entered · −${formatCount(e.left)} left (${formatDuration(e.elapsedMs)}).`;
}

/** Evaluates one collection now; notifies, records the outcome and refreshes what shows members. */
export function useEvaluateCollection() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => collectionEvaluate(id),
    onSuccess: async (evaluations) => {
      recordEvaluations(client, evaluations);
      const asked = evaluations.at(-1);
      if (asked) notifySuccess(`Evaluated “${asked.name}”`, evaluationSummary(asked));
      await invalidateCollections(client);
    },
    onError: (error) => notifyError(error, "The collection could not be evaluated"),
  });
}

/** Evaluates every collection in dependency order. */
export function useEvaluateAll() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: collectionEvaluateAll,
    onSuccess: async (evaluations) => {
      recordEvaluations(client, evaluations);
      const ms = evaluations.reduce((sum, e) => sum + e.elapsedMs, 0);
      notifySuccess("Collections evaluated", `${plural(evaluations.length, "collection")} in ${formatDuration(ms)}.`);
      await invalidateCollections(client);
    },
    onError: (error) => notifyError(error, "The collections could not be evaluated"),
  });
}
