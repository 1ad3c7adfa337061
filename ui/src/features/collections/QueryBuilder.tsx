import { ActionIcon, Autocomplete, Button, Group, NativeSelect, NumberInput, Stack, TagsInput, Text, TextInput, Tooltip } from "@mantine/core";
import { IconAlertCircle, IconPlus, IconTrash } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import type { FieldInfo } from "../../bindings/FieldInfo";
import { collectionFieldValues } from "../../lib/ipc";
import { queryKeys } from "../../lib/queryKeys";
import { agentLabel, policyLabel, roleLabel } from "../inventory/labels";
import {
  AGE_UNITS,
  fieldInfo,
  MAX_AGE,
  newRow,
  OPS_BY_TYPE,
  opLabel,
  valueShape,
  withField,
  withOp,
  type BuilderRow,
  type BuilderState,
  type Combinator,
  type Op,
} from "./builder";

/** Labels of enumeration values, by field name (the stored value is what the query holds). */
function enumLabel(field: string, value: string): string {
  switch (field) {
    case "role":
      return roleLabel(value);
    case "agent_state":
      return agentLabel(value);
    case "policy":
      return policyLabel(value);
    default:
      return value;
  }
}

/** Fields grouped as the select shows them: the computer's own, then prerequisite versions. */
function fieldOptions(fields: readonly FieldInfo[]) {
  const own = fields.filter((f) => f.field.key !== "prerequisite").map((f) => ({ value: f.name, label: f.label }));
  const prerequisites = fields.filter((f) => f.field.key === "prerequisite").map((f) => ({ value: f.name, label: f.label }));
  return prerequisites.length > 0
    ? [
        { group: "Computer", items: own },
        { group: "Prerequisite versions", items: prerequisites },
      ]
    : own;
}

interface QueryBuilderProps {
  state: BuilderState;
  onChange: (update: (state: BuilderState) => BuilderState) => void;
  fields: readonly FieldInfo[];
  /** Rows left out of the query, by key, with the reason. */
  problems: ReadonlyMap<number, string>;
}

/** Conditions on computer attributes, all or any of which must hold. */
export function QueryBuilder({ state, onChange, fields, problems }: QueryBuilderProps) {
  const setRow = (key: number, update: (row: BuilderRow) => BuilderRow) =>
    onChange((s) => ({ ...s, rows: s.rows.map((r) => (r.key === key ? update(r) : r)) }));
  const removeRow = (key: number) => onChange((s) => ({ ...s, rows: s.rows.filter((r) => r.key !== key) }));
  const addRow = () => onChange((s) => ({ ...s, rows: [...s.rows, newRow(fields)] }));
  const options = fieldOptions(fields);

  return (
    <Stack gap="xs" data-testid="query-builder">
      <Group gap="xs">
        <NativeSelect
          aria-label="Combine conditions"
          value={state.combinator}
          onChange={(e) => {
            const combinator = e.currentTarget.value as Combinator;
            onChange((s) => ({ ...s, combinator }));
          }}
          data={[
            { value: "and", label: "Match all conditions" },
            { value: "or", label: "Match any condition" },
          ]}
          w={210}
          data-testid="builder-combinator"
        />
        <Text size="xs" c="dimmed">
          {state.combinator === "and" ? "A computer must meet every condition." : "A computer must meet at least one condition."}
        </Text>
      </Group>

      {state.rows.length === 0 && (
        <Text size="sm" c="dimmed" data-testid="builder-empty">
          No conditions: there is no query rule. Add a condition, or add computers directly or through an included collection.
        </Text>
      )}

      {state.rows.map((row, index) => (
        <ConditionRow
          key={row.key}
          index={index}
          row={row}
          fields={fields}
          fieldOptions={options}
          problem={problems.get(row.key)}
          onChange={(update) => setRow(row.key, update)}
          onRemove={() => removeRow(row.key)}
        />
      ))}

      <Group>
        <Button variant="light" size="xs" leftSection={<IconPlus size={14} />} onClick={addRow} data-testid="builder-add">
          Add condition
        </Button>
      </Group>
    </Stack>
  );
}

