import type { QueryClient } from "@tanstack/react-query";

/** Query keys per area; mutations invalidate by area prefix. */
export const queryKeys = {
  summary: ["summary"] as const,
  appInfo: ["app", "info"] as const,
  inventory: ["inventory"] as const,
  facets: ["inventory", "facets"] as const,
  computerList: (filters: unknown) => ["inventory", "list", filters] as const,
  computer: (id: number) => ["inventory", "computer", id] as const,
  catalog: ["catalog"] as const,
  updateList: (filters: unknown) => ["catalog", "list", filters] as const,
};

/** After an import or a demo load: everything that shows data may be stale. */
export async function invalidateData(client: QueryClient): Promise<void> {
  await Promise.all([
    client.invalidateQueries({ queryKey: queryKeys.summary }),
    client.invalidateQueries({ queryKey: queryKeys.inventory }),
    client.invalidateQueries({ queryKey: queryKeys.catalog }),
  ]);
}
