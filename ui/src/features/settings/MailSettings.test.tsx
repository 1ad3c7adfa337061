import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { MailSettings as Settings } from "../../bindings/MailSettings";
import { mailView } from "../../test/mail";
import { mockCommands, type Handler } from "../../test/ipc";
import { renderWithProviders } from "../../test/render";
import { MailSettings } from "./MailSettings";

function render(handlers: Record<string, Handler>) {
  const log = mockCommands(handlers);
  const user = userEvent.setup();
  renderWithProviders(<MailSettings />);
  return { log, user };
}

describe("mail settings", () => {
  it("switches to an SMTP server, refuses unencrypted sending to another machine until allowed, and saves", async () => {
    let saved = mailView();
    const { log, user } = render({
      mail_settings_get: () => saved,
      mail_settings_set: (args) => {
        saved = mailView({ settings: args.settings as Settings });
        return saved;
      },
      mail_check: () => "Connected to relay.corp:25 without encryption (allowed for this server); no login.",
    });

    expect(await screen.findByTestId("mail-outbox-path")).toHaveTextContent("/home/me/.local/share/patchdesk/outbox");
    await user.click(screen.getByTestId("mail-mode-smtp"));
    await user.type(screen.getByTestId("mail-host"), "relay.corp");
    expect(screen.getByTestId("mail-port")).toHaveValue("587");
    await user.selectOptions(screen.getByTestId("mail-security"), "plain");
    expect(screen.getByTestId("mail-port")).toHaveValue("25");
    expect(screen.getByTestId("mail-plain-warning")).toHaveTextContent(/readable by anyone/);
    // The check uses the saved settings: save first.
    expect(screen.getByTestId("mail-check")).toBeDisabled();

    await user.click(screen.getByTestId("mail-save"));
    expect(await screen.findByTestId("mail-problem")).toHaveTextContent(/without encryption to relay.corp/);
    expect(log.argsOf("mail_settings_set")).toEqual([]);

    await user.click(screen.getByTestId("mail-allow-plain"));
    await user.click(screen.getByTestId("mail-save"));
    await waitFor(() => expect(log.argsOf("mail_settings_set")).toHaveLength(1));
    expect(log.argsOf("mail_settings_set")[0]).toEqual({
      settings: {
        senderName: "IT Service Desk",
        senderEmail: "servicedesk@example.com",
        smtp: {
          host: "relay.corp",
          port: 25,
          security: "plain",
          username: null,
          allowPlainRemote: true,
          poolSize: 4,
          timeoutSecs: 30,
          extraCaFile: null,
        },
        outboxDir: null,
        ratePerSecond: null,
        maxAttempts: 6,
        retryBaseSecs: 60,
      },
      password: null,
    });

    await waitFor(() => expect(screen.getByTestId("mail-check")).toBeEnabled());
    await user.click(screen.getByTestId("mail-check"));
    expect(await screen.findByTestId("mail-check-result")).toHaveTextContent("Connected to relay.corp:25");
  });

  it("keeps the saved password unless a new one is typed, and shows a failed check in red", async () => {
    const smtp = mailView({
      passwordSaved: true,
      passwordProblem: "The Secret Service is not running; the password cannot be read.",
      settings: {
        ...mailView().settings,
        smtp: { host: "smtp.example.com", port: 587, security: "starttls", username: "svc", allowPlainRemote: false, poolSize: 4, timeoutSecs: 30, extraCaFile: null },
      },
    });
    const { log, user } = render({
      mail_settings_get: () => smtp,
      mail_settings_set: () => smtp,
      mail_check: () => {
        throw { kind: "io", message: "TLS: the server's certificate is not trusted (add your CA file)" };
      },
      mail_send_test: (args) => `Sent to ${args.to as string}`,
      operator_get: () => ({ id: 1, name: "Park", email: "park@example.com", osUser: "park", roles: [] }),
    });

    const password = await screen.findByTestId("mail-password");
    expect(password).toHaveAttribute("placeholder", "saved in the system keychain");
    expect(screen.getByTestId("mail-password-problem")).toHaveTextContent("The Secret Service is not running");

    await user.click(screen.getByTestId("mail-check"));
    const error = await screen.findByTestId("mail-check-error");
    expect(error).toHaveTextContent("certificate is not trusted");
    expect(error).toHaveAttribute("data-kind", "io");

    await user.click(screen.getByTestId("mail-test"));
    expect(await screen.findByTestId("mail-test-to")).toHaveValue("park@example.com");
    await user.click(screen.getByTestId("mail-test-send"));
    expect(await screen.findByTestId("mail-test-result")).toHaveTextContent("Sent to park@example.com");
    await user.click(screen.getByRole("button", { name: "Close" }));

    await user.clear(screen.getByTestId("mail-rate"));
    await user.type(screen.getByTestId("mail-rate"), "5");
    await user.click(screen.getByTestId("mail-save"));
    await waitFor(() => expect(log.argsOf("mail_settings_set")).toHaveLength(1));
    expect(log.argsOf("mail_settings_set")[0]).toMatchObject({ settings: { ratePerSecond: 5 }, password: null });

    await user.type(screen.getByTestId("mail-password"), "n3w-secret");
    await user.click(screen.getByTestId("mail-save"));
    await waitFor(() => expect(log.argsOf("mail_settings_set")).toHaveLength(2));
    expect(log.argsOf("mail_settings_set")[1]).toMatchObject({ password: "n3w-secret" });
  });
});
