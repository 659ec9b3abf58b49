import { setImmediate } from "node:timers/promises";

/**
 * How long work that runs beside ingress (loading 10,000 manifests, applying them on reload) may
 * hold the event loop before it lets requests in: a reload of 10,000 triggers took ~2.3 s of
 * synchronous work, during which every producer waited.
 */
export const DEFAULT_SLICE_MS = 8;

/**
 * Long synchronous work written as a generator that `yield`s at points where it may pause (after
 * a document, after a trigger). `runToEnd` runs it straight through (for synchronous APIs);
 * `runSliced` gives the event loop a turn whenever a slice of `sliceMs` has been used, so requests
 * and timers wait at most about one slice. The work must tolerate other code running at its
 * yields: it keeps its own state and touches shared state only in steps that end before a yield.
 */
export type Steps<T> = Generator<void, T, void>;

export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

export async function runSliced<T>(steps: Steps<T>, sliceMs = DEFAULT_SLICE_MS): Promise<T> {
  const slice = timeSlice(sliceMs);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
    await slice();
  }
}

/**
 * For async loops: `await slice()` at each point where the loop may pause; it resolves at once
 * while the current slice lasts and after a turn of the event loop (setImmediate: pending I/O
 * runs first) once `sliceMs` has been used.
 */
export function timeSlice(sliceMs = DEFAULT_SLICE_MS): () => Promise<void> {
  let started = performance.now();
  return async () => {
    if (performance.now() - started < sliceMs) return;
    await setImmediate();
    started = performance.now();
  };
}
