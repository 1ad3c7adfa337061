// Small pieces the collection list, detail and editor share.
import { Anchor, Badge, Group, Text, Tooltip } from "@mantine/core";
import { Fragment } from "react";
import type { Collection } from "../../bindings/Collection";
import type { CollectionRef } from "../../bindings/CollectionRef";
import { formatCount, formatUtc, plural, relativeTime } from "../../lib/format";
import { collectionHref } from "./routes";

export function BuiltinBadge() {
  return (
    <Badge size="xs" variant="light" color="gray" tt="none" title="Built-in: kept up to date by PatchDesk, cannot be changed">
      Built-in
    </Badge>
  );
}

/** Links to collections, comma-separated. */
export function CollectionLinks({ refs }: { refs: readonly CollectionRef[] }) {
  return (
    <>
      {refs.map((r, i) => (
        <Fragment key={r.id}>
          {i > 0 && ", "}
          <Anchor href={collectionHref(r.id)} size="sm" onClick={(e) => e.stopPropagation()}>
            {r.name}
          </Anchor>
        </Fragment>
      ))}
    </>
  );
}

/** The rules of a collection on one or two lines: the query, then the other rules. */
export function RulesSummary({ collection: c }: { collection: Collection }) {
  const names = (refs: readonly CollectionRef[]) => refs.map((r) => r.name).join(", ");
  const others: string[] = [];
  if (c.directCount > 0) others.push(plural(c.directCount, "direct member"));
  if (c.includes.length > 0) others.push(`include ${names(c.includes)}`);
  if (c.excludes.length > 0) others.push(`exclude ${names(c.excludes)}`);
  if (c.limit) others.push(`limit to ${c.limit.name}`);
  return (
    <div className="rules-summary">
      {c.query ? (
        <Text size="xs" className="mono" truncate="end" title={c.query}>
          {c.query}
        </Text>
      ) : (
        others.length === 0 && (
          <Text size="xs" c="dimmed">
            No rules
          </Text>
        )
      )}
      {others.length > 0 && (
        <Text size="xs" c="dimmed" truncate="end" title={others.join(" · ")}>
          {others.join(" · ")}
        </Text>
      )}
    </div>
  );
}

/** "+N / −M" since the previous evaluation; a dash before the first. */
export function ChangeCounts({ collection: c }: { collection: Collection }) {
  if (!c.evaluatedAt) {
    return (
      <Text span size="sm" c="dimmed">
        —
      </Text>
    );
  }
  return (
    <Group gap={4} wrap="nowrap" component="span" title={`${formatCount(c.enteredCount)} entered, ${formatCount(c.leftCount)} left at the last evaluation`}>
      <Text span size="sm" c={c.enteredCount > 0 ? "teal" : "dimmed"} fw={c.enteredCount > 0 ? 600 : undefined}>
        +{formatCount(c.enteredCount)}
      </Text>
      <Text span size="sm" c="dimmed">
        /
      </Text>
      <Text span size="sm" c={c.leftCount > 0 ? "red" : "dimmed"} fw={c.leftCount > 0 ? 600 : undefined}>
        −{formatCount(c.leftCount)}
      </Text>
    </Group>
  );
}

/** When the collection was last evaluated, relative, with the UTC time as tooltip. */
export function EvaluatedAt({ at, now }: { at: string | null; now: number }) {
  if (!at) {
    return (
      <Text span size="sm" c="dimmed">
        Never
      </Text>
    );
  }
  return (
    <Tooltip label={formatUtc(at)}>
      <Text span size="sm">
        {relativeTime(at, now)}
      </Text>
    </Tooltip>
  );
}
