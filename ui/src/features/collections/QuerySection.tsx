import { Alert, Button, Code, Group, Loader, Popover, SegmentedControl, Stack, Table, Text, Textarea } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconAlertTriangle, IconHelpCircle, IconInfoCircle } from "@tabler/icons-react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type Dispatch, type SetStateAction } from "react";
import type { FieldInfo } from "../../bindings/FieldInfo";
import type { QueryError } from "../../bindings/QueryError";
import { queryErrorOf } from "../../lib/ipc";
import { notifyError } from "../../lib/notify";
import { byteToIndex, exprToBuilder, OPS_BY_TYPE, type BuiltQuery } from "./builder";
import { QueryBuilder } from "./QueryBuilder";
import { parseQueryOptions, printQueryOptions, TOO_COMPLEX, type QueryDraft } from "./queryText";

const EXAMPLE = "site = 'Seoul HQ' and role = workstation and os_version < 10.0.19045";

interface QuerySectionProps {
  value: QueryDraft;
  setValue: Dispatch<SetStateAction<QueryDraft>>;
  fields: readonly FieldInfo[];
  /** The builder's rows as a tree (and the rows left out). */
  built: BuiltQuery;
  /** The builder's text form as the core printed it; null until it has. */
  printed: string | null;
}

/** The query rule, edited with the builder or as text; both stay in step. */
export function QuerySection({ value, setValue, fields, built, printed }: QuerySectionProps) {
  const client = useQueryClient();
  const [switching, setSwitching] = useState(false);

  const toText = async () => {
    // The builder's text is always the core's printing of its tree.
    const expr = built.expr;
    let text = "";
    if (expr) {
      setSwitching(true);
      try {
        text = await client.fetchQuery(printQueryOptions(expr));
      } catch (error) {
        notifyError(error, "The query could not be written as text");
        return;
      } finally {
        setSwitching(false);
      }
    }
    setValue((q) => ({ ...q, mode: "text", text, notice: null }));
  };

  const toBuilder = async () => {
    const text = value.text;
    if (text.trim() === "") {
      setValue((q) => ({ ...q, mode: "builder", builder: { combinator: q.builder.combinator, rows: [] }, notice: null }));
      return;
    }
    const options = parseQueryOptions(text);
    // Already known to be wrong (and shown under the text): asking again would only blank it.
    const known = client.getQueryState(options.queryKey);
    if (known?.status === "error" && known.fetchStatus === "idle") return;
    setSwitching(true);
    try {
      const expr = await client.fetchQuery(options);
      const builder = exprToBuilder(expr, fields);
      setValue((q) => {
        if (q.text !== text) return q; // typed on meanwhile: that text decides
        return builder ? { ...q, mode: "builder", builder, notice: null } : { ...q, notice: TOO_COMPLEX };
      });
    } catch (error) {
      // A query error is shown under the text (from the live check); anything else here.
      if (!queryErrorOf(error)) notifyError(error, "The query could not be read");
    } finally {
      setSwitching(false);
    }
  };

  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="nowrap">
        <Group gap="xs">
          <SegmentedControl
            value={value.mode}
            onChange={(mode) => void (mode === "text" ? toText() : toBuilder())}
            aria-label="Query editor"
            disabled={switching}
            data={[
              { value: "builder", label: <span data-testid="query-mode-builder">Builder</span> },
              { value: "text", label: <span data-testid="query-mode-text">Text</span> },
            ]}
          />
          {switching && <Loader size="xs" aria-label="Switching" />}
        </Group>
        <SyntaxHelp fields={fields} />
      </Group>

      {value.mode === "builder" ? (
        <>
          <QueryBuilder
            state={value.builder}
            onChange={(update) => setValue((q) => ({ ...q, builder: update(q.builder) }))}
            fields={fields}
            problems={built.problems}
          />
          {built.expr && (
            <Text size="xs" c="dimmed" component="div" className="builder-text">
              As text:{" "}
              <Code className="query-inline" data-testid="builder-text">
                {printed ?? "…"}
              </Code>
            </Text>
          )}
        </>
      ) : (
        <TextMode value={value} setValue={setValue} />
      )}
    </Stack>
  );
}

