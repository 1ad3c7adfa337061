import { parseItemPath, type ItemRoute } from "../../app/itemRoutes";

export { navigate } from "../../app/itemRoutes";

/** Campaigns are list/new/detail pages; the templates have a page of their own. */
export type NotificationsRoute = Exclude<ItemRoute, { page: "edit" }> | { page: "templates"; id: number | null };

/** [] → campaigns, ["new"] → compose, ["12"] → campaign 12, ["templates", "3"] → template 3. */
export function parseNotificationsPath(path: readonly string[]): NotificationsRoute {
  if (path[0] === "templates") {
    const id = Number(path[1]);
    return { page: "templates", id: Number.isSafeInteger(id) && id > 0 ? id : null };
  }
  const route = parseItemPath(path);
  // A campaign is never edited: its messages are written when it is created.
  return route.page === "edit" ? { page: "detail", id: route.id } : route;
}

export const campaignsHref = "#/notifications";
export const newCampaignHref = "#/notifications/new";
export const campaignHref = (id: number) => `#/notifications/${id}`;
export const templatesHref = "#/notifications/templates";
export const templateHref = (id: number) => `#/notifications/templates/${id}`;
/** The Mail section of the Settings page. */
export const mailSettingsHref = "#/settings/mail";
