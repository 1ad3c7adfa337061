import { Button, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorAlert } from "../../components/ErrorAlert";
import { SuccessAlert } from "../../components/SuccessAlert";
import { operatorGet } from "../../lib/ipc";
import { queryKeys } from "../../lib/queryKeys";

interface TestMessageDialogProps {
  opened: boolean;
  onClose: () => void;
  title: string;
  description: string;
  /** Sends to the address; resolves to the core's human message. */
  send: (to: string) => Promise<string>;
  /** Prefix of the dialog's test ids: `${testid}-to`, `${testid}-send`, `${testid}-result`. */
  testid: string;
}

function Body({ onClose, description, send, testid }: Omit<TestMessageDialogProps, "opened" | "title">) {
  const operator = useQuery({ queryKey: queryKeys.operator, queryFn: operatorGet, retry: false });
  const [typed, setTyped] = useState<string | null>(null);
  const to = typed ?? operator.data?.email ?? "";
  const test = useMutation({ mutationFn: () => send(to.trim()) });
  return (
    <Stack gap="sm">
      <Text size="sm">{description}</Text>
      <TextInput
        label="Send to"
        type="email"
        placeholder="you@example.com"
        value={to}
        onChange={(e) => setTyped(e.currentTarget.value)}
        data-autofocus
        data-testid={`${testid}-to`}
      />
      {test.isSuccess && <SuccessAlert message={test.data} data-testid={`${testid}-result`} />}
      {test.isError && <ErrorAlert error={test.error} title="The test message was not sent" data-testid={`${testid}-error`} />}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose}>
          Close
        </Button>
        <Button onClick={() => test.mutate()} loading={test.isPending} disabled={!to.trim()} data-testid={`${testid}-send`}>
          Send test
        </Button>
      </Group>
    </Stack>
  );
}

/** Asks for an address, sends one test message there, and shows what the server said. */
export function TestMessageDialog({ opened, title, ...rest }: TestMessageDialogProps) {
  return (
    <Modal opened={opened} onClose={rest.onClose} title={title}>
      {opened && <Body {...rest} />}
    </Modal>
  );
}
