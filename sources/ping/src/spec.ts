import { isSluiceError, type ValidationContext } from "@sluice/core";
import { type CronSchedule, parseCron, splitTimeZonePrefix } from "./cron.js";
import { PingErrors } from "./errors.js";
import { nextTick } from "./next-tick.js";
import { CATCH_UP_ANNOTATION, catchUpWindow } from "./ping-source.js";
import { loadTimeZone, type TimeZone } from "./time-zone.js";

/** A validated PingSource spec: the schedule and time zone parsed once, the data decoded once. */
export interface PingSpec {
  /** `spec.schedule` as written (default `* * * * *`, as Knative's SetDefaults). */
  readonly schedule: string;
  /** `spec.timezone` as written, or undefined (UTC). */
  readonly timezone: string | undefined;
  readonly cron: CronSchedule;
  readonly zone: TimeZone;
  /** `spec.contentType`; becomes datacontenttype of events that carry data. */
  readonly contentType: string | undefined;
  /** `spec.data` as UTF-8 bytes or the decoded `spec.dataBase64`; undefined when neither is set. */
  readonly data: Uint8Array | undefined;
}

export const DEFAULT_SCHEDULE = "* * * * *";
const FIELDS = ["schedule", "timezone", "contentType", "data", "dataBase64"];

/**
 * Validates and defaults a PingSource spec as Knative's ping_validation.go does, reporting every
 * problem. Extra checks Knative does not make (data of other JSON media types, schedules that
 * never fire) are warnings, so a manifest Knative accepts still loads.
 */
export function validatePingSpec(
  spec: Readonly<Record<string, unknown>>,
  ctx: ValidationContext,
): PingSpec | undefined {
  checkCatchUp(ctx);
  for (const key of Object.keys(spec)) {
    if (FIELDS.includes(key)) continue;
    ctx.warning(
      `/spec/${escapePointer(key)}`,
      PingErrors.UNKNOWN_FIELD,
      `PingSource has no field spec.${key}; it is ignored`,
      `PingSource fields: ${FIELDS.join(", ")}, sink, ceOverrides`,
    );
  }
  let mistyped = false;
  const text = (name: string): string | undefined => {
    const value = spec[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string") return value;
    mistyped = true;
    ctx.error(`/spec/${name}`, PingErrors.INVALID_TYPE, `spec.${name} must be a string`);
    return undefined;
  };
  const schedule = (text("schedule") ?? "") || DEFAULT_SCHEDULE;
  const timezone = text("timezone") || undefined;
  const contentType = text("contentType") || undefined;
  const timing = parseTiming(schedule, timezone, ctx);
  const data = readData(text("data") ?? "", text("dataBase64") ?? "", contentType, ctx);
  if (timing === undefined || data === false || mistyped) return undefined;
  if (nextTick(timing.cron, timing.zone, Date.now()) === undefined) {
    ctx.warning(
      "/spec/schedule",
      PingErrors.NEVER_FIRES,
      `the schedule "${schedule}" matches no time in the next five years; the source will never emit`,
      "check the day-of-month and month fields (e.g. 30 February does not exist)",
    );
  }
  return Object.freeze({ schedule, timezone, ...timing, contentType, data });
}

function parseTiming(
  schedule: string,
  timezone: string | undefined,
  ctx: ValidationContext,
): { cron: CronSchedule; zone: TimeZone } | undefined {
  const { timezone: prefixed, expression } = splitTimeZonePrefix(schedule);
  let zone: TimeZone | undefined;
  let cron: CronSchedule | undefined;
  const zoneName = prefixed ?? timezone;
  if (prefixed !== undefined && timezone !== undefined) {
    ctx.error(
      "/spec/schedule",
      PingErrors.INVALID_SCHEDULE,
      `the schedule has its own time zone prefix (CRON_TZ=${prefixed}) and spec.timezone is set too`,
      "keep one: remove the CRON_TZ= prefix and use spec.timezone",
    );
  }
  try {
    zone = loadTimeZone(zoneName ?? "UTC");
  } catch (error) {
    report(ctx, prefixed === undefined ? "/spec/timezone" : "/spec/schedule", error);
  }
  try {
    cron = parseCron(expression);
  } catch (error) {
    report(ctx, "/spec/schedule", error);
  }
  if (zone === undefined || cron === undefined) return undefined;
  if (prefixed !== undefined && timezone !== undefined) return undefined;
  return { cron, zone };
}

/** Knative: data and dataBase64 exclusive; data checked as a JSON object when contentType is application/json. */
function readData(
  data: string,
  dataBase64: string,
  contentType: string | undefined,
  ctx: ValidationContext,
): Uint8Array | undefined | false {
  if (data !== "" && dataBase64 !== "") {
    ctx.error(
      "/spec/dataBase64",
      PingErrors.DATA_CONFLICT,
      "spec.data and spec.dataBase64 are both set; only one may be",
      "use data for text, dataBase64 for binary data",
    );
    return false;
  }
  if (dataBase64 !== "") {
    const bytes = decodeStdBase64(dataBase64);
    if (bytes === undefined) {
      ctx.error(
        "/spec/dataBase64",
        PingErrors.INVALID_BASE64,
        "spec.dataBase64 is not standard base64 (A-Z a-z 0-9 + / with = padding)",
        "encode with `base64` (not base64url) and keep the padding",
      );
      return false;
    }
    return checkJson(bytes, contentType, "/spec/dataBase64", ctx) ? bytes : false;
  }
  if (data === "") return undefined;
  const bytes = Buffer.from(data, "utf8");
  return checkJson(bytes, contentType, "/spec/data", ctx) ? bytes : false;
}

/** Go's base64.StdEncoding: padded standard alphabet; \r and \n are skipped. */
export function decodeStdBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/[\r\n]/g, "");
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, "base64");
}

