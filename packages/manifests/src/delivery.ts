import {
  type BackoffPolicy,
  DEFAULT_DELIVERY_FIELDS,
  type DeliveryPolicy,
  type Destination,
  parseIsoDuration,
} from "@sluice/core";
import { asInteger, asMapping, asString, checkFields, isAbsent, pathOf, wrongType } from "./check.js";
import type { LoadContext } from "./context.js";
import { parseDestination, type RawDestination, resolveDestination } from "./destination.js";
import { ManifestErrors } from "./errors.js";
import { child } from "./pointer.js";
import type { Reporter } from "./reporter.js";

/** A DeliverySpec (Knative duckv1) after validation; durations already in milliseconds. */
export interface ParsedDelivery {
  readonly r: Reporter;
  readonly pointer: string;
  /** `delivery: {}`: sets nothing, yet still replaces a broker's delivery on a trigger. */
  readonly empty: boolean;
  readonly retry?: number;
  readonly backoffPolicy?: BackoffPolicy;
  readonly backoffDelayMs?: number;
  readonly timeoutMs?: number;
  readonly retryAfterMaxMs?: number;
  readonly deadLetterSink?: RawDestination;
}

const FIELDS = [
  "deadLetterSink",
  "retry",
  "backoffPolicy",
  "backoffDelay",
  "timeout",
  "retryAfterMax",
  "format",
];
const DURATION_EXAMPLES = "ISO-8601 durations look like PT0.2S, PT10S, PT1M30S or P1D";

/** Parses an ISO-8601 duration string into ms; `positive` rejects zero (timeouts). */
export function parseDuration(
  r: Reporter,
  value: unknown,
  pointer: string,
  positive = false,
): number | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== "string") {
    return wrongType(r, pointer, "an ISO-8601 duration string", value, { hint: DURATION_EXAMPLES });
  }
  let ms: number;
  try {
    ms = parseIsoDuration(value);
  } catch {
    const hint = /^\d+(\.\d+)?$/.test(value)
      ? `for ${value} seconds write PT${value}S`
      : /^\d+(\.\d+)?\s*(ms|s|m|h)$/i.test(value)
        ? `${DURATION_EXAMPLES} (Go-style "${value}" is not accepted)`
        : DURATION_EXAMPLES;
    r.error(
      pointer,
      ManifestErrors.INVALID_DURATION,
      `${pathOf(pointer)} "${value}" is not an ISO-8601 duration`,
      hint,
    );
    return undefined;
  }
  if (positive && ms <= 0) {
    r.error(
      pointer,
      ManifestErrors.INVALID_DURATION,
      `${pathOf(pointer)} must be greater than 0`,
      "e.g. PT10S",
    );
    return undefined;
  }
  return ms;
}

function parsePolicy(r: Reporter, value: unknown, pointer: string): BackoffPolicy | undefined {
  const text = asString(r, value, pointer);
  if (text === undefined) return undefined;
  if (text === "exponential" || text === "linear") return text;
  const lower = text.toLowerCase();
  const hint =
    lower === "exponential" || lower === "linear"
      ? `write ${lower} (lower case)`
      : "use exponential or linear";
  r.error(
    pointer,
    ManifestErrors.INVALID_VALUE,
    `${pathOf(pointer)} "${text}" is not a backoff policy`,
    hint,
  );
  return undefined;
}

function parseRetry(r: Reporter, value: unknown, pointer: string): number | undefined {
  const retry = asInteger(r, value, pointer);
  if (retry === undefined || retry >= 0) return retry;
  r.error(
    pointer,
    ManifestErrors.INVALID_VALUE,
    `${pathOf(pointer)} must be 0 or more, got ${retry}`,
    "retry counts the retries after the first attempt; 0 means no retry",
  );
  return undefined;
}

function checkFormat(r: Reporter, value: unknown, pointer: string): void {
  const format = asString(r, value, pointer);
  if (format === undefined) return;
  if (format === "json" || format === "binary") {
    r.warning(
      pointer,
      ManifestErrors.IGNORED_FIELD,
      `${pathOf(pointer)} is ignored: Sluice always delivers in binary mode`,
      "remove the field",
      { at: "key" },
    );
    return;
  }
  r.error(pointer, ManifestErrors.INVALID_VALUE, `${pathOf(pointer)} "${format}" is not json or binary`);
}

/** Reads a DeliverySpec; undefined when absent or not a mapping. */
export function parseDelivery(r: Reporter, value: unknown, pointer: string): ParsedDelivery | undefined {
  const spec = asMapping(r, value, pointer);
  if (spec === undefined) return undefined;
  checkFields(r, spec, pointer, FIELDS, "delivery", {
    backoffMax: "Knative has no backoffMax; retryAfterMax caps Retry-After",
  });
  checkFormat(r, spec.format, child(pointer, "format"));
  const out: { -readonly [K in keyof ParsedDelivery]: ParsedDelivery[K] } = {
    r,
    pointer,
    empty: FIELDS.every((f) => isAbsent(spec[f])),
  };
  const retry = parseRetry(r, spec.retry, child(pointer, "retry"));
  if (retry !== undefined) out.retry = retry;
  const policy = parsePolicy(r, spec.backoffPolicy, child(pointer, "backoffPolicy"));
  if (policy !== undefined) out.backoffPolicy = policy;
  const delay = parseDuration(r, spec.backoffDelay, child(pointer, "backoffDelay"));
  if (delay !== undefined) out.backoffDelayMs = delay;
  const timeout = parseDuration(r, spec.timeout, child(pointer, "timeout"), true);
  if (timeout !== undefined) out.timeoutMs = timeout;
  const retryAfterMax = parseDuration(r, spec.retryAfterMax, child(pointer, "retryAfterMax"));
  if (retryAfterMax !== undefined) out.retryAfterMaxMs = retryAfterMax;
  const dls = parseDestination(r, spec.deadLetterSink, child(pointer, "deadLetterSink"));
  if (dls !== undefined) out.deadLetterSink = dls;
  return out;
}

/**
 * The policy a parsed spec gives: its own fields, DEFAULT_DELIVERY_FIELDS for the rest (never
 * another spec's), the dead-letter sink resolved in `namespace`.
 */
export function resolveDelivery(
  ctx: LoadContext,
  d: ParsedDelivery,
  namespace: string,
): DeliveryPolicy | undefined {
  let deadLetterSink: Destination | undefined;
  if (d.deadLetterSink !== undefined) {
    deadLetterSink = resolveDestination(ctx, d.deadLetterSink, namespace);
    if (deadLetterSink === undefined) return undefined;
  }
  return {
    retry: d.retry ?? DEFAULT_DELIVERY_FIELDS.retry,
    backoffPolicy: d.backoffPolicy ?? DEFAULT_DELIVERY_FIELDS.backoffPolicy,
    backoffDelayMs: d.backoffDelayMs ?? DEFAULT_DELIVERY_FIELDS.backoffDelayMs,
    timeoutMs: d.timeoutMs ?? DEFAULT_DELIVERY_FIELDS.timeoutMs,
    retryAfterMaxMs: d.retryAfterMaxMs ?? DEFAULT_DELIVERY_FIELDS.retryAfterMaxMs,
    deadLetterSink,
  };
}