interface ConditionRowProps {
  index: number;
  row: BuilderRow;
  fields: readonly FieldInfo[];
  fieldOptions: ReturnType<typeof fieldOptions>;
  problem: string | undefined;
  onChange: (update: (row: BuilderRow) => BuilderRow) => void;
  onRemove: () => void;
}

function ConditionRow({ index, row, fields, fieldOptions: options, problem, onChange, onRemove }: ConditionRowProps) {
  const info = fieldInfo(fields, row.field);
  const type = info?.type ?? "text";
  const n = index + 1;
  return (
    <div className="builder-row" data-testid="builder-row" data-index={index} data-incomplete={problem ? "true" : undefined}>
      <Group gap={6} wrap="nowrap" align="flex-start">
        <Tooltip label={row.negate ? "Negated: the condition must not hold" : "Negate this condition"}>
          <Button
            size="sm"
            px={8}
            variant={row.negate ? "filled" : "subtle"}
            color={row.negate ? "red" : "gray"}
            aria-pressed={row.negate}
            aria-label={`Negate condition ${n}`}
            onClick={() => onChange((r) => ({ ...r, negate: !r.negate }))}
            data-testid="builder-not"
            className="builder-not"
          >
            NOT
          </Button>
        </Tooltip>
        <NativeSelect
          aria-label={`Field of condition ${n}`}
          data={options}
          value={row.field}
          onChange={(e) => {
            const name = e.currentTarget.value;
            onChange((r) => withField(r, name, fields));
          }}
          w={185}
          data-testid="builder-field"
        />
        <NativeSelect
          aria-label={`Operator of condition ${n}`}
          data={OPS_BY_TYPE[type].map((op) => ({ value: op, label: opLabel(op, type) }))}
          value={row.op}
          onChange={(e) => {
            const op = e.currentTarget.value as Op;
            onChange((r) => withOp(r, op));
          }}
          w={150}
          data-testid="builder-op"
        />
        <div className="builder-value">{info && <ValueInputs row={row} info={info} n={n} onChange={onChange} />}</div>
        <Tooltip label="Remove condition">
          <ActionIcon variant="subtle" color="gray" size="lg" aria-label={`Remove condition ${n}`} onClick={onRemove} data-testid="builder-remove">
            <IconTrash size={16} stroke={1.6} />
          </ActionIcon>
        </Tooltip>
      </Group>
      {problem && (
        <Text size="xs" c="orange" mt={4} className="builder-problem" data-testid="builder-problem">
          <IconAlertCircle size={13} stroke={1.8} /> {problem} — left out of the query.
        </Text>
      )}
    </div>
  );
}

/** Common values of a text or version field in the inventory (none for numbers and times). */
function useSuggestions(info: FieldInfo, wanted: boolean): string[] {
  const free = info.type === "text" || info.type === "version";
  const values = useQuery({
    queryKey: queryKeys.queryFieldValues(info.field),
    queryFn: () => collectionFieldValues(info.field),
    enabled: wanted && free,
    staleTime: 5 * 60_000,
  });
  if (info.type === "enum") return info.values;
  return free ? (values.data ?? []) : [];
}

function placeholderFor(info: FieldInfo, op: Op): string {
  if (op === "like") return "SEOUL-*";
  switch (info.type) {
    case "version":
      return "10.0.19045";
    case "number":
      return "20";
    case "time":
      return "2026-11-01";
    default:
      return "Value";
  }
}

