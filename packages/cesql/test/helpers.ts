import assert from "node:assert/strict";
import { it } from "node:test";
import {
  CesqlError,
  type CesqlErrorKind,
  type CesqlEvent,
  type CesqlValue,
  type CompileOptions,
  compile,
} from "../src/index.js";

/** A valid event with the required attributes and a few optional ones, as plain strings. */
export const BASE: Readonly<Record<string, string>> = Object.freeze({
  specversion: "1.0",
  id: "evt-1",
  source: "http://localhost/source",
  type: "com.example.type",
  subject: "topic",
});

/** One case: the expression, the value it must yield, and the kinds of the errors it must raise. */
export type Row = readonly [expression: string, value: CesqlValue, errors?: readonly CesqlErrorKind[]];

export interface Outcome {
  readonly value: CesqlValue;
  readonly errors: readonly CesqlErrorKind[];
}

export function run(expression: string, event: CesqlEvent = BASE, options?: CompileOptions): Outcome {
  const result = compile(expression, options).evaluate(event);
  return { value: result.value, errors: result.errors.map((error) => error.kind) };
}

/**
 * Registers one test per row. Events of strings are also evaluated as a Map, the way Sluice holds
 * attributes, so both access strategies are held to the same results.
 */
export function cases(rows: readonly Row[], event: CesqlEvent = BASE, options?: CompileOptions): void {
  const stringsOnly =
    !(event instanceof Map) && Object.values(event).every((value) => typeof value === "string");
  for (const [expression, value, errors = []] of rows) {
    it(`${expression} → ${JSON.stringify(value)}${errors.length > 0 ? ` [${errors.join(", ")}]` : ""}`, () => {
      const outcome = run(expression, event, options);
      assert.deepEqual(outcome, { value, errors });
      // -0 would print as 0 but is not a CESQL Integer.
      if (typeof value === "number") assert.ok(Object.is(outcome.value, value), "no negative zero");
      if (stringsOnly) {
        const map = new Map(Object.entries(event as Record<string, string>));
        assert.deepEqual(run(expression, map, options), { value, errors }, "same result on a Map event");
      }
    });
  }
}

/** Compiles and expects a thrown CesqlError of `kind`; returns it for further checks. */
export function compileError(expression: string, kind: CesqlErrorKind, options?: CompileOptions): CesqlError {
  try {
    compile(expression, options);
  } catch (error) {
    assert.ok(error instanceof CesqlError, `expected a CesqlError, got ${String(error)}`);
    assert.equal(error.kind, kind, `${expression}: ${error.message}`);
    return error;
  }
  assert.fail(`${JSON.stringify(expression)} compiled, expected a ${kind} error`);
}
