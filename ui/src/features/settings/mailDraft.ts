// The Mail settings form keeps what is typed as strings; this turns it into MailSettings.
import type { MailSettings } from "../../bindings/MailSettings";
import type { SmtpSecurity } from "../../bindings/SmtpSecurity";

export interface MailDraft {
  senderName: string;
  senderEmail: string;
  /** Where mail goes: .eml files in a folder, or an SMTP server. */
  mode: "outbox" | "smtp";
  outboxDir: string;
  host: string;
  port: string;
  security: SmtpSecurity;
  allowPlainRemote: boolean;
  username: string;
  /** "" keeps the saved password. */
  password: string;
  poolSize: string;
  timeoutSecs: string;
  extraCaFile: string;
  /** "" = no limit. */
  ratePerSecond: string;
  maxAttempts: string;
  retryBaseSecs: string;
}

export function draftFromSettings(s: MailSettings): MailDraft {
  const smtp = s.smtp;
  return {
    senderName: s.senderName,
    senderEmail: s.senderEmail,
    mode: smtp ? "smtp" : "outbox",
    outboxDir: s.outboxDir ?? "",
    host: smtp?.host ?? "",
    port: String(smtp?.port ?? 587),
    security: smtp?.security ?? "starttls",
    allowPlainRemote: smtp?.allowPlainRemote ?? false,
    username: smtp?.username ?? "",
    password: "",
    poolSize: String(smtp?.poolSize ?? 4),
    timeoutSecs: String(smtp?.timeoutSecs ?? 30),
    extraCaFile: smtp?.extraCaFile ?? "",
    ratePerSecond: s.ratePerSecond == null ? "" : String(s.ratePerSecond),
    maxAttempts: String(s.maxAttempts),
    retryBaseSecs: String(s.retryBaseSecs),
  };
}

/** How each kind of connection is named in the form. */
export const SECURITY_LABELS: Record<SmtpSecurity, string> = {
  starttls: "STARTTLS (usually port 587)",
  tls: "TLS from the start (usually port 465)",
  plain: "None: unencrypted",
};

/** The usual port of each kind of connection, for when the security changes. */
export const DEFAULT_PORTS: Record<SmtpSecurity, number> = { starttls: 587, tls: 465, plain: 25 };

/** A host on this machine: unencrypted SMTP to it never crosses the network. */
export function isLoopback(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

function whole(value: string, min: number, max: number): boolean {
  const n = Number(value);
  return value.trim() !== "" && Number.isInteger(n) && n >= min && n <= max;
}

/** The first thing to fix before saving, or null (the core checks everything again). */
export function mailProblem(d: MailDraft): string | null {
  if (!d.senderName.trim()) return "Enter the sender's name.";
  if (!/^[^\s@]+@[^\s@]+$/.test(d.senderEmail.trim())) return "Enter the sender's e-mail address.";
  if (d.mode === "smtp") {
    if (!d.host.trim()) return "Enter the SMTP server's host name.";
    if (!whole(d.port, 1, 65535)) return "The SMTP port is a number from 1 to 65535.";
    if (d.security === "plain" && !isLoopback(d.host) && !d.allowPlainRemote) {
      return `Sending without encryption to ${d.host.trim()} would expose the messages (and any password) on the network: choose STARTTLS or TLS, or allow unencrypted sending to this trusted server.`;
    }
    if (!whole(d.poolSize, 1, 32)) return "Connections is a number from 1 to 32.";
    if (!whole(d.timeoutSecs, 1, 600)) return "The timeout is 1 to 600 seconds.";
  }
  if (d.ratePerSecond.trim() && !whole(d.ratePerSecond, 1, 100_000)) {
    return "The rate limit is a whole number of messages per second; leave it empty for no limit.";
  }
  if (!whole(d.maxAttempts, 1, 20)) return "Tries for a temporary failure is 1 to 20.";
  if (!whole(d.retryBaseSecs, 1, 86_400)) return "The first retry wait is 1 second to 1 day (86,400 seconds).";
  return null;
}

const orNull = (v: string) => (v.trim() ? v.trim() : null);

/** The settings to save; call only when `mailProblem` is null. */
export function toSettings(d: MailDraft): MailSettings {
  return {
    senderName: d.senderName.trim(),
    senderEmail: d.senderEmail.trim(),
    smtp:
      d.mode === "smtp"
        ? {
            host: d.host.trim(),
            port: Number(d.port),
            security: d.security,
            username: orNull(d.username),
            allowPlainRemote: d.security === "plain" && d.allowPlainRemote,
            poolSize: Number(d.poolSize),
            timeoutSecs: Number(d.timeoutSecs),
            extraCaFile: orNull(d.extraCaFile),
          }
        : null,
    outboxDir: orNull(d.outboxDir),
    ratePerSecond: d.ratePerSecond.trim() ? Number(d.ratePerSecond) : null,
    maxAttempts: Number(d.maxAttempts),
    retryBaseSecs: Number(d.retryBaseSecs),
  };
}

/** The password to store: only a newly typed one, and only for an SMTP login (null keeps the saved one). */
export function passwordToSave(d: MailDraft): string | null {
  return d.mode === "smtp" && d.username.trim() && d.password ? d.password : null;
}
