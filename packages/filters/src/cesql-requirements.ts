import { type CesqlNode, splitLikePattern } from "@sluice/cesql";
import type { Atom, Requirement } from "./node.js";
import { chooseRequirement } from "./requirements.js";

/**
 * Necessary conditions of a CESQL filter, read from its syntax tree, so the trigger index can
 * find a CESQL trigger by lookup instead of evaluating it for every event. A CESQL filter passes
 * only when the expression yields `true` with no error (CESQL v1 §1.2), and a missing attribute
 * is an error, so:
 *
 * - `a = 'v'` and `'v' = a` (a string literal; Sluice attributes are Strings, so `=` is string
 *   equality) require a to be exactly "v";
 * - `a IN ('v', 'w')` (string literals only) requires one of the exact values;
 * - `a LIKE 'p…'` requires a to start with the pattern's literal head and end with its literal
 *   tail (a pattern without wildcards: exactly equal);
 * - `x AND y` requires everything x and y require; `x OR y` and `x XOR y` require one of x's
 *   conditions or one of y's (the cheapest of each side);
 * - everything else (NOT, !=, casts, functions, numbers, EXISTS, whose "present" includes an
 *   empty value) requires nothing the index can use: such a filter is still correct, only
 *   evaluated for more events.
 *
 * Every condition returned must hold whenever the expression passes; the index property test
 * checks that against evaluation on random expressions.
 */
export function cesqlRequirements(ast: CesqlNode): Requirement[] {
  switch (ast.kind) {
    case "binary":
      switch (ast.operator) {
        case "AND":
          return [...cesqlRequirements(ast.left), ...cesqlRequirements(ast.right)];
        case "OR":
        case "XOR": {
          const left = chooseRequirement(cesqlRequirements(ast.left));
          const right = chooseRequirement(cesqlRequirements(ast.right));
          return left === undefined || right === undefined ? [] : [[...left, ...right]];
        }
        case "=":
          return equality(ast.left, ast.right) ?? equality(ast.right, ast.left) ?? [];
        default:
          return [];
      }
    case "in": {
      if (ast.negated || ast.operand.kind !== "attribute" || ast.set.length === 0) return [];
      const attribute = ast.operand.name;
      const atoms: Atom[] = [];
      for (const element of ast.set) {
        if (element.kind !== "literal" || typeof element.value !== "string") return [];
        atoms.push({ kind: "exact", attribute, value: element.value });
      }
      return [atoms];
    }
    case "like":
      return ast.negated || ast.operand.kind !== "attribute"
        ? []
        : likeRequirements(ast.operand.name, ast.pattern);
    default:
      return [];
  }
}

/** `attribute = 'literal'`, or undefined when the two sides are not of that shape. */
function equality(attribute: CesqlNode, literal: CesqlNode): Requirement[] | undefined {
  if (attribute.kind !== "attribute" || literal.kind !== "literal" || typeof literal.value !== "string") {
    return undefined;
  }
  return [[{ kind: "exact", attribute: attribute.name, value: literal.value }]];
}

function likeRequirements(attribute: string, pattern: string): Requirement[] {
  const pieces = splitLikePattern(pattern);
  const first = pieces[0];
  const last = pieces.at(-1);
  if (first === undefined || last === undefined) return []; // '' matches only "", which "exact" cannot say
  if (pieces.length === 1) {
    return first.kind === "text" ? [[{ kind: "exact", attribute, value: first.text }]] : [];
  }
  const requirements: Requirement[] = [];
  if (first.kind === "text") requirements.push([{ kind: "prefix", attribute, value: first.text }]);
  if (last.kind === "text") requirements.push([{ kind: "suffix", attribute, value: last.text }]);
  return requirements;
}
