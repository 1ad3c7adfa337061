import { useHashSubPath } from "../../app/useHashRoute";
import { CampaignCompose } from "./CampaignCompose";
import { CampaignList } from "./CampaignList";
import { CampaignView } from "./CampaignView";
import { TemplatesPage } from "./TemplatesPage";
import { parseNotificationsPath } from "./routes";
import { useOutboxWatch } from "./useOutbox";

/** Notifications (SPEC C8, C9): campaigns, composing one, one campaign, and the templates. */
export function NotificationsPage() {
  useOutboxWatch();
  const route = parseNotificationsPath(useHashSubPath());
  let body;
  switch (route.page) {
    case "list":
      body = <CampaignList />;
      break;
    case "new":
      body = <CampaignCompose />;
      break;
    case "detail":
      body = <CampaignView key={route.id} id={route.id} />;
      break;
    case "templates":
      body = <TemplatesPage selected={route.id} />;
      break;
  }
  return (
    <div className="page" data-testid="area-notifications">
      {body}
    </div>
  );
}
