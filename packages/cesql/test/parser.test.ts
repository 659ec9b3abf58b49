import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Node } from "../src/ast.js";
import { parse } from "../src/parser.js";
import { cases, compileError } from "./helpers.js";

/** Renders an AST fully parenthesized, to assert grouping without caring about spans. */
function shape(node: Node): string {
  switch (node.kind) {
    case "literal":
      return JSON.stringify(node.value);
    case "attribute":
      return node.name;
    case "exists":
      return `(EXISTS ${node.name})`;
    case "unary":
      return `(${node.operator} ${shape(node.operand)})`;
    case "binary":
      return `(${shape(node.left)} ${node.operator} ${shape(node.right)})`;
    case "like":
      return `(${shape(node.operand)}${node.negated ? " NOT" : ""} LIKE ${JSON.stringify(node.pattern)})`;
    case "in":
      return `(${shape(node.operand)}${node.negated ? " NOT" : ""} IN [${node.set.map(shape).join(", ")}])`;
    case "call":
      return `${node.name}(${node.args.map(shape).join(", ")})`;
  }
}

describe("parser: precedence and associativity (§3.6)", () => {
  const rows: readonly (readonly [string, string])[] = [
    // "*, /, %" before "+, -" before comparisons before AND, OR, XOR
    ["a + b * c", "(a + (b * c))"],
    ["a * b + c", "((a * b) + c)"],
    ["a = b + c", "(a = (b + c))"],
    ["a AND b = c", "(a AND (b = c))"],
    ["a < b OR c >= d", "((a < b) OR (c >= d))"],
    // "MUST be evaluated left to right when the precedence is equal"
    ["a - b - c", "((a - b) - c)"],
    ["a / b / c", "((a / b) / c)"],
    ["a % b * c", "((a % b) * c)"],
    ["a = b <> c", "((a = b) <> c)"],
    // AND, OR and XOR share one level (§3.6 lists them as one item), so they too go left to right.
    ["a OR b AND c", "((a OR b) AND c)"],
    ["a AND b OR c", "((a AND b) OR c)"],
    ["a XOR b OR c AND d", "(((a XOR b) OR c) AND d)"],
    // Unary operators bind tighter than every binary operator, LIKE, EXISTS and IN.
    ["NOT a AND b", "((NOT a) AND b)"],
    ["NOT a = b", "((NOT a) = b)"],
    ["-a * b", "((- a) * b)"],
    ["- a + b", "((- a) + b)"],
    ["NOT NOT a", "(NOT (NOT a))"],
    ["--a", "(- (- a))"],
    ["-a LIKE 'x'", '((- a) LIKE "x")'],
    ["NOT a LIKE 'x'", '((NOT a) LIKE "x")'],
    // LIKE before IN before the binary operators.
    ["a + b LIKE 'x'", '(a + (b LIKE "x"))'],
    ["a LIKE 'x' + b", '((a LIKE "x") + b)'],
    ["a + b IN (c)", "(a + (b IN [c]))"],
    ["a LIKE 'x' IN (TRUE)", '((a LIKE "x") IN [true])'],
    ["a IN (b) LIKE 'x'", '((a IN [b]) LIKE "x")'],
    ["a NOT LIKE 'x' AND b NOT IN (1, 2)", '((a NOT LIKE "x") AND (b NOT IN [1, 2]))'],
    ["NOT EXISTS a", "(NOT (EXISTS a))"],
    ["EXISTS a AND b", "((EXISTS a) AND b)"],
    // Function invocations bind tightest.
    ["-ABS(a)", "(- ABS(a))"],
    ["NOT BOOL(a) OR b", "((NOT BOOL(a)) OR b)"],
    ["f(a + b, c) * 2", "(F((a + b), c) * 2)"],
    // Parentheses (§2.1 "Nested expressions MUST be correctly parenthesized").
    ["(a + b) * c", "((a + b) * c)"],
    ["a OR (b AND c)", "(a OR (b AND c))"],
    ["((a))", "a"],
    ["a IN (b + 1, (c), d IN (e))", "(a IN [(b + 1), c, (d IN [e])])"],
    // A minus before an integer is its sign; elsewhere it is the unary operator.
    ["-1 - -1", "(-1 - -1)"],
    ["- -1", "(- -1)"],
    ["1 - 1", "(1 - 1)"],
  ];
  for (const [text, expected] of rows) {
    it(`${text}  ⇒  ${expected}`, () => assert.equal(shape(parse(text)), expected));
  }
});

