import { isInt32 } from "./casts.js";
import type { CesqlValue } from "./types.js";

/** §3.4.4: EXISTS is always true for the REQUIRED context attributes of a (valid) event. */
export const REQUIRED_ATTRIBUTES: ReadonlySet<string> = new Set(["id", "source", "specversion", "type"]);

/** §1: "The CloudEvents Expression Language doesn't support the handling of the data field". */
export function isAddressable(name: string): boolean {
  return name !== "data";
}

/** The two shapes an event comes in; chosen once per evaluation, so each tree reads one way. */
export type EventShape = "map" | "object";

export function shapeOf(event: object): EventShape {
  if (event instanceof Map) return "map";
  const candidate = event as { get?: unknown; has?: unknown };
  return typeof candidate.get === "function" && typeof candidate.has === "function" ? "map" : "object";
}

/**
 * Reads one attribute. Undefined means absent: null, undefined and functions (a plain object's
 * inherited `constructor` must not pass for an attribute) are absent.
 */
export function readAttribute(shape: EventShape, name: string): (event: object) => CesqlValue | undefined {
  if (shape === "map") {
    return (event) => {
      const value = (event as ReadonlyMap<string, unknown>).get(name);
      return typeof value === "string" ? value : represent(value);
    };
  }
  return (event) => {
    const value = (event as Readonly<Record<string, unknown>>)[name];
    return typeof value === "string" ? value : represent(value);
  };
}

/**
 * §3.2: "If the value of the attribute or extension is not one of the primitive CESQL types, it
 * MUST be represented by the String type." Numbers outside the 32-bit range are not CloudEvents
 * Integers, so they are Strings too; timestamps and binary take their canonical string forms.
 */
export function represent(value: unknown): CesqlValue | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return isInt32(value) ? value | 0 : String(value);
    case "bigint": {
      const number = Number(value);
      return isInt32(number) ? number : String(value);
    }
    case "undefined":
    case "function":
      return undefined;
    case "object":
      if (value === null) return undefined;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
      if (ArrayBuffer.isView(value)) {
        return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
      }
      return String(value);
    default:
      return String(value);
  }
}
