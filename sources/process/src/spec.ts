import type { SecretValue, ValidationContext } from "@sluice/core";
import { ProcessSourceErrors } from "./errors.js";
import { RESERVED_ENV } from "./sink-binding.js";

export type RestartPolicy = "Always" | "OnFailure" | "Never";

export interface EnvEntry {
  readonly name: string;
  readonly value: string | SecretValue;
}

export interface RestartSpec {
  readonly policy: RestartPolicy;
  /** Delay before the first restart; doubles with each quick exit in a row. */
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  /** A run at least this long counts as stable: the backoff starts over and health recovers. */
  readonly resetAfterMs: number;
}

/** A validated ProcessSource spec; durations in ms. */
export interface ProcessSpec {
  /** argv: `command` followed by `args`. */
  readonly command: readonly string[];
  readonly env: readonly EnvEntry[];
  /** As written; resolved against the manifest's folder when the source is created. */
  readonly cwd: string | undefined;
  readonly inheritEnv: boolean;
  readonly restart: RestartSpec;
  /** Time between SIGTERM and SIGKILL to the process group on shutdown. */
  readonly stopGracePeriodMs: number;
}

export const DEFAULT_RESTART: RestartSpec = Object.freeze({
  policy: "Always",
  minBackoffMs: 1_000,
  maxBackoffMs: 60_000,
  resetAfterMs: 60_000,
});
export const DEFAULT_STOP_GRACE_PERIOD_MS = 10_000;

const FIELDS = ["command", "args", "env", "cwd", "inheritEnv", "restart", "stopGracePeriod"];
const POLICIES: readonly RestartPolicy[] = ["Always", "OnFailure", "Never"];
/** Kubernetes' env var name rule (validation.IsEnvVarName). */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

type Mapping = Readonly<Record<string, unknown>>;

function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

function isMapping(value: unknown): value is Mapping {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Validates and defaults a ProcessSource spec, reporting every problem through ctx. */
export function validateProcessSpec(
  spec: Readonly<Record<string, unknown>>,
  ctx: ValidationContext,
): ProcessSpec | undefined {
  let failed = false;
  const fail = <T>(value: T | undefined): T | undefined => {
    if (value === undefined) failed = true;
    return value;
  };
  warnUnknown(ctx, spec, "/spec", FIELDS);
  const command = fail(readArgv(ctx, spec.command, "/spec/command", true));
  const args = isAbsent(spec.args) ? [] : fail(readArgv(ctx, spec.args, "/spec/args", false));
  const env = isAbsent(spec.env) ? [] : fail(readEnv(ctx, spec.env));
  const cwd = isAbsent(spec.cwd) ? undefined : fail(readString(ctx, spec.cwd, "/spec/cwd"));
  const inheritEnv = isAbsent(spec.inheritEnv)
    ? true
    : fail(readBoolean(ctx, spec.inheritEnv, "/spec/inheritEnv"));
  const restart = isAbsent(spec.restart) ? DEFAULT_RESTART : fail(readRestart(ctx, spec.restart));
  const grace = isAbsent(spec.stopGracePeriod)
    ? DEFAULT_STOP_GRACE_PERIOD_MS
    : fail(ctx.duration("/spec/stopGracePeriod", spec.stopGracePeriod));
  if (failed || command === undefined || args === undefined || env === undefined) return undefined;
  if (inheritEnv === undefined || restart === undefined || grace === undefined) return undefined;
  return Object.freeze({
    command: Object.freeze([...command, ...args]),
    env,
    cwd,
    inheritEnv,
    restart,
    stopGracePeriodMs: grace,
  });
}

function warnUnknown(
  ctx: ValidationContext,
  mapping: Mapping,
  pointer: string,
  known: readonly string[],
): void {
  for (const key of Object.keys(mapping)) {
    if (known.includes(key)) continue;
    ctx.warning(
      `${pointer}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`,
      ProcessSourceErrors.UNKNOWN_FIELD,
      `${pointer.slice(1).replaceAll("/", ".")} has no field ${key}; it is ignored`,
      `known fields: ${known.join(", ")}`,
    );
  }
}

function readString(ctx: ValidationContext, value: unknown, pointer: string): string | undefined {
  if (typeof value === "string") return value;
  ctx.error(
    pointer,
    ProcessSourceErrors.INVALID_TYPE,
    `${pointer.slice(1).replaceAll("/", ".")} must be a string`,
  );
  return undefined;
}

function readBoolean(ctx: ValidationContext, value: unknown, pointer: string): boolean | undefined {
  if (typeof value === "boolean") return value;
  ctx.error(
    pointer,
    ProcessSourceErrors.INVALID_TYPE,
    `${pointer.slice(1).replaceAll("/", ".")} must be true or false`,
  );
  return undefined;
}

/** A list of strings (no shell: each item is one argument). */
function readArgv(
  ctx: ValidationContext,
  value: unknown,
  pointer: string,
  required: boolean,
): string[] | undefined {
  const name = pointer.slice(1).replaceAll("/", ".");
  if (isAbsent(value)) {
    ctx.error(
      pointer,
      ProcessSourceErrors.MISSING_FIELD,
      `${name} is required`,
      "e.g. command: [node, emitter.js]",
    );
    return undefined;
  }
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    ctx.error(
      pointer,
      ProcessSourceErrors.INVALID_TYPE,
      `${name} must be a list of strings (no shell: one item per argument)`,
      typeof value === "string" ? `write [${value.split(/\s+/).join(", ")}]` : undefined,
    );
    return undefined;
  }
  if (required && (value.length === 0 || value[0] === "")) {
    ctx.error(pointer, ProcessSourceErrors.INVALID_VALUE, `${name} must name a program`);
    return undefined;
  }
  return value as string[];
}

