import type { SourceResource, ValidationContext } from "@sluice/core";
import type { Clock, PingSpec } from "../src/index.js";
import { validatePingSpec } from "../src/index.js";

export { eventually } from "@sluice/testing";

export interface Diagnostic {
  readonly severity: "error" | "warning";
  readonly pointer: string;
  readonly code: string;
  readonly message: string;
}

/** A ValidationContext that records diagnostics (what the manifest loader would print). */
export function recordValidation(
  annotations: Readonly<Record<string, string>> = {},
): ValidationContext & { readonly diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  return {
    namespace: "default",
    name: "test",
    annotations,
    diagnostics,
    error: (pointer, code, message) => void diagnostics.push({ severity: "error", pointer, code, message }),
    warning: (pointer, code, message) =>
      void diagnostics.push({ severity: "warning", pointer, code, message }),
    destination: () => undefined,
    duration: () => undefined,
    secret: () => undefined,
  };
}

export function pingSpec(spec: Record<string, unknown>): PingSpec {
  const ctx = recordValidation();
  const valid = validatePingSpec(spec, ctx);
  if (valid === undefined) throw new Error(`invalid spec: ${JSON.stringify(ctx.diagnostics)}`);
  return valid;
}

export function pingResource(
  spec: Record<string, unknown>,
  options: {
    sink?: string;
    ceOverrides?: Record<string, string>;
    annotations?: Record<string, string>;
    name?: string;
    namespace?: string;
  } = {},
): SourceResource<PingSpec> {
  const namespace = options.namespace ?? "default";
  const name = options.name ?? "ping";
  return {
    namespace,
    name,
    id: `${namespace}/${name}`,
    apiVersion: "sources.knative.dev/v1",
    kind: "PingSource",
    sink: { url: options.sink ?? "http://127.0.0.1:1/" },
    ceOverrides: options.ceOverrides ?? {},
    spec: pingSpec(spec),
    annotations: options.annotations ?? {},
    location: { file: "test.yaml", line: 1, column: 1 },
  };
}

/** A clock the test moves by hand: timers fire only in advance()/fireNext(). */
export class ManualClock implements Clock {
  #now: number;
  #next = 1;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(callback: () => void, delayMs: number): unknown {
    const id = this.#next++;
    this.#timers.set(id, { at: this.#now + delayMs, callback });
    return id;
  }

  clearTimer(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  get pending(): number {
    return this.#timers.size;
  }

  /** When the earliest timer fires, or undefined. */
  get nextAt(): number | undefined {
    let earliest: number | undefined;
    for (const { at } of this.#timers.values()) if (earliest === undefined || at < earliest) earliest = at;
    return earliest;
  }

  /** Moves time to the earliest timer and fires it; false when there is none. */
  fireNext(): boolean {
    let found: [number, { at: number; callback: () => void }] | undefined;
    for (const entry of this.#timers) if (found === undefined || entry[1].at < found[1].at) found = entry;
    if (found === undefined) return false;
    this.#timers.delete(found[0]);
    this.#now = Math.max(this.#now, found[1].at);
    found[1].callback();
    return true;
  }

  /** Sets the time without firing anything (a clock jump, or a machine that slept). */
  set(now: number): void {
    this.#now = now;
  }
}
