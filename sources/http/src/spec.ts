import { validateEvent } from "@sluice/codec";
import { createCloudEvent, isSluiceError, type ValidationContext } from "@sluice/core";
import { type AttributeRule, isJsonPointer, pointerTokens } from "./attribute-rule.js";
import { type AuthSpec, readAuth } from "./auth-spec.js";
import { HttpSourceErrors } from "./errors.js";
import {
  asMapping,
  asString,
  child,
  HEADER_NAME,
  isAbsent,
  type Mapping,
  path,
  warnUnknown,
} from "./fields.js";

/** A validated HttpSource spec; secrets are resolved SecretValues, sizes are bytes. */
export interface HttpSourceSpec {
  /** The path served on the ingress port (exact match). */
  readonly path: string;
  /** Accepted methods, upper-case. */
  readonly methods: readonly string[];
  /** Largest accepted body in bytes; larger requests get 413 from the router. */
  readonly maxBodySize: number;
  readonly event: EventRules;
  readonly auth: AuthSpec | undefined;
}

export interface EventRules {
  readonly type: AttributeRule;
  readonly source: AttributeRule;
  readonly subject: AttributeRule | undefined;
  /** Missing: a random UUID per request. */
  readonly id: AttributeRule | undefined;
}

export const DEFAULT_EVENT_TYPE = "dev.sluice.sources.http";
export const DEFAULT_METHODS: readonly string[] = Object.freeze(["POST"]);
export const DEFAULT_MAX_BODY_SIZE = 1_048_576;
const MAX_BODY_SIZE_CAP = 100 * 1_048_576;
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const RESERVED_PATHS = ["/healthz", "/readyz", "/metrics"];
const FIELDS = ["path", "methods", "maxBodySize", "event", "auth"];

export function defaultEventSource(namespace: string, name: string): string {
  return `/apis/v1alpha1/namespaces/${namespace}/httpsources/${name}`;
}

/** Validates and defaults an HttpSource spec, reporting every problem through ctx. */
export function validateHttpSpec(
  spec: Readonly<Record<string, unknown>>,
  ctx: ValidationContext,
): HttpSourceSpec | undefined {
  let failed = false;
  const fail = <T>(value: T | undefined): T | undefined => {
    if (value === undefined) failed = true;
    return value;
  };
  warnUnknown(ctx, spec, "/spec", FIELDS);
  const servedPath = fail(readPath(ctx, spec.path));
  const methods = isAbsent(spec.methods) ? DEFAULT_METHODS : fail(readMethods(ctx, spec.methods));
  const maxBodySize = isAbsent(spec.maxBodySize)
    ? DEFAULT_MAX_BODY_SIZE
    : fail(readSize(ctx, spec.maxBodySize, "/spec/maxBodySize"));
  const event = fail(readEvent(ctx, spec.event));
  const auth = isAbsent(spec.auth) ? undefined : fail(readAuth(ctx, spec.auth, "/spec/auth"));
  if (failed || servedPath === undefined || methods === undefined || maxBodySize === undefined)
    return undefined;
  if (event === undefined) return undefined;
  return Object.freeze({ path: servedPath, methods, maxBodySize, event, auth });
}

function readPath(ctx: ValidationContext, value: unknown): string | undefined {
  if (isAbsent(value)) {
    ctx.error(
      "/spec/path",
      HttpSourceErrors.MISSING_FIELD,
      "spec.path is required",
      "e.g. path: /webhooks/github",
    );
    return undefined;
  }
  const text = asString(ctx, value, "/spec/path");
  if (text === undefined) return undefined;
  const bad =
    !/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/.test(text) ||
    text.split("/").some((segment) => segment === "." || segment === "..") ||
    text.includes("//");
  if (bad || RESERVED_PATHS.includes(text)) {
    ctx.error(
      "/spec/path",
      HttpSourceErrors.INVALID_VALUE,
      RESERVED_PATHS.includes(text)
        ? `spec.path ${text} is reserved for health and metrics`
        : `spec.path "${text}" is not an absolute URL path without query, fragment, empty or dot segments`,
      "e.g. path: /webhooks/github",
    );
    return undefined;
  }
  return text;
}

function readMethods(ctx: ValidationContext, value: unknown): readonly string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    ctx.error("/spec/methods", HttpSourceErrors.INVALID_TYPE, "spec.methods must be a non-empty list");
    return undefined;
  }
  const methods: string[] = [];
  value.forEach((item, i) => {
    const method = typeof item === "string" ? item.toUpperCase() : undefined;
    if (method !== undefined && METHODS.includes(method)) {
      if (!methods.includes(method)) methods.push(method);
      return;
    }
    ctx.error(
      `/spec/methods/${i}`,
      HttpSourceErrors.INVALID_VALUE,
      `${JSON.stringify(item)} is not a method HttpSource serves`,
      `use ${METHODS.join(", ")}`,
    );
  });
  return methods.length === value.length ? Object.freeze(methods) : undefined;
}

const QUANTITY = /^(\d+)(Ki|Mi|Gi|k|M|G)?$/;
const UNITS: Readonly<Record<string, number>> = {
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
};

