import type { AttributeNode, ExistsNode, InNode, LikeNode } from "./ast.js";
import { isAddressable, REQUIRED_ATTRIBUTES, represent } from "./attributes.js";
import { castTo, castToTypeOf } from "./casts.js";
import { type Compiled, type CompileEnv, constant, node, stringOperand } from "./compile-context.js";
import { evaluationError } from "./errors.js";
import { compileLike } from "./like.js";
import { type Eval, type EvalState, newState, report, type Site, typeOfValue } from "./runtime.js";
import type { CesqlValue, CesqlValueType } from "./types.js";

/**
 * §3.2: an attribute or extension by name. When absent it raises a MissingAttributeError and
 * yields undefined, which the enclosing operator turns into its own zero value. That error is the
 * same for every evaluation, and common in filtering (a trigger on an extension most events lack),
 * so one frozen instance is made here and shared.
 */
export function compileAttribute(ast: AttributeNode, env: CompileEnv, site: Site): Compiled {
  const name = ast.name;
  const error = Object.freeze(
    evaluationError("missingAttribute", `missing attribute '${name}'`, site.location),
  );
  const missing = (state: EvalState) => {
    report(state, error);
    return undefined;
  };
  if (!isAddressable(name)) return node((_event, state) => missing(state), "Any", site);
  const fn: Eval =
    env.shape === "map"
      ? (event, state) => {
          const value = (event as ReadonlyMap<string, unknown>).get(name);
          if (typeof value === "string") return value;
          return represent(value) ?? missing(state);
        }
      : (event, state) => {
          const value = (event as Readonly<Record<string, unknown>>)[name];
          if (typeof value === "string") return value;
          return represent(value) ?? missing(state);
        };
  return node(fn, "Any", site);
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && typeof value !== "function";
}

/** §3.4.4 EXISTS; always true for the REQUIRED attributes, because the event is assumed valid. */
export function compileExists(ast: ExistsNode, env: CompileEnv, site: Site): Compiled {
  const name = ast.name;
  if (REQUIRED_ATTRIBUTES.has(name))
    return env.tracing ? node(() => true, "Boolean", site) : constant(true, "Boolean", site);
  if (!isAddressable(name)) return node(() => false, "Boolean", site);
  const fn: Eval =
    env.shape === "map"
      ? (event) => isPresent((event as ReadonlyMap<string, unknown>).get(name))
      : (event) => isPresent((event as Readonly<Record<string, unknown>>)[name]);
  return node(fn, "Boolean", site);
}

/** §3.4.3 LIKE: the operand is cast to String, the pattern compiled once here. */
export function compileLikeNode(ast: LikeNode, operand: Compiled, env: CompileEnv, site: Site): Compiled {
  const value = stringOperand(operand, env);
  const matches = compileLike(ast.pattern);
  const negated = ast.negated;
  return node(
    (event, state) => {
      const mark = state.count;
      const text = value(event, state) as string;
      return state.count !== mark ? false : matches(text) !== negated;
    },
    "Boolean",
    site,
  );
}

/**
 * §3.4.5 IN: true if x equals an element of the set, with the semantics of = but with the type of
 * x as the cast target for every element (§3.7). Every element is evaluated and cast; an error in
 * any of them (a missing attribute, a failed cast) gives false (§3.2, §3.3).
 */
export function compileIn(
  ast: InNode,
  operand: Compiled,
  set: readonly Compiled[],
  env: CompileEnv,
  site: Site,
) {
  const negated = ast.negated;
  if (!env.tracing && set.every((element) => element.constant))
    return constantSet(operand, set, negated, site);
  const x = operand.fn;
  const elements = set.map((element) => element.fn);
  const sites = set.map((element) => element.site);
  return node(
    (event, state) => {
      const mark = state.count;
      const target = x(event, state);
      let found = false;
      for (let i = 0; i < elements.length; i++) {
        const value = elements[i]!(event, state);
        // Once x is missing there is no target type to cast to.
        if (value === undefined || target === undefined) continue;
        const cast = typeof value === typeof target ? value : castToTypeOf(value, target, state, sites[i]!);
        if (cast === target) found = true;
      }
      return state.count !== mark ? false : found !== negated;
    },
    "Boolean",
    site,
  );
}

interface SetTable {
  readonly members: ReadonlySet<CesqlValue>;
  /** Elements whose cast to this type fails: each evaluation reports them again and yields false. */
  readonly failing: readonly Compiled[];
}

/** Casts every element once per possible type of x, so evaluation is one Set lookup. */
function constantSet(operand: Compiled, set: readonly Compiled[], negated: boolean, site: Site): Compiled {
  const booleans = tableOf("Boolean", set);
  const integers = tableOf("Integer", set);
  const strings = tableOf("String", set);
  const x = operand.fn;
  return node(
    (event, state) => {
      const target = x(event, state);
      if (target === undefined) return false;
      const table = typeof target === "string" ? strings : typeof target === "number" ? integers : booleans;
      const failing = table.failing;
      if (failing.length === 0) return table.members.has(target) !== negated;
      for (const element of failing) castTo(element.value!, typeOfValue(target), state, element.site);
      return false;
    },
    "Boolean",
    site,
  );
}

function tableOf(type: CesqlValueType, set: readonly Compiled[]): SetTable {
  const members = new Set<CesqlValue>();
  const failing: Compiled[] = [];
  for (const element of set) {
    const state = newState();
    members.add(castTo(element.value!, type, state, element.site));
    if (state.errors !== undefined) failing.push(element);
  }
  return { members, failing };
}
