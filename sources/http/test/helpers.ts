import assert from "node:assert/strict";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { TestContext } from "node:test";
import { decodeHttp } from "@sluice/codec";
import {
  type CloudEvent,
  SecretValue,
  type Source,
  type SourceResource,
  type ValidationContext,
} from "@sluice/core";
import {
  createTestSourceContext,
  type RecordingSink,
  type SinkRequest,
  startRecordingSink,
  startTestRouter,
  type TestSourceContext,
} from "@sluice/testing";
import { createHttpSource, type HttpSourceSpec, validateHttpSpec } from "../src/index.js";

export interface Diagnostic {
  readonly severity: "error" | "warning";
  readonly pointer: string;
  readonly code: string;
  readonly message: string;
}

export const SECRETS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  github: { "webhook-secret": "It's a Secret to Everybody" },
  api: { token: "s3cr3t-t0ken", password: "correct horse battery staple" },
};
export const ENV: Readonly<Record<string, string>> = { WEBHOOK_TOKEN: "env-token", WEBHOOK_USER: "robot" };

/**
 * A ValidationContext that records diagnostics and resolves secrets as the manifest loader does:
 * {secretKeyRef: {name, key}} from SECRETS, {env: NAME} from ENV, anything else is an error.
 */
export function recordValidation(): ValidationContext & { readonly diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const error = (pointer: string, code: string, message: string) =>
    void diagnostics.push({ severity: "error", pointer, code, message });
  return {
    namespace: "hooks",
    name: "github",
    annotations: {},
    diagnostics,
    error,
    warning: (pointer, code, message) =>
      void diagnostics.push({ severity: "warning", pointer, code, message }),
    destination: () => undefined,
    duration: () => undefined,
    secret(pointer, value) {
      const ref = value as { secretKeyRef?: { name: string; key: string }; env?: string } | null;
      const found = ref?.secretKeyRef
        ? SECRETS[ref.secretKeyRef.name]?.[ref.secretKeyRef.key]
        : ref?.env
          ? ENV[ref.env]
          : undefined;
      if (found === undefined) {
        error(pointer, "SLUICE_ERR_MANIFEST_SECRET_NOT_FOUND", "no such secret");
        return undefined;
      }
      return new SecretValue(found, "test");
    },
  };
}

export function httpSpec(spec: Record<string, unknown>): HttpSourceSpec {
  const ctx = recordValidation();
  const valid = validateHttpSpec(spec, ctx);
  if (valid === undefined) throw new Error(`invalid spec: ${JSON.stringify(ctx.diagnostics)}`);
  return valid;
}

export function httpResource(
  spec: Record<string, unknown>,
  options: { sink?: string; ceOverrides?: Record<string, string> } = {},
): SourceResource<HttpSourceSpec> {
  return {
    namespace: "hooks",
    name: "github",
    id: "hooks/github",
    apiVersion: "sources.sluice.dev/v1alpha1",
    kind: "HttpSource",
    sink: { url: options.sink ?? "http://127.0.0.1:1/" },
    ceOverrides: options.ceOverrides ?? {},
    spec: httpSpec(spec),
    annotations: {},
    location: { file: "test.yaml", line: 1, column: 1 },
  };
}

export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One request over a fresh connection (no keep-alive, nothing left open). */
export function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? "POST", headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

export interface Served {
  readonly url: string;
  readonly sink: RecordingSink;
  readonly ctx: TestSourceContext;
  readonly source: Source;
}

export async function serve(t: TestContext, spec: Record<string, unknown>): Promise<Served> {
  const sink = await startRecordingSink();
  const router = await startTestRouter();
  const ctx = createTestSourceContext({
    sink: { url: sink.url },
    ceOverrides: {},
    http: router,
    retry: { attempts: 2, initialDelayMs: 1, maxDelayMs: 1 },
  });
  const path = (spec.path as string | undefined) ?? "/hook";
  const source = createHttpSource(httpResource({ path, ...spec }, { sink: sink.url }));
  await source.start(ctx);
  t.after(async () => {
    await source.close();
    await ctx.close();
    await router.close();
    await sink.close();
  });
  return { url: `${router.url}${path}`, sink, ctx, source };
}

export function eventOf(request: SinkRequest): CloudEvent {
  const { events } = decodeHttp(request.headers, request.body);
  assert.equal(events.length, 1);
  return events[0]!;
}

export function errorCode(answer: Answer): string {
  return (JSON.parse(answer.body) as { error: { code: string } }).error.code;
}
