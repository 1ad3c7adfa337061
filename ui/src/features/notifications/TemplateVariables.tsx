import { Card, Code, Stack, Text, Title, UnstyledButton } from "@mantine/core";
import { TEMPLATE_VARIABLES } from "./labels";

/** What a click on a variable inserts: a loop for the list of computers, else the value. */
export function snippetFor(name: string): string {
  if (name === "computers") {
    return "{% for c in computers %}\n- {{ c.name }} ({{ c.site }}): installs by {{ c.deadline }}\n{% endfor %}";
  }
  return `{{ ${name} }}`;
}

/** The variables a template may use; a click inserts one at the cursor. */
export function TemplateVariables({ onInsert }: { onInsert: (snippet: string) => void }) {
  return (
    <Card withBorder padding="sm" data-testid="template-variables">
      <Title order={4} fz="sm" mb={4}>
        Variables
      </Title>
      <Text size="xs" c="dimmed" mb="xs">
        Write <Code>{"{{ name }}"}</Code> for a value, <Code>{"{% if … %}"}</Code> and <Code>{"{% for … %}"}</Code> for
        logic. Values are escaped: they can never add a link or formatting. Click a variable to insert it.
      </Text>
      <Stack gap={2}>
        {TEMPLATE_VARIABLES.map((v) => (
          <UnstyledButton key={v.name} onClick={() => onInsert(snippetFor(v.name))} className="variable-row" data-variable={v.name}>
            <Code>{v.name}</Code>
            <Text span size="xs" c="dimmed" ml={6}>
              {v.help}
            </Text>
          </UnstyledButton>
        ))}
      </Stack>
    </Card>
  );
}
