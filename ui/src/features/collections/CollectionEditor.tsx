import { Alert, Button, Card, Center, Checkbox, Loader, NativeSelect, SimpleGrid, Stack, Text, Textarea, TextInput, Title } from "@mantine/core";
import { getHotkeyHandler } from "@mantine/hooks";
import { IconAlertTriangle, IconDeviceFloppy, IconLock } from "@tabler/icons-react";
import { keepPreviousData, skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo, useState, type ReactNode } from "react";
import type { Collection } from "../../bindings/Collection";
import type { CollectionDetail } from "../../bindings/CollectionDetail";
import type { CollectionInput } from "../../bindings/CollectionInput";
import type { Evaluation } from "../../bindings/Evaluation";
import type { Expr } from "../../bindings/Expr";
import type { FieldInfo } from "../../bindings/FieldInfo";
import { ErrorAlert } from "../../components/ErrorAlert";
import { PageHeader } from "../../components/PageHeader";
import { collectionCreate, collectionEvaluate, collectionFields, collectionGet, collectionList, collectionUpdate } from "../../lib/ipc";
import { notifyError, notifySuccess } from "../../lib/notify";
import { invalidateCollections, queryKeys } from "../../lib/queryKeys";
import { buildExpr, exprToBuilder } from "./builder";
import { evaluationSummary, recordEvaluations } from "./evaluation";
import { CollectionChecklist, DirectMembersInput } from "./pickers";
import { PreviewPanel } from "./PreviewPanel";
import { QuerySection } from "./QuerySection";
import { parseQueryOptions, printQueryOptions, TOO_COMPLEX, type QueryDraft } from "./queryText";
import { collectionHref, collectionsHref, navigate } from "./routes";

/** Everything of a collection but its query, as the form edits it. */
type RulesDraft = Omit<CollectionInput, "query">;

const EMPTY_BUILDER = { combinator: "and" as const, rows: [] };

