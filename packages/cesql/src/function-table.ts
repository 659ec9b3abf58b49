import { BUILTINS, type FunctionDef } from "./builtins.js";
import { isInt32 } from "./casts.js";
import { CesqlError, type CesqlErrorOptions } from "./errors.js";
import { raise, zeroOf } from "./runtime.js";
import type { CesqlFunction, CesqlValue, CesqlValueType } from "./types.js";

const FUNCTION_NAME = /^[A-Za-z][A-Za-z_]*$/;
const TYPES = new Set(["Boolean", "Integer", "String", "Any"]);
const VALUE_TYPES = new Set(["Boolean", "Integer", "String"]);

/** The functions an expression may call, by upper-case name. */
export type FunctionTable = ReadonlyMap<string, readonly FunctionDef[]>;

let builtinTable: FunctionTable | undefined;

/** The built-ins plus `functions`, checked against the overloading rules of §3.5. */
export function functionTable(functions: readonly CesqlFunction[] | undefined): FunctionTable {
  if (functions === undefined || functions.length === 0) {
    builtinTable ??= buildTable(BUILTINS);
    return builtinTable;
  }
  return buildTable([...BUILTINS, ...functions.map(userDefined)]);
}

function invalid(message: string): CesqlError {
  return new CesqlError("generic", `invalid function definition: ${message}`);
}

/**
 * §3.5: no two definitions of one name may share an arity, and a name has at most one variadic
 * definition, whose fixed arguments outnumber the arity of every other definition of that name.
 */
function buildTable(defs: readonly FunctionDef[]): FunctionTable {
  const table = new Map<string, FunctionDef[]>();
  for (const def of defs) {
    const list = table.get(def.name) ?? [];
    list.push(def);
    table.set(def.name, list);
  }
  for (const [name, list] of table) {
    const variadic = list.filter((def) => def.variadic !== undefined);
    const fixedArity = list.filter((def) => def.variadic === undefined).map((def) => def.params.length);
    if (new Set(fixedArity).size !== fixedArity.length) {
      throw invalid(`${name} is defined twice with the same number of arguments`);
    }
    if (variadic.length > 1) throw invalid(`${name} has more than one variadic definition`);
    const only = variadic[0];
    if (only !== undefined && fixedArity.some((arity) => arity >= only.params.length)) {
      throw invalid(
        `the variadic ${name} must have more fixed arguments (it has ${only.params.length}) than any other ${name} has arguments`,
      );
    }
  }
  return table;
}

/** Finds the definition for a call, or throws a MissingFunctionError (§3.5: "cannot be dispatched"). */
export function resolveFunction(
  table: FunctionTable,
  name: string,
  arity: number,
  options: CesqlErrorOptions,
): FunctionDef {
  const list = table.get(name);
  const found =
    list?.find((def) => def.variadic === undefined && def.params.length === arity) ??
    list?.find((def) => def.variadic !== undefined && arity >= def.params.length);
  if (found !== undefined) return found;
  if (list === undefined) throw new CesqlError("missingFunction", `unknown function ${name}`, options);
  const arities = list.map((def) =>
    def.variadic === undefined ? `${def.params.length}` : `${def.params.length}+`,
  );
  const plural = arity === 1 ? "argument" : "arguments";
  throw new CesqlError(
    "missingFunction",
    `no ${name} takes ${arity} ${plural} (it takes ${arities.join(" or ")})`,
    options,
  );
}

function isOfType(value: unknown, type: CesqlValueType): value is CesqlValue {
  return type === "Integer"
    ? typeof value === "number" && isInt32(value)
    : typeof value === (type === "String" ? "string" : "boolean");
}

/**
 * Wraps a user-defined function. §3.5.3: when it fails to provide a valid value of its return
 * type, the engine returns the zero value of that type and a FunctionEvaluationError.
 */
function userDefined(fn: CesqlFunction): FunctionDef {
  if (typeof fn.name !== "string" || !FUNCTION_NAME.test(fn.name)) {
    throw invalid(`name ${JSON.stringify(fn.name)} is not letters and underscores starting with a letter`);
  }
  const name = fn.name.toUpperCase();
  const types = [...fn.parameters, ...(fn.variadic === undefined ? [] : [fn.variadic])];
  if (types.some((type) => !TYPES.has(type))) throw invalid(`${name} has an unknown parameter type`);
  if (!VALUE_TYPES.has(fn.returns)) throw invalid(`${name} must return Boolean, Integer or String`);
  if (typeof fn.call !== "function") throw invalid(`${name} has no call function`);
  const returns = fn.returns;
  const zero = zeroOf(returns);
  return {
    name,
    params: [...fn.parameters],
    variadic: fn.variadic,
    returns,
    fixed: undefined,
    pure: false,
    rest: (state, site, args) => {
      let result: unknown;
      try {
        result = fn.call(args);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        raise(state, "functionEvaluation", `${name} failed: ${reason}`, site, error);
        return zero;
      }
      if (isOfType(result, returns)) return result === 0 ? 0 : result;
      raise(state, "functionEvaluation", `${name} returned a value that is not ${returns}`, site);
      return zero;
    },
  };
}
