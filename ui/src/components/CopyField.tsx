import { ActionIcon, CopyButton, Group, Text, Tooltip } from "@mantine/core";
import { IconCheck, IconCopy } from "@tabler/icons-react";

interface CopyFieldProps {
  value: string;
  "data-testid"?: string;
}

/** A read-only value in monospace with a copy-to-clipboard button. */
export function CopyField({ value, ...rest }: CopyFieldProps) {
  return (
    <Group gap="xs" wrap="nowrap" align="center">
      <Text ff="monospace" size="sm" data-testid={rest["data-testid"]} style={{ wordBreak: "break-all" }}>
        {value}
      </Text>
      <CopyButton value={value} timeout={1500}>
        {({ copied, copy }) => (
          <Tooltip label={copied ? "Copied" : "Copy"} withArrow position="right">
            <ActionIcon
              variant="subtle"
              color={copied ? "teal" : "gray"}
              onClick={copy}
              aria-label={`Copy ${value}`}
              size="sm"
            >
              {copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
            </ActionIcon>
          </Tooltip>
        )}
      </CopyButton>
    </Group>
  );
}
