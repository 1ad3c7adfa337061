import { Badge, Card, Center, Loader, NavLink, ScrollArea, Text } from "@mantine/core";
import { IconMail } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import type { MailTemplate } from "../../bindings/MailTemplate";
import type { TemplateSource } from "../../bindings/TemplateSource";
import { EmptyState } from "../../components/EmptyState";
import { ErrorAlert } from "../../components/ErrorAlert";
import { mailTemplateList } from "../../lib/ipc";
import { queryKeys } from "../../lib/queryKeys";
import { policyLabel } from "../inventory/labels";
import { MAIL_KINDS, MAIL_KIND_LABELS } from "./labels";
import { NotificationsHeader } from "./NotificationsHeader";
import { templateHref } from "./routes";
import { setTemplateDraft, useTemplateDrafts } from "./templateDrafts";
import { TemplateEditor } from "./TemplateEditor";

function TemplateList({ templates, selected, edited }: { templates: MailTemplate[]; selected: number; edited: ReadonlySet<number> }) {
  return (
    <Card withBorder padding={0} className="template-list">
      <ScrollArea h="100%" type="auto">
        {MAIL_KINDS.map((kind) => {
          const group = templates.filter((t) => t.kind === kind);
          if (group.length === 0) return null;
          return (
            <div key={kind} data-testid="template-group" data-kind={kind}>
              <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" pt="sm" pb={4}>
                {MAIL_KIND_LABELS[kind]}
              </Text>
              {group.map((t) => (
                <NavLink
                  key={t.id}
                  component="a"
                  href={templateHref(t.id)}
                  active={t.id === selected}
                  aria-current={t.id === selected ? "page" : undefined}
                  label={t.policy ? policyLabel(t.policy) : t.name}
                  description={t.policy ? t.name : undefined}
                  rightSection={
                    edited.has(t.id) ? (
                      <Badge size="xs" color="yellow" variant="light" tt="none">
                        unsaved
                      </Badge>
                    ) : undefined
                  }
                  data-testid="template-item"
                  data-id={t.id}
                />
              ))}
            </div>
          );
        })}
      </ScrollArea>
    </Card>
  );
}

/** The templates campaigns copy their text from, per kind (and per update-client policy for announcements). */
export function TemplatesPage({ selected }: { selected: number | null }) {
  const list = useQuery({ queryKey: queryKeys.mailTemplates, queryFn: mailTemplateList });
  // Unsaved edits per template: switching templates, tabs or areas keeps them.
  const drafts = useTemplateDrafts();

  let body;
  if (list.isPending) {
    body = (
      <Center py="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  } else if (list.isError) {
    body = <ErrorAlert error={list.error} onRetry={() => void list.refetch()} />;
  } else if (list.data.length === 0) {
    body = <EmptyState icon={IconMail} title="No templates" />;
  } else {
    const current = list.data.find((t) => t.id === selected) ?? list.data[0];
    // Back to the saved text: nothing left to save.
    const setDraft = (source: TemplateSource | null) =>
      setTemplateDraft(current.id, source && (source.subject !== current.subject || source.body !== current.body) ? source : null);
    body = (
      <div className="template-layout">
        <TemplateList templates={list.data} selected={current.id} edited={new Set(drafts.keys())} />
        <div className="template-main">
          <TemplateEditor
            key={current.id}
            template={current}
            source={drafts.get(current.id) ?? { subject: current.subject, body: current.body }}
            onChange={setDraft}
          />
        </div>
      </div>
    );
  }

  return (
    <>
      <NotificationsHeader tab="templates" />
      {body}
    </>
  );
}