/** Loads what the editor needs (the collections, the fields, the edited collection) before showing it. */
export function CollectionEditorPage({ id }: { id: number | null }) {
  const list = useQuery({ queryKey: queryKeys.collectionList, queryFn: collectionList });
  const fields = useQuery({ queryKey: queryKeys.queryFields, queryFn: collectionFields, staleTime: 5 * 60_000 });
  const detail = useQuery({
    queryKey: queryKeys.collection(id ?? 0),
    queryFn: id == null ? skipToken : () => collectionGet(id),
  });
  const stored = detail.data?.collection.query.trim() ?? "";
  const parsed = useQuery({ ...parseQueryOptions(stored), enabled: stored !== "" });

  const back = id == null ? collectionsHref : collectionHref(id);
  const failed = [list, fields, ...(id == null ? [] : [detail])].find((q) => q.isError);
  if (failed?.error) {
    return (
      <>
        <PageHeader title={id == null ? "New collection" : "Edit collection"} />
        <ErrorAlert error={failed.error} onRetry={() => void failed.refetch()} />
      </>
    );
  }
  // The stored query's first answer decides builder or text; later fetches of the same key
  // (the text editor shares it) must not take the form away again.
  const loading = list.isPending || fields.isPending || (id != null && detail.isPending) || (stored !== "" && !parsed.isFetched);
  if (loading || !list.data || !fields.data) {
    return (
      <Center py="xl" className="page">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (detail.data?.collection.builtin) {
    return (
      <>
        <PageHeader title={detail.data.collection.name} />
        <Alert color="gray" variant="light" icon={<IconLock size={18} />} title="Built-in collections cannot be changed">
          PatchDesk keeps them up to date. To target part of one, create a collection that includes it or is limited to it.{" "}
          <a href={back}>Back to the collection</a>
        </Alert>
      </>
    );
  }
  return (
    <CollectionForm
      id={id}
      detail={detail.data}
      collections={list.data}
      fields={fields.data}
      initialQuery={initialQuery(stored, parsed.data, fields.data)}
    />
  );
}

/** The builder when the stored query fits it, else text (with the reason when it parsed). */
function initialQuery(stored: string, parsed: Expr | undefined, fields: readonly FieldInfo[]): QueryDraft {
  if (stored === "") return { mode: "builder", builder: EMPTY_BUILDER, text: "", notice: null };
  const builder = parsed ? exprToBuilder(parsed, fields) : null;
  if (builder) return { mode: "builder", builder, text: stored, notice: null };
  return { mode: "text", builder: EMPTY_BUILDER, text: stored, notice: parsed ? TOO_COMPLEX : null };
}

function initialRules(detail: CollectionDetail | undefined): RulesDraft {
  if (!detail) {
    return { name: "", description: "", limitId: null, includes: [], excludes: [], direct: [], continuous: false };
  }
  const c = detail.collection;
  return {
    name: c.name,
    description: c.description,
    limitId: c.limit?.id ?? null,
    includes: c.includes.map((r) => r.id),
    excludes: c.excludes.map((r) => r.id),
    direct: detail.direct.map((d) => d.name),
    continuous: c.continuous,
  };
}

function Section({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <Card withBorder padding="md">
      <Title order={3} fz="md" mb={description ? 2 : "sm"}>
        {title}
      </Title>
      {description && (
        <Text size="xs" c="dimmed" mb="sm">
          {description}
        </Text>
      )}
      {children}
    </Card>
  );
}

interface CollectionFormProps {
  id: number | null;
  detail: CollectionDetail | undefined;
  collections: readonly Collection[];
  fields: readonly FieldInfo[];
  initialQuery: QueryDraft;
}

function CollectionForm({ id, detail, collections, fields, initialQuery }: CollectionFormProps) {
  const client = useQueryClient();
  const [rules, setRules] = useState<RulesDraft>(() => initialRules(detail));
  const [query, setQuery] = useState<QueryDraft>(initialQuery);
  const set = <K extends keyof RulesDraft>(key: K, value: RulesDraft[K]) => setRules((r) => ({ ...r, [key]: value }));
  // Stable, so the memoised pickers skip the re-render of each keystroke elsewhere.
  const setDirect = useCallback((direct: string[]) => setRules((r) => ({ ...r, direct })), []);
  const setIncludes = useCallback((includes: number[]) => setRules((r) => ({ ...r, includes })), []);
  const setExcludes = useCallback((excludes: number[]) => setRules((r) => ({ ...r, excludes })), []);

  const built = useMemo(() => buildExpr(query.builder, fields), [query.builder, fields]);
  const inBuilder = query.mode === "builder";
  const printed = useQuery({
    ...printQueryOptions(built.expr ?? { kind: "all" }),
    enabled: inBuilder && built.expr !== null,
    placeholderData: keepPreviousData,
  });
  // The builder's text: "" without conditions, null until the core has printed the first tree.
  const builderText = built.expr === null ? "" : (printed.data ?? null);
  const queryText = inBuilder ? builderText : query.text.trim();
  const printing = inBuilder && built.expr !== null && (printed.isPending || printed.isPlaceholderData);

  const adds = queryText !== "" || rules.direct.length > 0 || rules.includes.length > 0;
  // Name, description and continuity do not change who is in: leaving them out of the
  // preview spares a recount per keystroke in the name.
  const previewDraft: CollectionInput | null =
    adds && queryText !== null ? { ...rules, name: "", description: "", continuous: false, query: queryText } : null;

  const others = useMemo(() => collections.filter((c) => c.id !== id), [collections, id]);
  const blockedForInclude = useMemo(
    () => new Map(rules.excludes.map((x) => [x, "Excluded: a collection cannot be both included and excluded"] as const)),
    [rules.excludes],
  );
  const blockedForExclude = useMemo(
    () => new Map(rules.includes.map((x) => [x, "Included: a collection cannot be both included and excluded"] as const)),
    [rules.includes],
  );

  const save = useMutation({
    mutationFn: async () => {
      const text = !inBuilder ? query.text.trim() : built.expr ? await client.fetchQuery(printQueryOptions(built.expr)) : "";
      const input: CollectionInput = { ...rules, name: rules.name.trim(), description: rules.description.trim(), query: text };
      const saved = id == null ? await collectionCreate(input) : await collectionUpdate(id, input);
      // Evaluated at once, so the collection opens with its members and count.
      let evaluation: Evaluation | undefined;
      let evaluationError: unknown = null;
      try {
        const evaluations = await collectionEvaluate(saved.collection.id);
        recordEvaluations(client, evaluations);
        evaluation = evaluations.at(-1);
      } catch (error) {
        evaluationError = error;
      }
      return { saved, evaluation, evaluationError };
    },
    onSuccess: async ({ saved, evaluation, evaluationError }) => {
      const c = saved.collection;
      client.setQueryData(queryKeys.collection(c.id), saved);
      navigate(collectionHref(c.id));
      if (evaluationError) notifyError(evaluationError, `“${c.name}” was saved but could not be evaluated`);
      else notifySuccess(id == null ? "Collection created" : "Collection saved", evaluation ? `“${c.name}”: ${evaluationSummary(evaluation)}` : `“${c.name}”`);
      await invalidateCollections(client);
    },
  });
  const submit = () => {
    if (!save.isPending) save.mutate();
  };

  const back = id == null ? collectionsHref : collectionHref(id);

  return (
    <div className="page" data-testid="collection-editor" onKeyDown={getHotkeyHandler([["mod+S", submit]])}>
      <PageHeader
        title={id == null ? "New collection" : `Edit “${detail?.collection.name ?? ""}”`}
        description="Members = limit ∩ (query ∪ direct members ∪ included) − excluded"
        actions={
          <>
            <Button component="a" href={back} variant="default" data-testid="collection-cancel">
              Cancel
            </Button>
            <Button leftSection={<IconDeviceFloppy size={16} />} onClick={submit} loading={save.isPending} data-testid="collection-save">
              Save
            </Button>
          </>
        }
      />
      {save.isError && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} mb="sm" data-testid="collection-save-error" data-kind={save.error.kind}>
          <Text size="sm" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
            {save.error.message}
          </Text>
        </Alert>
      )}

      <div className="editor-layout">
        <div className="editor-form">
          <Stack gap="md">
            <Section title="Collection">
              <Stack gap="sm">
                <TextInput
                  label="Name"
                  required
                  value={rules.name}
                  onChange={(e) => set("name", e.currentTarget.value)}
                  placeholder="Seoul workstations below 22H2"
                  maxLength={200}
                  autoFocus={id == null}
                  data-testid="collection-name"
                />
                <Textarea
                  label="Description"
                  value={rules.description}
                  onChange={(e) => set("description", e.currentTarget.value)}
                  placeholder="What this collection is for"
                  autosize
                  minRows={2}
                  maxRows={6}
                  data-testid="collection-description"
                />
                <Checkbox
                  label="Continuous re-evaluation"
                  description="Re-evaluated in every re-evaluation round, not only on demand. Many continuous collections slow each round."
                  checked={rules.continuous}
                  onChange={(e) => set("continuous", e.currentTarget.checked)}
                  data-testid="collection-continuous"
                />
              </Stack>
            </Section>

            <Section title="Query" description="Adds every computer the query matches.">
              <QuerySection value={query} setValue={setQuery} fields={fields} built={built} printed={builderText} />
              {inBuilder && printed.isError && <ErrorAlert error={printed.error} title="The query could not be written as text" />}
            </Section>

            <Section title="Direct members">
              <DirectMembersInput value={rules.direct} onChange={setDirect} />
            </Section>

            <Section
              title="Other collections"
              description="Included and excluded collections add or remove their members; a limit keeps only the computers that are also in the limiting collection."
            >
              <Stack gap="md">
                <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
                  <CollectionChecklist
                    label="Include"
                    description="Their members are added."
                    collections={others}
                    selected={rules.includes}
                    blocked={blockedForInclude}
                    onChange={setIncludes}
                    optionTestId="include-option"
                  />
                  <CollectionChecklist
                    label="Exclude"
                    description="Their members are removed, whatever added them."
                    collections={others}
                    selected={rules.excludes}
                    blocked={blockedForExclude}
                    onChange={setExcludes}
                    optionTestId="exclude-option"
                  />
                </SimpleGrid>
                <NativeSelect
                  label="Limiting collection"
                  description="Only computers that are members of this collection can be members."
                  value={rules.limitId == null ? "" : String(rules.limitId)}
                  onChange={(e) => {
                    const v = e.currentTarget.value;
                    set("limitId", v === "" ? null : Number(v));
                  }}
                  data={[{ value: "", label: "No limit" }, ...others.map((c) => ({ value: String(c.id), label: c.name }))]}
                  maw={420}
                  data-testid="limit-select"
                />
              </Stack>
            </Section>
          </Stack>
        </div>

        <Card withBorder padding="md" className="editor-preview">
          <PreviewPanel draft={previewDraft} id={id} waiting={printing} />
        </Card>
      </div>
    </div>
  );
}
