import type {
  ArithmeticOperator,
  BinaryNode,
  EqualityOperator,
  LogicOperator,
  OrderOperator,
  UnaryNode,
} from "./ast.js";
import { castToTypeOf } from "./casts.js";
import {
  booleanOperand,
  type Compiled,
  type CompileEnv,
  integerOperand,
  node,
  operandOf,
} from "./compile-context.js";
import { type Eval, type EvalState, raise, type Site } from "./runtime.js";

const MIN_INT = -2147483648;
const MAX_INT = 2147483647;

/**
 * §3.4.1 unary operators. NOT casts its operand to Boolean, - to Integer. When the operand raised
 * an error (a missing attribute, a failed cast) the operator returns the zero value of its type
 * (§3.2, §3.3), so NOT missing is false, not true.
 */
export function compileUnary(ast: UnaryNode, operand: Compiled, env: CompileEnv, site: Site): Compiled {
  if (ast.operator === "NOT") {
    const value = booleanOperand(operand, env);
    return node(
      (event, state) => {
        const mark = state.count;
        const v = value(event, state);
        return state.count !== mark ? false : !v;
      },
      "Boolean",
      site,
    );
  }
  const value = integerOperand(operand, env);
  return node(
    (event, state) => {
      const mark = state.count;
      const v = value(event, state) as number;
      if (state.count !== mark) return 0;
      if (v === MIN_INT) return overflow(state, site, `-(${v})`);
      return 0 - v;
    },
    "Integer",
    site,
  );
}

/**
 * Integer results outside the 32-bit range (§3.1) are a MathError; like every failing operator
 * without an obvious result, the operator then returns the zero value of its type (§3.3).
 */
function overflow(state: EvalState, site: Site, what: string): number {
  raise(state, "math", `integer overflow: ${what} is outside the 32-bit range`, site);
  return 0;
}

type IntegerOp = (a: number, b: number, state: EvalState, site: Site) => number;

function checked(result: number, state: EvalState, site: Site, what: () => string): number {
  if (result > MAX_INT || result < MIN_INT) return overflow(state, site, what());
  // x | 0 also turns -0 (0 * -1, -1 % 1) into 0.
  return result | 0;
}

/** §3.4.2 arithmetic on Integer x Integer -> Integer. */
const ARITHMETIC: Readonly<Record<ArithmeticOperator, IntegerOp>> = {
  "+": (a, b, state, site) => checked(a + b, state, site, () => `${a} + ${b}`),
  "-": (a, b, state, site) => checked(a - b, state, site, () => `${a} - ${b}`),
  "*": (a, b, state, site) => checked(a * b, state, site, () => `${a} * ${b}`),
  // Rounded towards 0; returns 0 and a MathError if y = 0.
  "/": (a, b, state, site) => {
    if (b === 0) return divisionByZero(state, site, `${a} / 0`);
    return checked(Math.trunc(a / b), state, site, () => `${a} / ${b}`);
  },
  // The result has the sign of x, as JavaScript's % has; returns 0 and a MathError if y = 0.
  "%": (a, b, state, site) => (b === 0 ? divisionByZero(state, site, `${a} % 0`) : (a % b) | 0),
};

function divisionByZero(state: EvalState, site: Site, what: string): number {
  raise(state, "math", `division by zero: ${what}`, site);
  return 0;
}

const ORDER: Readonly<Record<OrderOperator, (a: number, b: number) => boolean>> = {
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
};

export function compileBinary(ast: BinaryNode, left: Compiled, right: Compiled, env: CompileEnv, site: Site) {
  switch (ast.operator) {
    case "AND":
    case "OR":
    case "XOR":
      return compileLogic(ast.operator, left, right, env, site);
    case "=":
    case "!=":
    case "<>":
      return compileEquality(ast.operator, left, right, env, site);
    case "<":
    case "<=":
    case ">":
    case ">=": {
      const compare = ORDER[ast.operator];
      const a = integerOperand(left, env);
      const b = integerOperand(right, env);
      return node(
        (event, state) => {
          const mark = state.count;
          const x = a(event, state) as number;
          const y = b(event, state) as number;
          return state.count !== mark ? false : compare(x, y);
        },
        "Boolean",
        site,
      );
    }
    default: {
      const op = ARITHMETIC[ast.operator];
      const a = integerOperand(left, env);
      const b = integerOperand(right, env);
      // §3.2: an operand error gives 0 without evaluating the operation (1 / missing is no MathError).
      return node(
        (event, state) => {
          const mark = state.count;
          const x = a(event, state) as number;
          const y = b(event, state) as number;
          return state.count !== mark ? 0 : op(x, y, state, site);
        },
        "Integer",
        site,
      );
    }
  }
}

/**
 * §3.4.2 AND, OR, XOR on Boolean x Boolean. AND and OR short-circuit: their right operand is not
 * evaluated when the left one decides (§3.6). An operand error gives false (§3.2, §3.3); an
 * operand that raised one is itself false, so AND stops there while OR goes on to the right.
 */
function compileLogic(operator: LogicOperator, left: Compiled, right: Compiled, env: CompileEnv, site: Site) {
  const a = booleanOperand(left, env);
  const b = booleanOperand(right, env);
  const fn: Eval =
    operator === "AND"
      ? (event, state) => {
          const mark = state.count;
          if (a(event, state) !== true || state.count !== mark) return false;
          return b(event, state) === true && state.count === mark;
        }
      : operator === "OR"
        ? (event, state) => {
            const mark = state.count;
            const x = a(event, state);
            if (x === true && state.count === mark) return true;
            return b(event, state) === true && state.count === mark;
          }
        : (event, state) => {
            const mark = state.count;
            const x = a(event, state);
            const y = b(event, state);
            return state.count !== mark ? false : x !== y;
          };
  return node(fn, "Boolean", site);
}

/**
 * §3.4.2 =, != and <> are overloaded for Boolean, Integer and String, so §3.7 casts the left
 * operand to the type of the right one. When the right type is static the cast is chosen here;
 * when the right operand is an attribute, by the type of its value at run time. != and <> are
 * NOT (x = y), except that an operand error (a missing attribute, a failed cast) gives false for
 * all three (§3.2, §3.3).
 */
function compileEquality(
  operator: EqualityOperator,
  left: Compiled,
  right: Compiled,
  env: CompileEnv,
  site: Site,
): Compiled {
  const equal = operator === "=";
  const b = right.fn;
  if (right.type !== "Any") {
    const target = right.type;
    const a = operandOf(left, target, env);
    return node(
      (event, state) => {
        const mark = state.count;
        const x = a(event, state);
        const y = b(event, state);
        return state.count !== mark ? false : (x === y) === equal;
      },
      "Boolean",
      site,
    );
  }
  const a = left.fn;
  const leftSite = left.site;
  return node(
    (event, state) => {
      const mark = state.count;
      const x = a(event, state);
      const y = b(event, state);
      if (state.count !== mark) return false;
      const cast = typeof x === typeof y ? x : castToTypeOf(x!, y!, state, leftSite);
      return state.count !== mark ? false : (cast === y) === equal;
    },
    "Boolean",
    site,
  );
}