function TextMode({ value, setValue }: { value: QueryDraft; setValue: Dispatch<SetStateAction<QueryDraft>> }) {
  const [checked] = useDebouncedValue(value.text, 300);
  const parse = useQuery({ ...parseQueryOptions(checked), enabled: checked.trim() !== "" });
  const error = parse.isError ? queryErrorOf(parse.error) : null;
  const setText = (text: string) => setValue((q) => ({ ...q, text, notice: null }));

  const applySuggestion = (qe: QueryError) => {
    if (qe.suggestion === undefined || checked !== value.text) return;
    const text = value.text;
    const start = byteToIndex(text, qe.start);
    const end = byteToIndex(text, qe.end);
    setText(text.slice(0, start) + qe.suggestion + text.slice(end));
  };

  return (
    <Stack gap="xs">
      <Textarea
        aria-label="Query text"
        value={value.text}
        onChange={(e) => setText(e.currentTarget.value)}
        autosize
        minRows={3}
        maxRows={14}
        placeholder={EXAMPLE}
        spellCheck={false}
        autoCapitalize="off"
        autoCorrect="off"
        classNames={{ input: "mono-input" }}
        error={error ? true : undefined}
        data-testid="query-text"
      />
      {value.text.trim() === "" && (
        <Text size="xs" c="dimmed">
          Empty: no query rule. Write <Code>all</Code> for every computer.
        </Text>
      )}
      {value.notice && (
        <Alert color="blue" variant="light" icon={<IconInfoCircle size={18} />} data-testid="query-notice">
          {value.notice}
        </Alert>
      )}
      {error && <QueryErrorBlock error={error} onApply={checked === value.text ? () => applySuggestion(error) : undefined} />}
      {parse.isError && !error && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} data-testid="query-error">
          {parse.error.message}
        </Alert>
      )}
    </Stack>
  );
}

/** Where a query is wrong: the message, the line with a caret under the bad token, a suggestion. */
export function QueryErrorBlock({ error, onApply }: { error: QueryError; onApply?: () => void }) {
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} data-testid="query-error" data-line={error.line} data-column={error.column}>
      <Stack gap={6}>
        <Text size="sm">
          {error.message}{" "}
          <Text span size="xs" c="dimmed">
            (line {error.line}, column {error.column})
          </Text>
        </Text>
        <Code block className="query-excerpt" data-testid="query-error-excerpt">
          {error.excerpt}
        </Code>
        {error.suggestion !== undefined && (
          <Group gap="xs">
            <Text size="sm" data-testid="query-error-suggestion">
              Did you mean <Code>{error.suggestion}</Code>?
            </Text>
            {onApply && (
              <Button size="compact-xs" variant="light" color="red" onClick={onApply}>
                Use it
              </Button>
            )}
          </Group>
        )}
      </Stack>
    </Alert>
  );
}

function SyntaxHelp({ fields }: { fields: readonly FieldInfo[] }) {
  return (
    <Popover width={520} position="bottom-end" shadow="md" withArrow>
      <Popover.Target>
        <Button variant="subtle" size="xs" color="gray" leftSection={<IconHelpCircle size={14} />}>
          Syntax
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs">
          <Text size="sm">
            Conditions are <Code>field operator value</Code>, joined with <Code>and</Code>, <Code>or</Code>, <Code>not</Code> and
            parentheses; <Code>all</Code> is every computer. Text goes in single quotes.
          </Text>
          <Code block className="query-excerpt">
            {`${EXAMPLE}\nname like 'SEOUL-*' or department in ('Finance', 'HR')\nlast_seen older than 14d and free_disk_gb < 10`}
          </Code>
          <Table fz="xs" verticalSpacing={2} horizontalSpacing="xs" withRowBorders={false}>
            <Table.Tbody>
              {fields.map((f) => (
                <Table.Tr key={f.name}>
                  <Table.Td className="mono">{f.name}</Table.Td>
                  <Table.Td>{f.label}</Table.Td>
                  <Table.Td c="dimmed">
                    {f.type === "enum" ? f.values.join(", ") : OPS_BY_TYPE[f.type].slice(0, 6).join("  ")}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