/** Kubernetes-style env: [{name, value}] or [{name, valueFrom: {secretKeyRef | env}}]. */
function readEnv(ctx: ValidationContext, value: unknown): readonly EnvEntry[] | undefined {
  if (!Array.isArray(value)) {
    ctx.error("/spec/env", ProcessSourceErrors.INVALID_TYPE, "spec.env must be a list of {name, value}");
    return undefined;
  }
  const entries: EnvEntry[] = [];
  let ok = true;
  value.forEach((item, i) => {
    const entry = readEnvEntry(ctx, item, `/spec/env/${i}`);
    if (entry === undefined) ok = false;
    else entries.push(entry);
  });
  return ok ? Object.freeze(entries) : undefined;
}

function readEnvEntry(ctx: ValidationContext, item: unknown, pointer: string): EnvEntry | undefined {
  if (!isMapping(item)) {
    ctx.error(pointer, ProcessSourceErrors.INVALID_TYPE, "an env entry must be a mapping {name, value}");
    return undefined;
  }
  warnUnknown(ctx, item, pointer, ["name", "value", "valueFrom"]);
  const name = readString(ctx, item.name, `${pointer}/name`);
  if (name === undefined) return undefined;
  if (!ENV_NAME.test(name)) {
    ctx.error(
      `${pointer}/name`,
      ProcessSourceErrors.INVALID_VALUE,
      `"${name}" is not an environment variable name`,
    );
    return undefined;
  }
  if (RESERVED_ENV.includes(name)) {
    ctx.warning(
      `${pointer}/name`,
      ProcessSourceErrors.RESERVED_ENV,
      `${name} is set by Sluice (SinkBinding contract); this entry is replaced`,
    );
  }
  if (isAbsent(item.valueFrom)) {
    const text = isAbsent(item.value) ? "" : readString(ctx, item.value, `${pointer}/value`);
    return text === undefined ? undefined : Object.freeze({ name, value: text });
  }
  if (!isAbsent(item.value)) {
    ctx.error(pointer, ProcessSourceErrors.INVALID_VALUE, "an env entry has value or valueFrom, not both");
    return undefined;
  }
  const secret = ctx.secret(`${pointer}/valueFrom`, item.valueFrom);
  return secret === undefined ? undefined : Object.freeze({ name, value: secret });
}

function readRestart(ctx: ValidationContext, value: unknown): RestartSpec | undefined {
  if (!isMapping(value)) {
    ctx.error("/spec/restart", ProcessSourceErrors.INVALID_TYPE, "spec.restart must be a mapping");
    return undefined;
  }
  warnUnknown(ctx, value, "/spec/restart", ["policy", "minBackoff", "maxBackoff", "resetAfter"]);
  let ok = true;
  const policy = isAbsent(value.policy) ? DEFAULT_RESTART.policy : value.policy;
  if (!POLICIES.includes(policy as RestartPolicy)) {
    ctx.error(
      "/spec/restart/policy",
      ProcessSourceErrors.INVALID_VALUE,
      `restart policy must be one of ${POLICIES.join(", ")}`,
    );
    ok = false;
  }
  const duration = (key: string, fallback: number) => {
    if (isAbsent(value[key])) return fallback;
    const ms = ctx.duration(`/spec/restart/${key}`, value[key]);
    if (ms !== undefined && ms > 0) return ms;
    if (ms !== undefined)
      ctx.error(`/spec/restart/${key}`, ProcessSourceErrors.INVALID_VALUE, `restart.${key} must be positive`);
    ok = false;
    return fallback;
  };
  const minBackoffMs = duration("minBackoff", DEFAULT_RESTART.minBackoffMs);
  const maxBackoffMs = duration("maxBackoff", Math.max(DEFAULT_RESTART.maxBackoffMs, minBackoffMs));
  const resetAfterMs = duration("resetAfter", DEFAULT_RESTART.resetAfterMs);
  if (ok && maxBackoffMs < minBackoffMs) {
    ctx.error(
      "/spec/restart/maxBackoff",
      ProcessSourceErrors.INVALID_VALUE,
      "restart.maxBackoff must not be below minBackoff",
    );
    ok = false;
  }
  return ok
    ? Object.freeze({ policy: policy as RestartPolicy, minBackoffMs, maxBackoffMs, resetAfterMs })
    : undefined;
}
