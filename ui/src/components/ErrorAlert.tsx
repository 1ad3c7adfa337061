import { Alert, Button, Group, Text } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { errorTitle, toWireError } from "../lib/ipc/errors";

interface ErrorAlertProps {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  "data-testid"?: string;
}

/** A failed command, shown in red with its message (and a retry when it makes sense). */
export function ErrorAlert({ error, title, onRetry, ...rest }: ErrorAlertProps) {
  const wire = toWireError(error);
  return (
    <Alert
      color="red"
      variant="light"
      icon={<IconAlertTriangle size={18} />}
      title={title ?? errorTitle(wire.kind)}
      data-testid={rest["data-testid"]}
      data-kind={wire.kind}
    >
      <Group justify="space-between" align="flex-start" wrap="nowrap" gap="md">
        <Text size="sm" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
          {wire.message}
        </Text>
        {onRetry && (
          <Button size="xs" variant="white" color="red" onClick={onRetry}>
            Try again
          </Button>
        )}
      </Group>
    </Alert>
  );
}
