import type { Node } from "./ast.js";
import { compileCall } from "./compile-call.js";
import { type Compiled, type CompileEnv, constant, node, tryFold } from "./compile-context.js";
import { compileBinary, compileUnary } from "./compile-operators.js";
import { compileAttribute, compileExists, compileIn, compileLikeNode } from "./compile-predicates.js";
import type { Eval, Site, TraceFrame } from "./runtime.js";
import type { CesqlType, CesqlValue } from "./types.js";

/** Compiles an AST into one closure per node; no tree is walked when an event is evaluated. */
export function compileTree(ast: Node, env: CompileEnv): Compiled {
  const compiled = compileNode(ast, env);
  return env.tracing ? { ...compiled, fn: traced(compiled.fn, compiled.site) } : compiled;
}

function compileNode(ast: Node, env: CompileEnv): Compiled {
  const site = env.site(ast.start, ast.end);
  switch (ast.kind) {
    case "literal":
      return literal(ast.value, env, site);
    case "attribute":
      return compileAttribute(ast, env, site);
    case "exists":
      return compileExists(ast, env, site);
    case "unary": {
      const operand = compileTree(ast.operand, env);
      return tryFold(compileUnary(ast, operand, env, site), [operand], env);
    }
    case "binary": {
      const left = compileTree(ast.left, env);
      const right = compileTree(ast.right, env);
      return tryFold(compileBinary(ast, left, right, env, site), [left, right], env);
    }
    case "like": {
      const operand = compileTree(ast.operand, env);
      return tryFold(compileLikeNode(ast, operand, env, site), [operand], env);
    }
    case "in": {
      const operand = compileTree(ast.operand, env);
      const set = ast.set.map((element) => compileTree(element, env));
      return tryFold(compileIn(ast, operand, set, env, site), [operand, ...set], env);
    }
    case "call":
      return compileCall(
        ast,
        ast.args.map((arg) => compileTree(arg, env)),
        env,
        site,
      );
  }
}

function literal(value: CesqlValue, env: CompileEnv, site: Site): Compiled {
  const type: CesqlType =
    typeof value === "number" ? "Integer" : typeof value === "string" ? "String" : "Boolean";
  // A traced literal must not look constant, or the operators would precompute around it.
  return env.tracing ? node(() => value, type, site) : constant(value, type, site);
}

/**
 * Records a node's evaluation in the current trace frame. Errors land in the frame that is
 * current when they are raised: a node's own, since children restore it when they return.
 */
function traced(fn: Eval, site: Site): Eval {
  return (event, state) => {
    const parent = state.frame;
    const frame: TraceFrame = { site, value: false, errors: [], children: [] };
    state.frame = frame;
    try {
      const value = fn(event, state);
      frame.value = value === undefined ? false : value;
      return value;
    } finally {
      state.frame = parent;
      parent?.children.push(frame);
    }
  };
}
