import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CesqlFunction, type CesqlValue, compile } from "../src/index.js";
import { BASE, cases, compileError } from "./helpers.js";

const hasPrefix: CesqlFunction = {
  name: "HASPREFIX",
  parameters: ["String", "String"],
  returns: "Boolean",
  call: ([text, prefix]) => (text as string).startsWith(prefix as string),
};

const konkat: CesqlFunction = {
  name: "konkat",
  parameters: [],
  variadic: "String",
  returns: "String",
  call: (args) => args.join(""),
};

/** §3.5: ABC(x), ABC(x, y) and ABC(x, y, z, ...) are a valid set of overloads. */
const abcOverloads: CesqlFunction[] = [
  { name: "ABC", parameters: ["String"], returns: "Integer", call: () => 1 },
  { name: "ABC", parameters: ["String", "String"], returns: "Integer", call: () => 2 },
  {
    name: "ABC",
    parameters: ["String", "String", "String"],
    variadic: "String",
    returns: "Integer",
    call: (a) => a.length,
  },
];

describe("§3.5 user-defined functions", () => {
  describe("are called with arguments cast to their parameter types, by case-insensitive name", () => {
    cases(
      [
        ["HASPREFIX(type, 'com.')", true],
        ["hasprefix(type, 'org.')", false],
        ["HASPREFIX(123, 1)", true],
        ["KONKAT()", ""],
        ["KonKat('a', 1, TRUE)", "a1true"],
        ["HASPREFIX(missing, 'a')", false, ["missingAttribute"]],
      ],
      BASE,
      { functions: [hasPrefix, konkat] },
    );
  });

  describe("overloads are dispatched by arity", () => {
    cases(
      [
        ["ABC('a')", 1],
        ["ABC('a', 'b')", 2],
        ["ABC('a', 'b', 'c')", 3],
        ["ABC('a', 'b', 'c', 'd', 'e')", 5],
      ],
      BASE,
      { functions: abcOverloads },
    );
    it("and an arity nobody defines is a MissingFunctionError", () => {
      compileError("ABC()", "missingFunction", { functions: abcOverloads });
    });
  });

  it("§3.7 example: MY_STRING_PREDICATE(sequence + 10) casts sequence to Integer, the sum to String", () => {
    const seen: CesqlValue[] = [];
    const predicate: CesqlFunction = {
      name: "MY_STRING_PREDICATE",
      parameters: ["String"],
      returns: "Boolean",
      call: ([value]) => {
        seen.push(value!);
        return true;
      },
    };
    const result = compile("MY_STRING_PREDICATE(sequence + 10)", { functions: [predicate] }).evaluate(
      new Map([["sequence", "5"]]),
    );
    assert.deepEqual([result.value, result.errors, seen], [true, [], ["15"]]);
  });

  it("an Any parameter receives the value as it is", () => {
    const seen: CesqlValue[] = [];
    const any: CesqlFunction = {
      name: "SEE",
      parameters: ["Any"],
      returns: "Boolean",
      call: ([value]) => {
        seen.push(value!);
        return true;
      },
    };
    compile("SEE(n) AND SEE(s) AND SEE(1) AND SEE(TRUE)", { functions: [any] }).evaluate({ n: 7, s: "7" });
    assert.deepEqual(seen, [7, "7", 1, true]);
  });

  it("are called on every evaluation, never folded at compile time", () => {
    let calls = 0;
    const tick: CesqlFunction = { name: "TICK", parameters: [], returns: "Integer", call: () => ++calls };
    const expr = compile("TICK() + 0", { functions: [tick] });
    assert.equal(calls, 0);
    assert.equal(expr.evaluate(BASE).value, 1);
    assert.equal(expr.evaluate(BASE).value, 2);
  });

  describe("§3.5.3 without a valid return value: the zero value and a FunctionEvaluationError", () => {
    const failing: CesqlFunction[] = [
      {
        name: "THROWS",
        parameters: [],
        returns: "Integer",
        call: () => {
          throw new Error("boom");
        },
      },
      { name: "WRONG", parameters: [], returns: "Integer", call: () => "7" },
      { name: "FRACTION", parameters: [], returns: "Integer", call: () => 1.5 },
      { name: "HUGE", parameters: [], returns: "Integer", call: () => 2 ** 31 },
      { name: "NOTHING", parameters: [], returns: "String", call: () => undefined as unknown as string },
      { name: "NOTBOOL", parameters: [], returns: "Boolean", call: () => 1 },
    ];
    cases(
      [
        ["THROWS()", 0, ["functionEvaluation"]],
        ["WRONG()", 0, ["functionEvaluation"]],
        ["FRACTION()", 0, ["functionEvaluation"]],
        ["HUGE()", 0, ["functionEvaluation"]],
        ["NOTHING()", "", ["functionEvaluation"]],
        ["NOTBOOL()", false, ["functionEvaluation"]],
        ["THROWS() + 1", 0, ["functionEvaluation"]],
      ],
      BASE,
      { functions: failing },
    );
    it("keeps what was thrown as the cause", () => {
      const { errors } = compile("THROWS()", { functions: failing }).evaluate(BASE);
      assert.equal(errors[0]!.message, "THROWS failed: boom");
      assert.equal((errors[0]!.cause as Error).message, "boom");
    });
  });

  describe("definitions breaking the overloading rules are rejected (GenericError)", () => {
    const string = (name: string, count: number, variadic?: boolean): CesqlFunction => ({
      name,
      parameters: Array.from({ length: count }, () => "String" as const),
      ...(variadic ? { variadic: "String" as const } : {}),
      returns: "Integer",
      call: () => 0,
    });
    const rows: readonly (readonly [string, CesqlFunction[], RegExp])[] = [
      // "ABC(x...) ... and ABC(x, y, z)" are incompatible.
      [
        "a variadic without enough fixed arguments",
        [string("ABC", 0, true), string("ABC", 3)],
        /variadic ABC/,
      ],
      [
        "a variadic with as many fixed arguments as another arity",
        [string("ABC", 2, true), string("ABC", 2)],
        /variadic/,
      ],
      [
        "two variadic definitions",
        [string("ABC", 3, true), string("ABC", 4, true)],
        /more than one variadic/,
      ],
      // "no functions with the same name and same arity but different types are allowed"
      [
        "the same name and arity twice",
        [string("ABC", 1), { ...string("abc", 1), returns: "String" }],
        /twice/,
      ],
      ["a built-in's name and arity", [string("LENGTH", 1)], /twice/],
      ["an arity a built-in variadic covers", [string("CONCAT", 2)], /variadic CONCAT/],
      ["a name that is not letters and underscores", [string("A1", 1)], /name/],
      [
        "an unknown parameter type",
        [{ ...string("ABC", 0), parameters: ["Number" as "String"] }],
        /parameter type/,
      ],
      ["a return type of Any", [{ ...string("ABC", 0), returns: "Any" as "String" }], /must return/],
    ];
    for (const [what, functions, message] of rows) {
      it(what, () => assert.match(compileError("TRUE", "generic", { functions }).message, message));
    }
    it("while extending a built-in name with a new arity is allowed", () => {
      const twoArgAbs = string("ABS", 2);
      assert.equal(compile("ABS(-1) + ABS('a', 'b')", { functions: [twoArgAbs] }).evaluate(BASE).value, 1);
    });
  });

  it("a function may evaluate the expression that calls it; each evaluation keeps its own errors", () => {
    let depth = 0;
    let innerErrors = -1;
    const nest: CesqlFunction = {
      name: "NEST",
      parameters: [],
      returns: "Boolean",
      call: () => {
        if (depth++ === 0) innerErrors = expr.evaluate({ other: "x" }).errors.length;
        return true;
      },
    };
    const expr = compile("(gone = 'x') OR NEST()", { functions: [nest] });
    const outer = expr.evaluate(BASE);
    assert.deepEqual(
      [outer.value, outer.errors.map((error) => error.kind), innerErrors],
      [false, ["missingAttribute"], 1],
    );
  });
});