function checkJson(
  bytes: Uint8Array,
  contentType: string | undefined,
  pointer: string,
  ctx: ValidationContext,
) {
  if (contentType === undefined) return true;
  let value: unknown;
  let parsed = true;
  try {
    value = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    parsed = false;
  }
  const isObject = parsed && typeof value === "object" && value !== null && !Array.isArray(value);
  // Knative compares contentType with "application/json" exactly and unmarshals into a map.
  if (contentType === "application/json") {
    if (isObject) return true;
    ctx.error(
      pointer,
      PingErrors.INVALID_DATA,
      `${pointerPath(pointer)} must be a JSON object when contentType is application/json${parsed ? "" : " (it does not parse)"}`,
      `e.g. data: '{"message": "hello"}', or set another contentType such as text/plain`,
    );
    return false;
  }
  if (!parsed && isJsonMediaType(contentType)) {
    ctx.warning(
      pointer,
      PingErrors.INVALID_DATA,
      `${pointerPath(pointer)} is not valid JSON but contentType is ${contentType}`,
    );
  }
  return true;
}

function isJsonMediaType(contentType: string): boolean {
  const type = (contentType.split(";")[0] ?? "").trim().toLowerCase();
  return type === "application/json" || type.endsWith("+json");
}

function report(ctx: ValidationContext, pointer: string, error: unknown): void {
  if (!isSluiceError(error)) throw error;
  const hint = typeof error.details.hint === "string" ? error.details.hint : undefined;
  ctx.error(pointer, error.code, error.message, hint);
}

function pointerPath(pointer: string): string {
  return pointer.slice(1).replaceAll("/", ".");
}

function escapePointer(key: string): string {
  return key.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** The catch-up annotation is checked at load, so `sluice validate` reports it with its line. */
function checkCatchUp(ctx: ValidationContext): void {
  try {
    catchUpWindow(ctx.annotations);
  } catch (error) {
    ctx.error(
      `/metadata/annotations/${escapePointer(CATCH_UP_ANNOTATION)}`,
      PingErrors.INVALID_CATCH_UP,
      (error as Error).message,
      "use a positive ISO-8601 duration such as PT1H or P1D",
    );
  }
}
