import { Alert, Text } from "@mantine/core";
import { IconCheck } from "@tabler/icons-react";

interface SuccessAlertProps {
  message: string;
  title?: string;
  "data-testid"?: string;
}

/** A command that worked and has something to say (a server's reply, where a message went): the twin of ErrorAlert. */
export function SuccessAlert({ message, title, ...rest }: SuccessAlertProps) {
  return (
    <Alert color="teal" variant="light" icon={<IconCheck size={18} />} title={title} data-testid={rest["data-testid"]}>
      <Text size="sm" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
        {message}
      </Text>
    </Alert>
  );
}
