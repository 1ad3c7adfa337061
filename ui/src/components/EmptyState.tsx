import { Center, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import type { Icon } from "@tabler/icons-react";
import type { ReactNode } from "react";

interface EmptyStateProps {
  icon: Icon;
  title: string;
  children?: ReactNode;
  actions?: ReactNode;
  "data-testid"?: string;
}

/** A centred, honest empty state: what this place is and what to do next. */
export function EmptyState({ icon: IconComponent, title, children, actions, ...rest }: EmptyStateProps) {
  return (
    <Center py="xl" px="md" h="100%" data-testid={rest["data-testid"]}>
      <Stack align="center" gap="sm" maw={560} ta="center">
        <ThemeIcon size={56} radius="xl" variant="light" color="gray">
          <IconComponent size={30} stroke={1.5} />
        </ThemeIcon>
        <Title order={3} fw={600}>
          {title}
        </Title>
        {children && (
          <Text c="dimmed" size="sm" component="div">
            {children}
          </Text>
        )}
        {actions}
      </Stack>
    </Center>
  );
}
