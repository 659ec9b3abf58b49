import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import {
  createLogger,
  type Logger,
  parseIsoDuration,
  SecretValue,
  type Source,
  type SourceResource,
  type ValidationContext,
} from "@sluice/core";
import { createTestSourceContext, type TestSourceContext } from "@sluice/testing";
import { createProcessSource, type ProcessSpec, validateProcessSpec } from "../src/index.js";

export { eventually } from "@sluice/testing";

export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
export const NODE = process.execPath;

export interface Diagnostic {
  readonly severity: "error" | "warning";
  readonly pointer: string;
  readonly code: string;
}

/** A ValidationContext that records diagnostics, parses durations and resolves test secrets. */
export function recordValidation(): ValidationContext & { readonly diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const error = (pointer: string, code: string) =>
    void diagnostics.push({ severity: "error", pointer, code });
  return {
    namespace: "default",
    name: "worker",
    annotations: {},
    diagnostics,
    error,
    warning: (pointer, code) => void diagnostics.push({ severity: "warning", pointer, code }),
    destination: () => undefined,
    duration(pointer, value) {
      try {
        return parseIsoDuration(String(value));
      } catch {
        error(pointer, "SLUICE_ERR_MANIFEST_INVALID_DURATION");
        return undefined;
      }
    },
    secret(pointer, value) {
      const ref = value as { secretKeyRef?: { name: string; key: string } } | null;
      if (ref?.secretKeyRef?.name === "db" && ref.secretKeyRef.key === "password") {
        return new SecretValue("pa55word", "Secret default/db key password");
      }
      error(pointer, "SLUICE_ERR_MANIFEST_SECRET_NOT_FOUND");
      return undefined;
    },
  };
}

export function processSpec(spec: Record<string, unknown>): ProcessSpec {
  const ctx = recordValidation();
  const valid = validateProcessSpec(spec, ctx);
  if (valid === undefined) throw new Error(`invalid spec: ${JSON.stringify(ctx.diagnostics)}`);
  return valid;
}

/** A resource whose manifest lives in fixtures/, so relative paths resolve there. */
export function processResource(
  spec: Record<string, unknown>,
  options: { sink?: string; ceOverrides?: Record<string, string> } = {},
): SourceResource<ProcessSpec> {
  return {
    namespace: "default",
    name: "worker",
    id: "default/worker",
    apiVersion: "sources.sluice.dev/v1alpha1",
    kind: "ProcessSource",
    sink: { url: options.sink ?? "http://127.0.0.1:1/" },
    ceOverrides: options.ceOverrides ?? {},
    spec: processSpec(spec),
    annotations: {},
    location: { file: join(FIXTURES, "pipeline.yaml"), line: 1, column: 1 },
  };
}

export interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export function recordingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger({
    level: "debug",
    format: "json",
    write: (line) => lines.push(JSON.parse(line)),
  });
  return { logger, lines };
}

export interface Running {
  readonly source: Source;
  readonly ctx: TestSourceContext;
  readonly lines: LogLine[];
}

/** Starts a ProcessSource with a recording logger; stopped after the test. */
export async function run(
  t: TestContext,
  spec: Record<string, unknown>,
  options: { sink?: string; ceOverrides?: Record<string, string> } = {},
): Promise<Running> {
  const { logger, lines } = recordingLogger();
  const resource = processResource(spec, options);
  const ctx = createTestSourceContext({
    sink: resource.sink,
    ceOverrides: resource.ceOverrides,
    logger,
  });
  const source = createProcessSource(resource);
  t.after(async () => {
    await source.close();
    await ctx.close();
  });
  await source.start(ctx);
  return { source, ctx, lines };
}

/** True when `pid` is a live process (zombies count as gone). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
    return state !== "Z" && state !== "X";
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

export function stdout(lines: readonly LogLine[]): string[] {
  return lines.filter((l) => l.stream === "stdout").map((l) => l.msg);
}