function ValueInputs({
  row,
  info,
  n,
  onChange,
}: {
  row: BuilderRow;
  info: FieldInfo;
  n: number;
  onChange: (update: (row: BuilderRow) => BuilderRow) => void;
}) {
  const shape = valueShape(row.op);
  const suggestions = useSuggestions(info, shape === "one" || shape === "two" || shape === "list");
  const setValue = (value: string) => onChange((r) => ({ ...r, value }));
  const setValue2 = (value2: string) => onChange((r) => ({ ...r, value2 }));
  const label = `Value of condition ${n}`;

  const single = (value: string, set: (v: string) => void, testid: string, aria: string) => {
    if (info.type === "enum") {
      return (
        <NativeSelect
          aria-label={aria}
          value={value}
          onChange={(e) => set(e.currentTarget.value)}
          data={[{ value: "", label: "Choose…" }, ...info.values.map((v) => ({ value: v, label: enumLabel(info.name, v) }))]}
          data-testid={testid}
        />
      );
    }
    if (info.type === "time") {
      return (
        <TextInput
          aria-label={aria}
          value={value}
          onChange={(e) => set(e.currentTarget.value)}
          placeholder="2026-11-01"
          rightSection={<Text size="xs" c="dimmed">UTC</Text>}
          rightSectionWidth={40}
          data-testid={testid}
          className="mono-input"
        />
      );
    }
    // Chosen by field type and operator alone, never by whether suggestions have arrived:
    // swapping the element while someone types would drop their focus and keystrokes.
    if ((info.type === "text" || info.type === "version") && row.op !== "like") {
      return (
        <Autocomplete
          aria-label={aria}
          value={value}
          onChange={set}
          data={suggestions}
          limit={50}
          placeholder={placeholderFor(info, row.op)}
          data-testid={testid}
          comboboxProps={{ withinPortal: true }}
        />
      );
    }
    return (
      <TextInput
        aria-label={aria}
        value={value}
        onChange={(e) => set(e.currentTarget.value)}
        placeholder={placeholderFor(info, row.op)}
        data-testid={testid}
      />
    );
  };

  switch (shape) {
    case "none":
      return null;
    case "one":
      return single(row.value, setValue, "builder-value", label);
    case "two":
      return (
        <Group gap={6} wrap="nowrap">
          <div className="builder-value-part">{single(row.value, setValue, "builder-value", `${label}, from`)}</div>
          <Text size="sm" c="dimmed">
            and
          </Text>
          <div className="builder-value-part">{single(row.value2, setValue2, "builder-value-2", `${label}, to`)}</div>
        </Group>
      );
    case "list":
      return (
        <TagsInput
          aria-label={`Values of condition ${n}`}
          value={row.values}
          onChange={(values) => {
            // An enumeration takes only its own values (in their stored spelling).
            const kept =
              info.type === "enum"
                ? values.flatMap((v) => info.values.filter((known) => known.toLowerCase() === v.trim().toLowerCase()))
                : values;
            onChange((r) => ({ ...r, values: [...new Set(kept)] }));
          }}
          data={suggestions}
          limit={50}
          placeholder={row.values.length ? undefined : "Type a value, then Enter or comma"}
          clearable
          data-testid="builder-value"
          comboboxProps={{ withinPortal: true }}
        />
      );
    case "age":
      return (
        <Group gap={6} wrap="nowrap">
          <NumberInput
            aria-label={`Amount of condition ${n}`}
            value={row.value}
            onChange={(v) => setValue(String(v))}
            min={0}
            max={MAX_AGE}
            allowDecimal={false}
            allowNegative={false}
            hideControls
            w={90}
            placeholder="7"
            data-testid="builder-value"
          />
          <NativeSelect
            aria-label={`Unit of condition ${n}`}
            value={row.unit}
            onChange={(e) => {
              const unit = e.currentTarget.value as BuilderRow["unit"];
              onChange((r) => ({ ...r, unit }));
            }}
            data={AGE_UNITS.map((u) => ({ value: u.value, label: u.label }))}
            w={105}
            data-testid="builder-unit"
          />
        </Group>
      );
  }
}
