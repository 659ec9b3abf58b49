import type { CallNode } from "./ast.js";
import type { FunctionDef } from "./builtins.js";
import { type Compiled, type CompileEnv, node, operandOf, tryFold } from "./compile-context.js";
import { resolveFunction } from "./function-table.js";
import { type Eval, type Site, zeroOf } from "./runtime.js";
import type { CesqlValue } from "./types.js";

/**
 * §2.4 / §3.5 function invocation. The definition is chosen by name and arity at compile time
 * (an unknown name or arity throws a MissingFunctionError there, §3.3 "SHOULD be done at compile
 * time"). Arguments are cast to the parameter types (§3.7 rule 3); when an argument raised an
 * error (a missing attribute, a failed cast) the function is not called and the invocation returns
 * the zero value of its return type (§3.2, §3.3).
 */
export function compileCall(ast: CallNode, args: readonly Compiled[], env: CompileEnv, site: Site): Compiled {
  const def = resolveFunction(env.table, ast.name, args.length, { location: site.location });
  const readers = args.map((arg, i) => operandOf(arg, def.params[i] ?? def.variadic ?? "Any", env));
  const fn = def.fixed !== undefined ? fixedCall(def, readers, site) : restCall(def, readers, site);
  const compiled = node(fn, def.returns, site);
  return def.pure ? tryFold(compiled, args, env) : compiled;
}

/** Built-ins of fixed arity (1 to 3) are called without building an argument array. */
function fixedCall(def: FunctionDef, readers: readonly Eval[], site: Site): Eval {
  const impl = def.fixed!;
  const zero = zeroOf(def.returns);
  const [a, b, c] = readers;
  if (b === undefined) {
    return (event, state) => {
      const mark = state.count;
      const x = a!(event, state);
      return state.count !== mark ? zero : impl(state, site, x!, undefined, undefined);
    };
  }
  if (c === undefined) {
    return (event, state) => {
      const mark = state.count;
      const x = a!(event, state);
      const y = b(event, state);
      return state.count !== mark ? zero : impl(state, site, x!, y, undefined);
    };
  }
  return (event, state) => {
    const mark = state.count;
    const x = a!(event, state);
    const y = b(event, state);
    const z = c(event, state);
    return state.count !== mark ? zero : impl(state, site, x!, y, z);
  };
}

function restCall(def: FunctionDef, readers: readonly Eval[], site: Site): Eval {
  const impl = def.rest!;
  const zero = zeroOf(def.returns);
  const count = readers.length;
  return (event, state) => {
    const mark = state.count;
    const values: CesqlValue[] = new Array(count);
    for (let i = 0; i < count; i++) values[i] = readers[i]!(event, state)!;
    return state.count !== mark ? zero : impl(state, site, values);
  };
}
