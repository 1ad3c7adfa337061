import { describe, expect, it } from "vitest";
import { mailView } from "../../test/mail";
import { draftFromSettings, isLoopback, mailProblem, passwordToSave, toSettings } from "./mailDraft";

describe("mail settings draft", () => {
  it("gives back the settings it was made from", () => {
    const outbox = mailView().settings;
    expect(toSettings(draftFromSettings(outbox))).toEqual(outbox);
    const smtp = {
      ...outbox,
      smtp: {
        host: "smtp.example.com",
        port: 465,
        security: "tls" as const,
        username: "svc-patchdesk",
        allowPlainRemote: false,
        poolSize: 2,
        timeoutSecs: 20,
        extraCaFile: "/etc/ssl/corp.pem",
      },
      ratePerSecond: 10,
    };
    expect(toSettings(draftFromSettings(smtp))).toEqual(smtp);
  });

  it("refuses unencrypted SMTP to another machine unless it is allowed explicitly", () => {
    const d = { ...draftFromSettings(mailView().settings), mode: "smtp" as const, host: "relay.corp", security: "plain" as const };
    expect(mailProblem(d)).toMatch(/without encryption to relay.corp/);
    expect(mailProblem({ ...d, allowPlainRemote: true })).toBeNull();
    expect(mailProblem({ ...d, host: "localhost" })).toBeNull();
    expect(toSettings({ ...d, security: "starttls", allowPlainRemote: true }).smtp?.allowPlainRemote).toBe(false);
  });

  it("knows this machine's addresses", () => {
    expect(["localhost", "127.0.0.1", "::1", "[::1]", "LOCALHOST"].every(isLoopback)).toBe(true);
    expect(["relay.corp", "10.0.0.5", "127.example.com"].some(isLoopback)).toBe(false);
  });

  it("checks numbers and leaves an empty rate as no limit", () => {
    const d = draftFromSettings(mailView().settings);
    expect(mailProblem({ ...d, maxAttempts: "0" })).toMatch(/1 to 20/);
    expect(mailProblem({ ...d, ratePerSecond: "0" })).toMatch(/rate limit/);
    expect(toSettings({ ...d, ratePerSecond: " " }).ratePerSecond).toBeNull();
    expect(mailProblem({ ...d, senderEmail: "desk" })).toMatch(/sender's e-mail/);
  });

  it("sends a password only when one was typed for an SMTP login", () => {
    const d = { ...draftFromSettings(mailView().settings), mode: "smtp" as const, host: "smtp.example.com", username: "svc", password: "pw" };
    expect(passwordToSave(d)).toBe("pw");
    expect(passwordToSave({ ...d, password: "" })).toBeNull();
    expect(passwordToSave({ ...d, username: " " })).toBeNull();
    expect(passwordToSave({ ...d, mode: "outbox" })).toBeNull();
  });
});
