import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import type { MailTemplate } from "../../bindings/MailTemplate";
import type { TemplateSource } from "../../bindings/TemplateSource";
import { outboxHandlers, templates } from "../../test/mail";
import { mockCommands } from "../../test/ipc";
import { renderWithProviders } from "../../test/render";
import { NotificationsPage } from "./NotificationsPage";
import { clearTemplateDrafts } from "./templateDrafts";

function render(hash = "#/notifications/templates") {
  window.location.hash = hash;
  const log = mockCommands({
    ...outboxHandlers,
    mail_template_list: () => templates,
    mail_template_preview: (args) => {
      const source = args.source as TemplateSource;
      if (source.body.includes("{{ nope }}")) {
        throw { kind: "invalid", message: "the body uses unknown variable nope; known: recipient, computers, policy" };
      }
      return { subject: source.subject.replace("{{ recipient.name }}", "Kim Min-jun"), text: "Hello Kim Min-jun", html: "<p>Hello <em>Kim Min-jun</em></p>" };
    },
    mail_template_save: (args): MailTemplate => ({ ...templates[0]!, ...(args.source as TemplateSource), updatedAt: "2026-12-02T08:00:00Z" }),
    mail_template_reset: (args): MailTemplate => ({ ...templates.find((t) => t.id === args.id)!, updatedAt: "2026-12-03T08:00:00Z" }),
  });
  const user = userEvent.setup();
  const view = renderWithProviders(<NotificationsPage />);
  return { log, user, ...view };
}

describe("mail templates", () => {
  beforeEach(clearTemplateDrafts);

  it("groups templates by kind, with each announcement's client policy", async () => {
    const { user } = render();
    const groups = await screen.findAllByTestId("template-group");
    expect(groups.map((g) => g.getAttribute("data-kind"))).toEqual(["announcement", "overnight"]);
    expect(within(groups[0]!).getByText("Notify for download and install")).toBeInTheDocument();
    expect(within(groups[0]!).getByText("Auto download, scheduled install")).toBeInTheDocument();
    expect(screen.getByTestId("template-editor")).toHaveAttribute("data-id", "1");

    await user.click(within(groups[1]!).getByText("Leave your computer on"));
    await waitFor(() => expect(window.location.hash).toBe("#/notifications/templates/3"));
    await waitFor(() => expect(screen.getByTestId("template-editor")).toHaveAttribute("data-id", "3"));
    expect(screen.getByTestId("template-subject")).toHaveValue("Please leave your computer on tonight");
  });

  it("previews as it is typed, refuses to save an invalid template, and saves a valid one", async () => {
    const { log, user } = render("#/notifications/templates/1");
    const frame = await screen.findByTestId("template-preview-frame");
    expect(frame).toHaveAttribute("sandbox", "");
    expect(frame.getAttribute("srcdoc")).toBe("<p>Hello <em>Kim Min-jun</em></p>");
    expect(screen.getByTestId("template-preview-subject")).toHaveTextContent("Updates for Kim Min-jun");
    expect(screen.getByTestId("template-save")).toBeDisabled(); // nothing changed yet

    const body = screen.getByTestId("template-body");
    await user.click(body);
    await user.paste(" {{ nope }}");
    const error = await screen.findByTestId("template-error");
    expect(error).toHaveTextContent("unknown variable nope");
    expect(screen.getByTestId("template-save")).toBeDisabled();

    await user.clear(body);
    await user.paste("Hi {{ recipient.name }}");
    await waitFor(() => expect(screen.queryByTestId("template-error")).not.toBeInTheDocument());
    await waitFor(() => expect(screen.getByTestId("template-save")).toBeEnabled());
    expect(log.argsOf("mail_template_preview").at(-1)).toEqual({
      source: { subject: templates[0]!.subject, body: "Hi {{ recipient.name }}" },
      kind: templates[0]!.kind,
    });

    await user.click(screen.getByTestId("template-save"));
    await waitFor(() => expect(log.argsOf("mail_template_save")).toHaveLength(1));
    expect(log.argsOf("mail_template_save")[0]).toEqual({ id: 1, source: { subject: templates[0]!.subject, body: "Hi {{ recipient.name }}" } });
    await waitFor(() => expect(screen.getByTestId("template-editor")).not.toHaveAttribute("data-dirty"));
  });

  it("inserts a variable at the cursor and resets a built-in template after asking", async () => {
    const { log, user } = render("#/notifications/templates/3");
    const body = await screen.findByTestId("template-body");
    await user.clear(body);
    await user.click(within(screen.getByTestId("template-variables")).getByText("recipient.email"));
    expect(body).toHaveValue("{{ recipient.email }}");

    await user.click(screen.getByTestId("template-reset"));
    await user.click(await screen.findByTestId("template-reset-confirm"));
    await waitFor(() => expect(log.argsOf("mail_template_reset")).toEqual([{ id: 3 }]));
    await waitFor(() => expect(screen.getByTestId("template-body")).toHaveValue(templates[2]!.body));
  });

  it("keeps unsaved edits when the page is left and opened again", async () => {
    const first = render("#/notifications/templates/1");
    const body = await screen.findByTestId("template-body");
    await first.user.clear(body);
    await first.user.paste("Kept {{ recipient.name }}");
    await waitFor(() => expect(screen.getByTestId("templates-unsaved")).toHaveTextContent("1 unsaved"));
    first.unmount();

    render("#/notifications/templates/1");
    expect(await screen.findByTestId("template-body")).toHaveValue("Kept {{ recipient.name }}");
    expect(screen.getByTestId("template-editor")).toHaveAttribute("data-dirty");
    const item = screen.getAllByTestId("template-item").find((el) => el.getAttribute("data-id") === "1")!;
    expect(within(item).getByText("unsaved")).toBeInTheDocument();
  });
});
