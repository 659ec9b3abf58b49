import type { ValidationContext } from "@sluice/core";
import { HttpSourceErrors } from "./errors.js";

/** Small typed readers over a manifest's plain values, reporting through the loader. */
export type Mapping = Readonly<Record<string, unknown>>;

export function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

export function path(pointer: string): string {
  return pointer.slice(1).replaceAll("/", ".");
}

export function child(pointer: string, key: string): string {
  return `${pointer}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
}

export function asMapping(ctx: ValidationContext, value: unknown, pointer: string): Mapping | undefined {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Mapping;
  ctx.error(pointer, HttpSourceErrors.INVALID_TYPE, `${path(pointer)} must be a mapping`);
  return undefined;
}

export function asString(ctx: ValidationContext, value: unknown, pointer: string): string | undefined {
  if (typeof value === "string") return value;
  ctx.error(pointer, HttpSourceErrors.INVALID_TYPE, `${path(pointer)} must be a string`);
  return undefined;
}

/** Warns about keys outside `known` (probably typos); returns nothing. */
export function warnUnknown(
  ctx: ValidationContext,
  mapping: Mapping,
  pointer: string,
  known: readonly string[],
): void {
  for (const key of Object.keys(mapping)) {
    if (known.includes(key)) continue;
    ctx.warning(
      child(pointer, key),
      HttpSourceErrors.UNKNOWN_FIELD,
      `${path(pointer)} has no field ${key}; it is ignored`,
      `known fields: ${known.join(", ")}`,
    );
  }
}

/** RFC 9110 §5.1 field-name (token). */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
