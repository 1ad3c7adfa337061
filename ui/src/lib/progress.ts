import type { ProgressEvent } from "../bindings/ProgressEvent";

/** The state of a long task as its progress channel reports it. */
export interface ProgressState {
  stage: string | null;
  done: number;
  total: number | null;
}

export const initialProgress: ProgressState = { stage: null, done: 0, total: null };

/** Folds one channel event into the state: `stage` starts a new step, `advance` moves it on. */
export function reduceProgress(state: ProgressState, event: ProgressEvent | "reset"): ProgressState {
  if (event === "reset") return initialProgress;
  switch (event.event) {
    case "stage":
      return { stage: event.name, done: 0, total: event.total };
    case "advance":
      return { ...state, done: event.done, total: event.total ?? state.total };
  }
}

/** 0–100, or null when the total is not known (show an indeterminate bar). */
export function progressPercent(state: ProgressState): number | null {
  if (state.total == null || state.total <= 0) return null;
  return Math.min(100, Math.max(0, (state.done / state.total) * 100));
}
