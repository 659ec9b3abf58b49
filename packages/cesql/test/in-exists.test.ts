import { describe } from "node:test";
import { BASE, cases } from "./helpers.js";

describe("§3.4.5 x IN (y1, y2, ...): Any x Any^n -> Boolean", () => {
  cases([
    ["123 IN (1, 2, 3, 12, 13, 23, 123)", true],
    ["123 NOT IN (1, 2, 3, 12, 13, 23, 123)", false],
    ["4 IN (1, 2, 3)", false],
    ["4 NOT IN (1, 2, 3)", true],
    ["'abc' IN ('abc', \"bcd\")", true],
    ["'aaa' IN ('abc', \"bcd\")", false],
    ["TRUE IN (TRUE, FALSE)", true],
    ["TRUE IN (FALSE)", false],
    ["1 IN (1)", true],
    // "using x type as the target type for the implicit type casting"
    ["'true' IN (TRUE, 'false')", true],
    ["'true' IN ('TRUE', 'false')", false],
    ["TRUE IN ('true', 'false')", true],
    ["'TRUE' IN (TRUE, 'false')", false],
    ["1 IN ('1', '2')", true],
    ["'1' IN (1, 2)", true],
    ["1 IN ('01')", true],
    ["'01' IN (1)", false],
    ["0 IN (FALSE)", true],
    // Elements may be any expression.
    ["3 IN (1 + 2)", true],
    ["'ab' IN (CONCAT('a', 'b'))", true],
    // An element that cannot be cast to x's type is a CastError, and IN is then false.
    ["1 IN ('a', 1)", false, ["cast"]],
    ["1 NOT IN ('a')", false, ["cast"]],
    ["TRUE IN ('yes', TRUE)", false, ["cast"]],
    ["3 IN (1 / 0, 3)", false, ["math"]],
    ["missing IN ('a')", false, ["missingAttribute"]],
    ["missing NOT IN ('a')", false, ["missingAttribute"]],
  ]);
});

describe("§3.4.5 IN with attributes", () => {
  const event = { ...BASE, source: "http://localhost/source", myext: "http://localhost/source" };
  cases(
    [
      ["source IN (myext, 'abc')", true],
      ["source IN (source)", true],
      ["source IN (id, 'http://localhost/source')", true],
      ["source IN (id, 'xyz')", false],
      ["source NOT IN (id, 'xyz')", true],
      ["'evt-1' IN (id)", true],
      ["source IN (missing, 'http://localhost/source')", false, ["missingAttribute"]],
      ["missing IN (id, nosuch)", false, ["missingAttribute", "missingAttribute"]],
    ],
    event,
  );

  describe("the run-time type of x picks the cast target", () => {
    cases(
      [
        ["n IN ('5', 6)", true],
        ["n IN ('05')", true],
        ["n IN ('a', 5)", false, ["cast"]],
        ["b IN ('TRUE')", true],
        ["s IN (5)", true],
        ["s IN ('a', '5')", true],
      ],
      { ...BASE, n: 5, b: true, s: "5" },
    );
    // The same names as strings, the way a Map of canonical strings carries them.
    cases(
      [
        ["n IN ('5', 6)", true],
        ["n IN ('05')", false],
        ["n IN ('a', 5)", true],
        ["b IN ('TRUE')", false],
      ],
      { ...BASE, n: "5", b: "true" },
    );
  });
});

describe("§3.4.4 EXISTS identifier: Any -> Boolean", () => {
  cases([
    ["EXISTS subject", true],
    ["EXISTS nosuch", false],
    ["NOT EXISTS nosuch", true],
    ["NOT EXISTS subject", false],
    ["EXISTS SUBJECT", true],
    ["EXISTS specversion AND EXISTS id AND EXISTS type AND EXISTS SOURCE", true],
  ]);

  describe("EXISTS MUST always return true for the REQUIRED attributes", () => {
    // Even on an input that lacks them: the input event is always assumed valid.
    cases(
      [
        ["EXISTS id", true],
        ["EXISTS source", true],
        ["EXISTS specversion", true],
        ["EXISTS type", true],
        ["EXISTS time", false],
      ],
      {},
    );
  });

  describe("absent means missing, null or not an attribute at all", () => {
    cases(
      [
        ["EXISTS time", false],
        ["EXISTS dataschema", false],
        ["EXISTS data", false],
        ["EXISTS constructor", false],
        ["EXISTS tostring", false],
        ["EXISTS flag", true],
        ["EXISTS zero", true],
        ["EXISTS empty", true],
      ],
      { ...BASE, time: null, dataschema: undefined, data: "payload", flag: false, zero: 0, empty: "" },
    );
  });
});
