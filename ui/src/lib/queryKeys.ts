import type { QueryClient } from "@tanstack/react-query";

/** Query keys per area; mutations invalidate by area prefix. */
export const queryKeys = {
  summary: ["summary"] as const,
  appInfo: ["app", "info"] as const,
  inventory: ["inventory"] as const,
  facets: ["inventory", "facets"] as const,
  computerList: (filters: unknown) => ["inventory", "list", filters] as const,
  computer: (id: number) => ["inventory", "computer", id] as const,
  /** Direct-member suggestions for the collection editor. */
  computerNames: (search: string) => ["inventory", "names", search] as const,
  /** The query language's fields and their common values come from the inventory's data. */
  queryFields: ["inventory", "query-fields"] as const,
  queryFieldValues: (field: unknown) => ["inventory", "query-field-values", field] as const,
  catalog: ["catalog"] as const,
  updateList: (filters: unknown) => ["catalog", "list", filters] as const,
  collections: ["collections"] as const,
  collectionList: ["collections", "list"] as const,
  collection: (id: number) => ["collections", "detail", id] as const,
  collectionChanges: (id: number) => ["collections", "changes", id] as const,
  /** `draft` is the serialised CollectionInput: equal drafts share one request. */
  collectionPreview: (id: number | null, draft: string) => ["collections", "preview", id, draft] as const,
  /**
   * The outcome of the last evaluation this session ran (only it says whether that was the
   * first evaluation); set by the evaluate mutations, never fetched, so it lives outside the
   * "collections" prefix that mutations invalidate.
   */
  collectionEvaluation: (id: number) => ["collection-evaluation", id] as const,
  releases: ["releases"] as const,
  releaseList: ["releases", "list"] as const,
  release: (id: number) => ["releases", "detail", id] as const,
  releaseFit: (id: number) => ["releases", "fit", id] as const,
  conflicts: ["releases", "conflicts"] as const,
  /** `draft` is the serialised ReleaseInput: equal drafts share one check. */
  releaseCheck: (id: number | null, draft: string) => ["releases", "check", id, draft] as const,
  templates: ["releases", "templates"] as const,
  windows: (collectionId: number | null) => ["releases", "windows", collectionId] as const,
  blackouts: ["releases", "blackouts"] as const,
  schedule: (from: string, to: string) => ["releases", "schedule", from, to] as const,
  /** Approvals: the operator, people, policy and each release's status live under "releases"
   *  too, so any planning change refreshes them. */
  operator: ["operator"] as const,
  people: ["releases", "people"] as const,
  policy: ["releases", "policy"] as const,
  releaseStatus: (id: number) => ["releases", "status", id] as const,
  releaseTimeline: (id: number) => ["releases", "timeline", id] as const,
  inbox: ["releases", "inbox"] as const,
  audit: (search: string) => ["releases", "audit", search] as const,
  /** Notifications: templates, campaigns and the mail settings; mutations invalidate "mail". */
  mail: ["mail"] as const,
  mailTemplates: ["mail", "templates"] as const,
  mailSettings: ["mail", "settings"] as const,
  campaigns: ["mail", "campaigns"] as const,
  campaignList: (release: number | null) => ["mail", "campaigns", "list", release] as const,
  campaign: (id: number) => ["mail", "campaigns", "detail", id] as const,
  campaignDeliveries: (id: number, filter: string | null, search: string) =>
    ["mail", "campaigns", "deliveries", id, filter, search] as const,
  campaignRecipients: (id: number, search: string) => ["mail", "campaigns", "recipients", id, search] as const,
  campaignPreview: (id: number, email: string) => ["mail", "campaigns", "preview", id, email] as const,
  /** Pure functions of their input: never stale, never invalidated. */
  campaignDefaults: (kind: string) => ["mail-defaults", kind] as const,
  /** `source` is the serialised TemplateSource: equal texts share one render. */
  mailTemplatePreview: (source: string, kind: string) => ["mail-template-preview", kind, source] as const,
  /**
   * The outbox's status, kept up to date by the sender's stream (which alone knows the rate
   * and whether the server is reachable): outside "mail", so invalidating never refetches it.
   */
  outboxStatus: ["outbox", "status"] as const,
  /** Parsing and printing are pure: their results never go stale. */
  queryParse: (text: string) => ["query-language", "parse", text] as const,
  queryPrint: (expr: unknown) => ["query-language", "print", expr] as const,
};

/** After an import or a demo load: everything that shows data may be stale. */
export async function invalidateData(client: QueryClient): Promise<void> {
  await Promise.all([
    client.invalidateQueries({ queryKey: queryKeys.summary }),
    client.invalidateQueries({ queryKey: queryKeys.inventory }),
    client.invalidateQueries({ queryKey: queryKeys.catalog }),
    // New sites bring new built-in collections.
    client.invalidateQueries({ queryKey: queryKeys.collections }),
    // A demo load brings its releases, windows and blackouts.
    client.invalidateQueries({ queryKey: queryKeys.releases }),
  ]);
}

/** After a collection is saved, evaluated or deleted: the collections, and the member lists. */
export async function invalidateCollections(client: QueryClient): Promise<void> {
  await Promise.all([
    client.invalidateQueries({ queryKey: queryKeys.collections }),
    client.invalidateQueries({ queryKey: ["inventory", "list"] }),
    // Phases show their collections' sizes; conflicts and window fit follow membership.
    client.invalidateQueries({ queryKey: queryKeys.releases }),
  ]);
}

/** After a release, window, blackout or template changes: everything planning shows. */
export async function invalidateReleases(client: QueryClient): Promise<void> {
  await client.invalidateQueries({ queryKey: queryKeys.releases });
}

/** After a campaign or template changes: everything Notifications shows. */
export async function invalidateMail(client: QueryClient): Promise<void> {
  await client.invalidateQueries({ queryKey: queryKeys.mail });
}
