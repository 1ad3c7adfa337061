import { Alert, Checkbox, NativeSelect, PasswordInput, SimpleGrid, Text, TextInput } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import type { SmtpSecurity } from "../../bindings/SmtpSecurity";
import { DEFAULT_PORTS, SECURITY_LABELS, isLoopback, type MailDraft } from "./mailDraft";

interface SmtpFieldsProps {
  draft: MailDraft;
  passwordSaved: boolean;
  set: <K extends keyof MailDraft>(key: K, value: MailDraft[K]) => void;
  onChange: (update: (d: MailDraft) => MailDraft) => void;
}

/** The SMTP server: where, how securely, as whom, and how many connections. */
export function SmtpFields({ draft: d, passwordSaved, set, onChange }: SmtpFieldsProps) {
  const changeSecurity = (security: SmtpSecurity) =>
    onChange((x) => {
      // Follow the usual port while the port is still another kind's usual one.
      const usual = Object.values(DEFAULT_PORTS).includes(Number(x.port));
      return { ...x, security, port: usual ? String(DEFAULT_PORTS[security]) : x.port };
    });
  const plainRemote = d.security === "plain" && d.host.trim() !== "" && !isLoopback(d.host);
  return (
    <>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <TextInput label="Server" placeholder="smtp.example.com" value={d.host} onChange={(e) => set("host", e.currentTarget.value)} data-testid="mail-host" />
        <TextInput label="Port" inputMode="numeric" value={d.port} onChange={(e) => set("port", e.currentTarget.value)} data-testid="mail-port" />
        <NativeSelect
          label="Security"
          data={(Object.keys(SECURITY_LABELS) as SmtpSecurity[]).map((s) => ({ value: s, label: SECURITY_LABELS[s] }))}
          value={d.security}
          onChange={(e) => changeSecurity(e.currentTarget.value as SmtpSecurity)}
          data-testid="mail-security"
        />
      </SimpleGrid>
      {d.security === "plain" && !plainRemote && (
        <Text size="xs" c="dimmed">
          Unencrypted SMTP is accepted to a server on this machine (such as a local relay), where nothing crosses the
          network.
        </Text>
      )}
      {plainRemote && (
        <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} data-testid="mail-plain-warning">
          <Text size="sm">
            Without encryption, messages (and the password, if one is set) cross the network readable by anyone on the
            way. Choose STARTTLS or TLS unless {d.host.trim()} is a relay on a network you trust.
          </Text>
          <Checkbox
            mt="xs"
            label="Allow unencrypted sending to this trusted server"
            checked={d.allowPlainRemote}
            onChange={(e) => set("allowPlainRemote", e.currentTarget.checked)}
            data-testid="mail-allow-plain"
          />
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <TextInput
          label="User name"
          description="Empty when the server needs no login"
          value={d.username}
          onChange={(e) => set("username", e.currentTarget.value)}
          autoComplete="off"
          data-testid="mail-username"
        />
        <PasswordInput
          label="Password"
          description="Kept in the operating system's credential store, never in PatchDesk's database"
          placeholder={passwordSaved ? "saved in the system keychain" : "not saved"}
          value={d.password}
          onChange={(e) => set("password", e.currentTarget.value)}
          disabled={!d.username.trim()}
          autoComplete="new-password"
          data-testid="mail-password"
        />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <TextInput
          label="Connections"
          description="Kept open and used in parallel (1–32)"
          inputMode="numeric"
          value={d.poolSize}
          onChange={(e) => set("poolSize", e.currentTarget.value)}
          data-testid="mail-pool"
        />
        <TextInput
          label="Timeout (seconds)"
          inputMode="numeric"
          value={d.timeoutSecs}
          onChange={(e) => set("timeoutSecs", e.currentTarget.value)}
          data-testid="mail-timeout"
        />
        <TextInput
          label="Extra CA file (PEM)"
          description="Your organisation's own certificate authority, trusted besides the system's"
          placeholder="/etc/ssl/corp-ca.pem"
          value={d.extraCaFile}
          onChange={(e) => set("extraCaFile", e.currentTarget.value)}
          data-testid="mail-ca-file"
        />
      </SimpleGrid>
    </>
  );
}
