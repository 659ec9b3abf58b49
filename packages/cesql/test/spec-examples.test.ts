import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CesqlType, compile } from "../src/index.js";
import { BASE, cases } from "./helpers.js";

describe("§2 keywords are case-insensitive: the two forms of the hop/ttl example agree", () => {
  for (const event of [
    { ...BASE, hop: "5", ttl: "10" },
    { ...BASE, hop: "50", ttl: "10" },
  ]) {
    cases(
      [
        ["int(hop) < int(ttl) and int(hop) < 1000", event.hop === "5"],
        ["INT(hop) < INT(ttl) AND INT(hop) < 1000", event.hop === "5"],
      ],
      event,
    );
  }
});

describe("§5 examples", () => {
  describe("EXISTS subject", () => {
    cases([["EXISTS subject", true]]);
    cases([["EXISTS subject", false]], { id: "1" });
  });

  describe("firstname / lastname / subject", () => {
    const francesco = { ...BASE, firstname: "Francesco", lastname: "Guardiani", subject: "Doug" };
    cases(
      [
        ["firstname = 'Francesco'", true],
        ["firstname = 'Francesco' OR subject = 'Francesco'", true],
        ["(firstname = 'Francesco' AND lastname = 'Guardiani') OR subject = 'Francesco Guardiani'", true],
      ],
      francesco,
    );
    cases(
      [
        ["firstname = 'Francesco'", false],
        ["firstname = 'Francesco' OR subject = 'Francesco'", true],
        ["(firstname = 'Francesco' AND lastname = 'Guardiani') OR subject = 'Francesco Guardiani'", false],
      ],
      { ...BASE, firstname: "Doug", lastname: "Davis", subject: "Francesco" },
    );
  });

  describe("sequence = 10 casts sequence to Integer (§3.7)", () => {
    cases([["sequence = 10", true]], { ...BASE, sequence: "10" });
    cases([["sequence = 10", true]], { ...BASE, sequence: "010" });
    cases([["sequence = 10", false]], { ...BASE, sequence: "11" });
    cases([["sequence = 10", false, ["cast"]]], { ...BASE, sequence: "ten" });
  });

  describe("hop < ttl", () => {
    cases([["hop < ttl", true]], { ...BASE, hop: "5", ttl: "10" });
    cases([["hop < ttl", false]], { ...BASE, hop: "50", ttl: "10" });
  });
});

describe("§3.2 examples", () => {
  cases([
    ['true AND (missingAttribute = "")', false, ["missingAttribute"]],
    ["missingattribute * 5", 0, ["missingAttribute"]],
    ["1 / missingAttribute", 0, ["missingAttribute"]],
  ]);
});

describe("§1.2 a filter expression's static type", () => {
  const rows: readonly (readonly [string, CesqlType])[] = [
    ["TRUE", "Boolean"],
    ["1", "Integer"],
    ["'a'", "String"],
    ["subject", "Any"],
    ["(subject)", "Any"],
    ["NOT subject", "Boolean"],
    ["-subject", "Integer"],
    ["a + b", "Integer"],
    ["a = b", "Boolean"],
    ["a < b", "Boolean"],
    ["a AND b", "Boolean"],
    ["a LIKE 'x'", "Boolean"],
    ["a IN (1)", "Boolean"],
    ["EXISTS a", "Boolean"],
    ["INT(a)", "Integer"],
    ["BOOL(a)", "Boolean"],
    ["STRING(a)", "String"],
    ["CONCAT(a, b)", "String"],
    ["LENGTH(a)", "Integer"],
    ["IS_INT(a)", "Boolean"],
    ["(1 + 2) * 3", "Integer"],
  ];
  for (const [expression, type] of rows) {
    it(`${expression} is ${type}`, () => assert.equal(compile(expression).type, type));
  }

  it("exposes the source text", () => {
    assert.equal(compile("  type = 'x'  ").text, "  type = 'x'  ");
  });
});
