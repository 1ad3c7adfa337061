import { Badge, Checkbox, Group, ScrollArea, Stack, TagsInput, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconSearch } from "@tabler/icons-react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { memo, useState } from "react";
import type { Collection } from "../../bindings/Collection";
import { formatCount } from "../../lib/format";
import { inventoryList } from "../../lib/ipc";
import { queryKeys } from "../../lib/queryKeys";

/** More collections than this get a search box above the checkboxes. */
const SEARCH_FROM = 8;

interface CollectionChecklistProps {
  label: string;
  description: string;
  /** The collections offered (the edited one is left out by the caller). */
  collections: readonly Collection[];
  selected: readonly number[];
  /** Collections that cannot be ticked here, with the reason (picked in the other list). */
  blocked: ReadonlyMap<number, string>;
  onChange: (ids: number[]) => void;
  /** "include-option" or "exclude-option", on each checkbox. */
  optionTestId: string;
}

/** A searchable list of checkboxes, one per collection (memoised: the editor re-renders per keystroke). */
export const CollectionChecklist = memo(function CollectionChecklist({
  label,
  description,
  collections,
  selected,
  blocked,
  onChange,
  optionTestId,
}: CollectionChecklistProps) {
  const [search, setSearch] = useState("");
  const needle = search.trim().toLowerCase();
  const shown = needle ? collections.filter((c) => c.name.toLowerCase().includes(needle)) : collections;
  const toggle = (id: number, on: boolean) => onChange(on ? [...selected, id] : selected.filter((s) => s !== id));

  return (
    <Stack gap={6}>
      <Group justify="space-between" gap="xs">
        <Text size="sm" fw={500} id={`${optionTestId}-label`}>
          {label}
        </Text>
        {selected.length > 0 && (
          <Badge size="sm" variant="light" tt="none">
            {selected.length} selected
          </Badge>
        )}
      </Group>
      <Text size="xs" c="dimmed">
        {description}
      </Text>
      {collections.length > SEARCH_FROM && (
        <TextInput
          size="xs"
          placeholder="Find a collection"
          aria-label={`Find a collection to ${label.toLowerCase()}`}
          leftSection={<IconSearch size={13} />}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
        />
      )}
      <ScrollArea.Autosize mah={220} type="auto" className="checklist" role="group" aria-labelledby={`${optionTestId}-label`}>
        <Stack gap={6} p={8}>
          {shown.length === 0 && (
            <Text size="xs" c="dimmed">
              {collections.length === 0 ? "No other collection yet." : "No collection matches."}
            </Text>
          )}
          {shown.map((c) => {
            const reason = blocked.get(c.id);
            return (
              <Checkbox
                key={c.id}
                size="xs"
                checked={selected.includes(c.id)}
                disabled={reason !== undefined}
                onChange={(e) => toggle(c.id, e.currentTarget.checked)}
                title={reason}
                label={
                  <Group gap={6} wrap="nowrap" component="span">
                    <span>{c.name}</span>
                    <Text span size="xs" c="dimmed">
                      {c.evaluatedAt ? formatCount(c.memberCount) : "not evaluated"}
                    </Text>
                  </Group>
                }
                data-testid={optionTestId}
                data-name={c.name}
              />
            );
          })}
        </Stack>
      </ScrollArea.Autosize>
    </Stack>
  );
});

/** Suggestions for direct members: computers whose name, owner or department matches what is typed. */
export const DirectMembersInput = memo(function DirectMembersInput({
  value,
  onChange,
}: {
  value: string[];
  onChange: (names: string[]) => void;
}) {
  const [typed, setTyped] = useState("");
  const [search] = useDebouncedValue(typed.trim(), 200);
  const names = useQuery({
    queryKey: queryKeys.computerNames(search),
    queryFn: async () => {
      const page = await inventoryList({
        search,
        siteId: null,
        role: null,
        osName: null,
        clientPolicy: null,
        agentState: null,
        lastSeenWithinDays: null,
        lastSeenOlderThanDays: null,
        collectionId: null,
        sort: "name",
        descending: false,
        offset: 0,
        limit: 20,
      });
      return page.rows.map((c) => c.name);
    },
    enabled: search.length > 0,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });

  return (
    <TagsInput
      aria-label="Direct members"
      description="Computers added by name, whatever the other rules say. Type a name, owner or department to find one; paste a list separated by commas, spaces or new lines."
      placeholder={value.length ? undefined : "SEOUL-WS-0001"}
      value={value}
      onChange={(names) => onChange([...new Set(names.map((n) => n.trim()).filter(Boolean))])}
      searchValue={typed}
      onSearchChange={setTyped}
      data={search.length > 0 ? (names.data ?? []) : []}
      // The core already matched name, owner and department: show what it found as it is.
      filter={({ options }) => options}
      splitChars={[",", " ", ";", "\n"]}
      clearable
      acceptValueOnBlur
      maxDropdownHeight={240}
      data-testid="direct-input"
      comboboxProps={{ withinPortal: true }}
    />
  );
});
