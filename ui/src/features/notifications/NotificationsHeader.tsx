import { Badge, Button, Tabs } from "@mantine/core";
import { IconSettings } from "@tabler/icons-react";
import type { ReactNode } from "react";
import { PageHeader } from "../../components/PageHeader";
import { campaignsHref, mailSettingsHref, navigate, templatesHref } from "./routes";
import { useTemplateDrafts } from "./templateDrafts";

type Tab = "campaigns" | "templates";

/** The area's title, its two pages as tabs, and a way to the mail settings. */
export function NotificationsHeader({ tab, actions }: { tab: Tab; actions?: ReactNode }) {
  const unsaved = useTemplateDrafts().size;
  return (
    <>
      <PageHeader
        title="Notifications"
        description="E-mails to the people whose computers a release updates: previewed per recipient, sent in the background, every delivery logged."
        actions={
          <>
            <Button component="a" href={mailSettingsHref} variant="default" leftSection={<IconSettings size={16} />} data-testid="mail-settings-link">
              Mail settings
            </Button>
            {actions}
          </>
        }
      />
      <Tabs value={tab} onChange={(value) => navigate(value === "templates" ? templatesHref : campaignsHref)} mb="sm">
        <Tabs.List>
          <Tabs.Tab value="campaigns" data-testid="tab-campaigns">
            Campaigns
          </Tabs.Tab>
          <Tabs.Tab
            value="templates"
            data-testid="tab-templates"
            rightSection={
              unsaved > 0 ? (
                <Badge size="xs" color="yellow" variant="light" tt="none" data-testid="templates-unsaved">
                  {unsaved} unsaved
                </Badge>
              ) : undefined
            }
          >
            Templates
          </Tabs.Tab>
        </Tabs.List>
      </Tabs>
    </>
  );
}
