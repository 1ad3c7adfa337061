import { notifications } from "@mantine/notifications";
import { errorTitle, toWireError } from "./ipc/errors";

export function notifySuccess(title: string, message: string): void {
  notifications.show({ title, message, color: "teal", autoClose: 6000 });
}

export function notifyInfo(title: string, message: string): void {
  notifications.show({ title, message, color: "gray", autoClose: 5000 });
}

/** Shows any failure; a cancellation is shown as neutral information, not as an error. */
export function notifyError(error: unknown, title?: string): void {
  const wire = toWireError(error);
  if (wire.kind === "cancelled") {
    notifyInfo("Cancelled", wire.message || "The task was cancelled; nothing was changed.");
    return;
  }
  notifications.show({ title: title ?? errorTitle(wire.kind), message: wire.message, color: "red", autoClose: 10000 });
}