describe("parser: precedence decides values", () => {
  cases([
    ["4 * 2 + 4 / 2", 10],
    ["4 * (2 + 4) / 2", 12],
    ["2 + 3 * 4", 14],
    ["(2 + 3) * 4", 20],
    ["4 * (2 + 3)", 20],
    ["10 - 2 - 3", 5],
    ["100 / 10 / 5", 2],
    // Right to left would be 7 % (4 % 2) = 7 % 0, a MathError.
    ["7 % 4 % 2", 1],
    ["2 - 3 + 4", 3],
    ["1 + 2 = 3", true],
    ["1 < 2 = TRUE", true],
    // SQL would say true; CESQL evaluates equal-precedence logic left to right.
    ["TRUE OR TRUE AND FALSE", false],
    ["TRUE OR FALSE XOR TRUE", false],
    ["FALSE AND FALSE OR TRUE", true],
    ["NOT FALSE AND FALSE", false],
    ["-'2' + 3", 1],
    ["-'1' LIKE '-1'", true],
    ["1 + 2 LIKE '2'", 2],
    ["1 + 1 IN (1)", 2],
    ["'b' IN ('a') LIKE 'false'", true],
    ["EXISTS id = TRUE", true],
    ["-ABS(-5)", -5],
    ["NOT BOOL('false')", true],
    ["((1))", 1],
    ["(TRUE)", true],
  ]);
});

describe("parser: spans", () => {
  it("an operator node spans its operands; parentheses belong to the parenthesized node", () => {
    const node = parse("(a OR b) AND NOT c");
    assert.equal(node.kind, "binary");
    assert.deepEqual([node.start, node.end], [0, 18]);
    if (node.kind !== "binary") return;
    assert.deepEqual([node.left.start, node.left.end], [0, 8]);
    assert.deepEqual([node.right.start, node.right.end], [13, 18]);
  });

  it("NOT LIKE and NOT IN span from the operand to the pattern or the closing parenthesis", () => {
    const like = parse("x NOT LIKE 'a%'");
    assert.deepEqual([like.kind, like.start, like.end], ["like", 0, 15]);
    const inSet = parse("x NOT IN (1, 2)");
    assert.deepEqual([inSet.kind, inSet.start, inSet.end], ["in", 0, 15]);
  });
});

describe("parser: errors carry position, line and column", () => {
  const rows: readonly (readonly [string, number, RegExp])[] = [
    ["", 0, /empty/],
    ["   ", 3, /empty/],
    ["ABC(", 4, /end of expression/],
    ["(1 + 2", 6, /'\)'/],
    ["1 +", 3, /end of expression/],
    ["1 2", 2, /unexpected '2'/],
    ["a b", 2, /unexpected 'b'/],
    ["a AND", 5, /end of expression/],
    ["NOT", 3, /end of expression/],
    ["1 NOT 2", 2, /unexpected 'NOT'/],
    ["AND a", 0, /keyword AND/],
    ["a = LIKE", 4, /keyword LIKE/],
    ["()", 1, /unexpected '\)'/],
    ["(1))", 3, /unexpected '\)'/],
    // §3.4.3 "The pattern ... MUST be a valid string literal without casting, otherwise ... a parse error."
    ["x LIKE 123", 7, /string literal/],
    ["x LIKE y", 7, /string literal/],
    ["x LIKE ('a')", 7, /string literal/],
    ["x LIKE CONCAT('a', '%')", 7, /string literal/],
    ["x NOT LIKE TRUE", 11, /string literal/],
    ["x LIKE", 6, /string literal/],
    // §2.3 set-expression: parenthesized and not empty.
    ["x IN ()", 6, /unexpected '\)'/],
    ["x IN 1", 5, /'\('/],
    ["x IN (1,)", 8, /unexpected '\)'/],
    ["x IN (1 2)", 8, /',' or '\)'/],
    ["x NOT IN", 8, /'\('/],
    // §2.3 exists-operation: EXISTS then an identifier.
    ["EXISTS 1", 7, /attribute name/],
    ["EXISTS TRUE", 7, /attribute name/],
    ["EXISTS 'id'", 7, /attribute name/],
    ["EXISTS", 6, /attribute name/],
    ["EXISTS my_ext", 7, /attribute name/],
    // §2.4: function names are letters and underscores.
    ["a1(2)", 0, /not a function name/],
    ["_a(2)", 0, /unexpected character|not/],
    ["f(1 2)", 4, /',' or '\)'/],
    ["f(1,)", 4, /unexpected '\)'/],
    ["f(,1)", 2, /unexpected ','/],
    ["'a' = = 'b'", 6, /unexpected '='/],
  ];
  for (const [text, position, message] of rows) {
    it(`${JSON.stringify(text)} → parse error at ${position}`, () => {
      const error = compileError(text, "parse");
      assert.equal(error.position, position);
      assert.equal(error.line, 1);
      assert.equal(error.column, position + 1);
      assert.match(error.message, message);
    });
  }

  it("line and column count from 1 across line breaks", () => {
    const error = compileError("TRUE AND\n  (1 +\n )", "parse");
    assert.deepEqual([error.position, error.line, error.column], [17, 3, 2]);
  });

  it("refuses trees so deep they could exhaust the stack, and accepts deep but reasonable ones", () => {
    compileError(`${"(".repeat(600)}1${")".repeat(600)}`, "parse");
    compileError(`${"NOT ".repeat(600)}TRUE`, "parse");
    compileError(`${"a AND ".repeat(600)}a`, "parse");
    compileError(`${"-".repeat(600)}1`, "parse");
    assert.equal(shape(parse(`${"(".repeat(100)}1${")".repeat(100)}`)), "1");
    assert.equal(parse(`${"a AND ".repeat(300)}a`).kind, "binary");
  });
});
