import {
  Alert,
  Anchor,
  Badge,
  Button,
  Center,
  Code,
  Group,
  List,
  Loader,
  Modal,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
} from "@mantine/core";
import {
  IconAlertTriangle,
  IconArrowLeft,
  IconClockPause,
  IconLink,
  IconPencil,
  IconRefresh,
  IconTrash,
} from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import type { CollectionDetail } from "../../bindings/CollectionDetail";
import { EmptyState } from "../../components/EmptyState";
import { ErrorAlert } from "../../components/ErrorAlert";
import { formatCount, formatDuration, plural } from "../../lib/format";
import { collectionDelete, collectionGet } from "../../lib/ipc";
import { notifySuccess } from "../../lib/notify";
import { invalidateCollections, queryKeys } from "../../lib/queryKeys";
import { useNow } from "../../lib/useNow";
import { ComputerBrowser } from "../inventory/ComputerBrowser";
import { ChangesPanel } from "./ChangesPanel";
import { WindowsPanel } from "./WindowsPanel";
import { useEvaluateCollection } from "./evaluation";
import { BuiltinBadge, ChangeCounts, CollectionLinks, EvaluatedAt } from "./parts";
import { collectionsHref, editCollectionHref, navigate } from "./routes";

/** Shown at most in the Rules tab; a longer direct list is summarised (it may hold thousands). */
const DIRECT_SHOWN = 200;

function BackLink() {
  return (
    <Anchor href={collectionsHref} size="sm" data-testid="collection-back" className="back-link">
      <IconArrowLeft size={14} stroke={1.8} />
      Collections
    </Anchor>
  );
}

/** One collection: who is in it, what changed, its rules and who uses it. */
export function CollectionView({ id }: { id: number }) {
  const detail = useQuery({ queryKey: queryKeys.collection(id), queryFn: () => collectionGet(id) });

  if (detail.isPending) {
    return (
      <>
        <BackLink />
        <Center py="xl">
          <Loader aria-label="Loading" />
        </Center>
      </>
    );
  }
  if (detail.isError) {
    return (
      <Stack gap="sm">
        <BackLink />
        <ErrorAlert error={detail.error} onRetry={detail.error.kind === "notFound" ? undefined : () => void detail.refetch()} />
      </Stack>
    );
  }
  return <DetailBody detail={detail.data} />;
}

function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </Stack>
  );
}

