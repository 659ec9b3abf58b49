import type { Destination, SecretValue, Source, SourcePlugin } from "@sluice/core";

export interface TickSpec {
  readonly intervalMs: number;
  readonly token: SecretValue | undefined;
  readonly target: Destination | undefined;
  readonly labels: readonly string[];
  readonly path: string | undefined;
}

/**
 * A source plugin for tests: `interval` (required duration), `token` (optional secret), `target`
 * (optional destination), `labels` (list of strings), `crash: true` makes validate throw,
 * `silent: true` makes it reject without a diagnostic.
 */
export const tickPlugin: SourcePlugin<TickSpec> = {
  apiVersion: "sources.example.dev/v1",
  kind: "TickSource",
  validate(spec, ctx) {
    for (const key of Object.keys(spec)) {
      if (!["interval", "token", "target", "labels", "crash", "silent", "path"].includes(key)) {
        ctx.warning(`/spec/${key}`, "TICK_UNKNOWN", `unknown field ${key}`);
      }
    }
    if (spec.crash === true) throw new Error("boom");
    if (spec.silent === true) return undefined;
    const intervalMs = ctx.duration("/spec/interval", spec.interval);
    const token = spec.token === undefined ? undefined : ctx.secret("/spec/token", spec.token);
    const target = spec.target === undefined ? undefined : ctx.destination("/spec/target", spec.target);
    if (intervalMs !== undefined && intervalMs < 1000) {
      ctx.error("/spec/interval", "TICK_TOO_FAST", "interval must be at least PT1S", "use PT1S or more");
      return undefined;
    }
    if (intervalMs === undefined) return undefined;
    if (spec.token !== undefined && token === undefined) return undefined;
    if (spec.target !== undefined && target === undefined) return undefined;
    const labels = Array.isArray(spec.labels) ? spec.labels.map(String) : [];
    return { intervalMs, token, target, labels, path: typeof spec.path === "string" ? spec.path : undefined };
  },
  httpPaths: (spec) => (spec.path === undefined ? [] : [spec.path]),
  create(): Source {
    return { start: async () => {}, close: async () => {} };
  },
};
