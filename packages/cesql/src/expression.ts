import { type EventShape, shapeOf } from "./attributes.js";
import { type CompileEnv, siteMaker } from "./compile-context.js";
import { compileTree } from "./compiler.js";
import type { CesqlError } from "./errors.js";
import { functionTable } from "./function-table.js";
import { parse } from "./parser.js";
import { type Eval, type EvalState, newState, type TraceFrame } from "./runtime.js";
import type {
  CesqlEvent,
  CesqlExpression,
  CesqlResult,
  CesqlTrace,
  CesqlValue,
  CompileOptions,
} from "./types.js";

const NO_ERRORS: readonly CesqlError[] = Object.freeze([]);

/**
 * Compiles a CESQL expression. Throws CesqlError of kind "parse" (with position, line and column)
 * for text that is not CESQL, "missingFunction" for an unknown function name or arity, and
 * "generic" for invalid user-defined functions.
 */
export function compile(text: string, options: CompileOptions = {}): CesqlExpression {
  const ast = parse(text);
  const table = functionTable(options.functions);
  const site = siteMaker(text);
  const env = (shape: EventShape, tracing: boolean): CompileEnv => ({ shape, table, tracing, site });
  // One tree per event shape, so attribute reads never test the shape per access.
  const forMap = compileTree(ast, env("map", false));
  const forObject = compileTree(ast, env("object", false));
  const type = forMap.type;
  const state = newState();

  const run = (fn: Eval, event: object, current: EvalState): CesqlResult => {
    let value: CesqlValue | undefined;
    current.busy = true;
    current.count = 0;
    current.errors = undefined;
    try {
      value = fn(event, current);
    } finally {
      current.busy = false;
    }
    const errors = current.errors;
    // Undefined is a missing bare attribute: its type is unknown, so Boolean is assumed (§3.2).
    if (errors === undefined) return { value: value ?? false, errors: NO_ERRORS };
    current.errors = undefined;
    return { value: value ?? false, errors };
  };

  let tracers: Map<EventShape, Eval> | undefined;
  const tracer = (shape: EventShape): Eval => {
    tracers ??= new Map();
    let fn = tracers.get(shape);
    if (fn === undefined) tracers.set(shape, (fn = compileTree(ast, env(shape, true)).fn));
    return fn;
  };

  return Object.freeze({
    text,
    type,
    ast,
    evaluate(event: CesqlEvent): CesqlResult {
      const fn = shapeOf(event) === "map" ? forMap.fn : forObject.fn;
      // A user-defined function may evaluate this expression again from inside; give it its own state.
      return run(fn, event, state.busy ? newState() : state);
    },
    trace(event: CesqlEvent): CesqlTrace {
      const current = newState();
      const root: TraceFrame = { site: forMap.site, value: false, errors: [], children: [] };
      current.frame = root;
      tracer(shapeOf(event))(event, current);
      return toTrace(root.children[0]!, text);
    },
  });
}

function toTrace(frame: TraceFrame, text: string): CesqlTrace {
  return {
    text: text.slice(frame.site.start, frame.site.end),
    start: frame.site.start,
    end: frame.site.end,
    value: frame.value,
    errors: frame.errors,
    children: frame.children.map((child) => toTrace(child, text)),
  };
}
