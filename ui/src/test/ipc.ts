import { mockIPC } from "@tauri-apps/api/mocks";
import type { Channel } from "@tauri-apps/api/core";
import type { ProgressEvent } from "../bindings/ProgressEvent";

export type Handler = (args: Record<string, unknown>) => unknown;

export interface IpcLog {
  calls: { cmd: string; args: Record<string, unknown> }[];
  argsOf: (cmd: string) => Record<string, unknown>[];
}

/**
 * Fakes the Tauri commands with `handlers` (name -> function of the args). A command with no
 * handler rejects like the real core would with an internal error, so a test notices it.
 */
export function mockCommands(handlers: Record<string, Handler>): IpcLog {
  const log: IpcLog = {
    calls: [],
    argsOf: (cmd) => log.calls.filter((c) => c.cmd === cmd).map((c) => c.args),
  };
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    log.calls.push({ cmd, args });
    const handler = handlers[cmd];
    if (!handler) throw { kind: "internal", message: `no mock for ${cmd}` };
    return handler(args);
  });
  return log;
}

/** Delivers a progress event through a Channel the UI passed to a command, as Rust would. */
export function sendProgress(channel: unknown, index: number, event: ProgressEvent): void {
  const id = (channel as Channel<ProgressEvent>).id;
  const internals = (window as unknown as { __TAURI_INTERNALS__: { runCallback: (id: number, data: unknown) => void } })
    .__TAURI_INTERNALS__;
  internals.runCallback(id, { index, message: event });
}

/** A promise with its resolve/reject exposed, to hold a command open during a test. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Delivers any message through a Channel the UI passed to a command (the outbox's stream, say). */
export function sendToChannel(channel: unknown, index: number, message: unknown): void {
  const id = (channel as Channel<unknown>).id;
  const internals = (window as unknown as { __TAURI_INTERNALS__: { runCallback: (id: number, data: unknown) => void } })
    .__TAURI_INTERNALS__;
  internals.runCallback(id, { index, message });
}
