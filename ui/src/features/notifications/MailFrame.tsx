interface MailFrameProps {
  html: string;
  title: string;
  "data-testid"?: string;
}

/**
 * A message's HTML, shown only in a fully sandboxed frame: `sandbox=""` allows nothing (no
 * script, no form, no navigation of the app, no same origin), so mail content can never
 * act inside PatchDesk.
 */
export function MailFrame({ html, title, ...rest }: MailFrameProps) {
  return <iframe sandbox="" srcDoc={html} title={title} className="mail-frame" data-testid={rest["data-testid"]} />;
}