function DetailBody({ detail }: { detail: CollectionDetail }) {
  const c = detail.collection;
  const now = useNow();
  const evaluate = useEvaluateCollection();
  const [tab, setTab] = useState<string | null>("members");
  const [deleting, setDeleting] = useState(false);
  const evaluating = evaluate.isPending;
  const onEvaluate = () => evaluate.mutate(c.id);

  return (
    <div className="page" data-testid="collection-detail" data-name={c.name} data-members={c.memberCount} data-id={c.id}>
      <BackLink />
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="md" mb="sm" mt={4}>
        <Stack gap={4} miw={0}>
          <Group gap="xs" wrap="nowrap">
            <Title order={2} fz="h3" className="truncate" data-testid="collection-title">
              {c.name}
            </Title>
            {c.builtin && <BuiltinBadge />}
            {c.continuous && (
              <Badge size="xs" variant="light" color="blue" tt="none" title="Re-evaluated in every re-evaluation round">
                Continuous
              </Badge>
            )}
          </Group>
          {c.description && (
            <Text size="sm" c="dimmed">
              {c.description}
            </Text>
          )}
        </Stack>
        <Group gap="xs" wrap="nowrap">
          {!c.builtin && (
            <Button component="a" href={editCollectionHref(c.id)} variant="default" leftSection={<IconPencil size={16} />} data-testid="collection-edit">
              Edit
            </Button>
          )}
          <Button variant="default" leftSection={<IconRefresh size={16} />} loading={evaluating} onClick={onEvaluate} data-testid="collection-evaluate">
            Evaluate now
          </Button>
          {!c.builtin && (
            <Button variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={() => setDeleting(true)} data-testid="collection-delete">
              Delete
            </Button>
          )}
        </Group>
      </Group>

      <Group gap="xl" mb="sm" data-testid="collection-stats">
        <Stat label="Members">
          {c.evaluatedAt ? (
            <b data-testid="collection-member-count">{formatCount(c.memberCount)}</b>
          ) : (
            <Text span size="sm" c="dimmed">
              not evaluated
            </Text>
          )}
        </Stat>
        <Stat label="Evaluated">
          <EvaluatedAt at={c.evaluatedAt} now={now} />
          {c.evaluatedAt && (
            <Text span size="xs" c="dimmed">
              {" "}
              in {formatDuration(c.evalMs)}
            </Text>
          )}
        </Stat>
        <Stat label="Entered / left">
          <ChangeCounts collection={c} />
        </Stat>
      </Group>

      {detail.warnings.map((w) => (
        <Alert key={w} color="yellow" variant="light" icon={<IconAlertTriangle size={18} />} mb="sm" data-testid="collection-warning">
          {w}
        </Alert>
      ))}

      <Tabs value={tab} onChange={setTab} className="detail-tabs" keepMounted={false}>
        <Tabs.List mb="sm">
          <Tabs.Tab value="members" data-testid="tab-members">
            Members
          </Tabs.Tab>
          <Tabs.Tab value="changes" data-testid="tab-changes">
            Entered / left
          </Tabs.Tab>
          <Tabs.Tab value="rules" data-testid="tab-rules">
            Rules
          </Tabs.Tab>
          <Tabs.Tab value="windows" data-testid="tab-windows">
            Maintenance windows
          </Tabs.Tab>
          <Tabs.Tab value="used-by" data-testid="tab-used-by">
            Used by{detail.usedBy.length > 0 ? ` (${detail.usedBy.length})` : ""}
          </Tabs.Tab>
        </Tabs.List>

        <Tabs.Panel value="members" className="detail-panel">
          {c.evaluatedAt ? (
            <ComputerBrowser collectionId={c.id} unfilteredTotal={c.memberCount} />
          ) : (
            <EmptyState
              icon={IconClockPause}
              title="Not evaluated yet"
              actions={
                <Button onClick={onEvaluate} loading={evaluating}>
                  Evaluate now
                </Button>
              }
            >
              Members are worked out when the collection is evaluated.
            </EmptyState>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="changes" className="detail-panel">
          <ChangesPanel collection={c} onEvaluate={onEvaluate} evaluating={evaluating} />
        </Tabs.Panel>
        <Tabs.Panel value="rules" className="detail-panel page-scroll">
          <RulesPanel detail={detail} />
        </Tabs.Panel>
        <Tabs.Panel value="windows" className="detail-panel page-scroll">
          <WindowsPanel collectionId={c.id} />
        </Tabs.Panel>
        <Tabs.Panel value="used-by" className="detail-panel page-scroll">
          <UsedByPanel detail={detail} />
        </Tabs.Panel>
      </Tabs>

      <DeleteDialog detail={detail} opened={deleting} onClose={() => setDeleting(false)} />
    </div>
  );
}

function RuleRow({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Table.Tr>
      <Table.Th w={190} fw={500} c="dimmed" style={{ verticalAlign: "top" }}>
        {label}
      </Table.Th>
      <Table.Td style={{ wordBreak: "break-word" }}>{children}</Table.Td>
    </Table.Tr>
  );
}

function None({ children }: { children: ReactNode }) {
  return (
    <Text span size="sm" c="dimmed">
      {children}
    </Text>
  );
}

function RulesPanel({ detail }: { detail: CollectionDetail }) {
  const c = detail.collection;
  const direct = detail.direct;
  return (
    <Stack gap="sm" maw={960} data-testid="collection-rules">
      <Text size="sm" c="dimmed">
        Members = limit ∩ (query ∪ direct members ∪ included) − excluded. Included, excluded and limiting collections count with
        their members as of their own last evaluation.
      </Text>
      <Table variant="vertical" layout="fixed" withRowBorders={false} verticalSpacing={6} fz="sm">
        <Table.Tbody>
          <RuleRow label="Query">
            {c.query ? (
              <Code block className="query-code" data-testid="rules-query">
                {c.query}
              </Code>
            ) : (
              <None>No query rule</None>
            )}
          </RuleRow>
          <RuleRow label="Direct members">
            {direct.length === 0 ? (
              <None>None</None>
            ) : (
              <Stack gap={4}>
                <Group gap={4}>
                  {direct.slice(0, DIRECT_SHOWN).map((d) => (
                    <Badge key={d.id} variant="outline" color="gray" tt="none" size="md" radius="sm" className="mono">
                      {d.name}
                    </Badge>
                  ))}
                </Group>
                {direct.length > DIRECT_SHOWN && (
                  <Text size="xs" c="dimmed">
                    and {formatCount(direct.length - DIRECT_SHOWN)} more
                  </Text>
                )}
              </Stack>
            )}
          </RuleRow>
          <RuleRow label="Include">
            {c.includes.length ? <CollectionLinks refs={c.includes} /> : <None>None</None>}
          </RuleRow>
          <RuleRow label="Exclude">
            {c.excludes.length ? <CollectionLinks refs={c.excludes} /> : <None>None</None>}
          </RuleRow>
          <RuleRow label="Limited to">{c.limit ? <CollectionLinks refs={[c.limit]} /> : <None>No limit: the whole inventory</None>}</RuleRow>
          <RuleRow label="Continuous re-evaluation">{c.continuous ? "Yes" : "No"}</RuleRow>
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function UsedByPanel({ detail }: { detail: CollectionDetail }) {
  if (detail.usedBy.length === 0) {
    return (
      <EmptyState icon={IconLink} title="Not used by another collection">
        No collection includes, excludes or is limited to this one.
      </EmptyState>
    );
  }
  return (
    <Stack gap="xs" data-testid="collection-used-by">
      <Text size="sm" c="dimmed">
        {plural(detail.usedBy.length, "collection")} include, exclude or {detail.usedBy.length === 1 ? "is" : "are"} limited to this one:
        they change when it does (at their next evaluation), and it cannot be deleted while they use it.
      </Text>
      <List size="sm" spacing={4}>
        {detail.usedBy.map((r) => (
          <List.Item key={r.id} data-testid="used-by-row" data-name={r.name}>
            <CollectionLinks refs={[r]} />
          </List.Item>
        ))}
      </List>
    </Stack>
  );
}

function DeleteDialog({ detail, opened, onClose }: { detail: CollectionDetail; opened: boolean; onClose: () => void }) {
  const client = useQueryClient();
  const c = detail.collection;
  const remove = useMutation({
    mutationFn: () => collectionDelete(c.id),
    onSuccess: async () => {
      navigate(collectionsHref);
      client.removeQueries({ queryKey: queryKeys.collection(c.id) });
      client.removeQueries({ queryKey: queryKeys.collectionChanges(c.id) });
      notifySuccess("Collection deleted", `“${c.name}” was deleted.`);
      await invalidateCollections(client);
    },
  });
  const close = () => {
    remove.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={<Text fw={600}>Delete “{c.name}”?</Text>} centered>
      <Stack gap="sm">
        <Text size="sm">
          The collection and its membership history are deleted. Computers are not affected.
          {detail.usedBy.length > 0 && (
            <>
              {" "}
              It is used by <CollectionLinks refs={detail.usedBy} />: change {detail.usedBy.length === 1 ? "it" : "them"} first.
            </>
          )}
        </Text>
        {remove.isError && <ErrorAlert error={remove.error} title="Not deleted" data-testid="collection-delete-error" />}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button color="red" loading={remove.isPending} onClick={() => remove.mutate()} data-testid="collection-delete-confirm">
            Delete
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