/** Bytes, as an integer or a Kubernetes quantity (`512Ki`, `10Mi`, `1M`). */
function readSize(ctx: ValidationContext, value: unknown, pointer: string): number | undefined {
  const match = typeof value === "string" ? QUANTITY.exec(value) : null;
  const bytes =
    typeof value === "number"
      ? value
      : match === null
        ? Number.NaN
        : Number(match[1]) * (UNITS[match[2] ?? ""] ?? 1);
  if (Number.isSafeInteger(bytes) && bytes > 0 && bytes <= MAX_BODY_SIZE_CAP) return bytes;
  ctx.error(
    pointer,
    HttpSourceErrors.INVALID_VALUE,
    `${path(pointer)} must be a positive number of bytes up to 100Mi (an integer, or a quantity like 512Ki or 10Mi)`,
  );
  return undefined;
}

function readEvent(ctx: ValidationContext, value: unknown): EventRules | undefined {
  const event: Mapping = isAbsent(value) ? {} : (asMapping(ctx, value, "/spec/event") ?? { invalid: true });
  if (event.invalid === true) return undefined;
  warnUnknown(ctx, event, "/spec/event", ["type", "source", "subject", "id"]);
  const read = {
    type: readRule(ctx, event.type, "/spec/event/type", true),
    source: readRule(ctx, event.source, "/spec/event/source", true),
    subject: readRule(ctx, event.subject, "/spec/event/subject", true),
    id: readRule(ctx, event.id, "/spec/event/id", false),
  };
  const bad = (["type", "source", "subject", "id"] as const).some(
    (name) => !isAbsent(event[name]) && read[name] === undefined,
  );
  const rules: EventRules = {
    ...read,
    type: read.type ?? { from: "value", value: DEFAULT_EVENT_TYPE },
    source: read.source ?? { from: "value", value: defaultEventSource(ctx.namespace, ctx.name) },
  };
  if (bad || !probeValues(ctx, rules)) return undefined;
  return Object.freeze(rules);
}

/** An attribute rule: a string (fixed value) or {header | jsonPointer, prefix?, default?}. */
function readRule(
  ctx: ValidationContext,
  value: unknown,
  pointer: string,
  fixedAllowed: boolean,
): AttributeRule | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value === "string") {
    if (fixedAllowed) return Object.freeze({ from: "value", value });
    ctx.error(
      pointer,
      HttpSourceErrors.INVALID_VALUE,
      `${path(pointer)} cannot be a fixed value: every event needs its own`,
      "use {header: X-Request-Id} or leave it out for a UUID",
    );
    return undefined;
  }
  const rule = asMapping(ctx, value, pointer);
  if (rule === undefined) return undefined;
  warnUnknown(ctx, rule, pointer, ["header", "jsonPointer", "prefix", "default"]);
  const prefix = isAbsent(rule.prefix) ? "" : asString(ctx, rule.prefix, child(pointer, "prefix"));
  const fallback = isAbsent(rule.default)
    ? undefined
    : asString(ctx, rule.default, child(pointer, "default"));
  if (prefix === undefined || (!isAbsent(rule.default) && fallback === undefined)) return undefined;
  if (isAbsent(rule.header) === isAbsent(rule.jsonPointer)) {
    ctx.error(
      pointer,
      HttpSourceErrors.INVALID_VALUE,
      `${path(pointer)} needs exactly one of header and jsonPointer`,
      "e.g. {header: X-GitHub-Event, prefix: com.github.} or {jsonPointer: /repository/full_name}",
    );
    return undefined;
  }
  if (!isAbsent(rule.header)) {
    const header = asString(ctx, rule.header, child(pointer, "header"));
    if (header === undefined) return undefined;
    if (HEADER_NAME.test(header))
      return Object.freeze({ from: "header", header: header.toLowerCase(), prefix, fallback });
    ctx.error(child(pointer, "header"), HttpSourceErrors.INVALID_VALUE, `"${header}" is not a header name`);
    return undefined;
  }
  const jsonPointer = asString(ctx, rule.jsonPointer, child(pointer, "jsonPointer"));
  if (jsonPointer === undefined) return undefined;
  if (isJsonPointer(jsonPointer)) {
    return Object.freeze({
      from: "jsonPointer",
      pointer: jsonPointer,
      tokens: Object.freeze(pointerTokens(jsonPointer)),
      prefix,
      fallback,
    });
  }
  ctx.error(
    child(pointer, "jsonPointer"),
    HttpSourceErrors.INVALID_VALUE,
    `"${jsonPointer}" is not a JSON pointer (RFC 6901)`,
    'pointers start with "/", e.g. /repository/full_name',
  );
  return undefined;
}

/** Fixed values (and defaults) must make valid attributes; checked once here, not per request. */
function probeValues(ctx: ValidationContext, rules: EventRules): boolean {
  const fixed = (rule: AttributeRule | undefined) => (rule?.from === "value" ? rule.value : rule?.fallback);
  const attributes: Record<string, string> = {
    specversion: "1.0",
    id: "probe",
    type: "probe",
    source: "probe",
  };
  for (const name of ["type", "source", "subject"] as const) {
    const value = fixed(rules[name]);
    if (value !== undefined) attributes[name] = value;
  }
  try {
    validateEvent(createCloudEvent(attributes));
    return true;
  } catch (error) {
    if (!isSluiceError(error)) throw error;
    const attribute = typeof error.details.attribute === "string" ? error.details.attribute : "type";
    ctx.error(`/spec/event/${attribute}`, HttpSourceErrors.INVALID_VALUE, error.message);
    return false;
  }
}
