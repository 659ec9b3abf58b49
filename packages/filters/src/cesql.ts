import { compile } from "@sluice/cesql";
import { cesqlRequirements } from "./cesql-requirements.js";
import { FilterErrors, filterError } from "./errors.js";
import type { Attributes, FilterNode } from "./node.js";
import { indent, quote } from "./node.js";

type Expression = ReturnType<typeof compile>;
type Trace = ReturnType<Expression["trace"]>;
type EvaluationError = Trace["errors"][number];

/**
 * `cesql`: a CloudEvents SQL v1 expression, compiled once at load. It passes only when it
 * evaluates to `true` without any error: "If the output value is not a Boolean or any errors are
 * returned, the event MUST NOT pass the filter" (CESQL v1 §1.2; Knative cesql_filter.go fails on
 * an evaluation error). Reading a missing attribute raises an error, so it fails the filter.
 */
export function compileCesql(text: unknown, path: string): FilterNode {
  const expression = compileExpression(text, path);
  return {
    test: (attributes: Attributes) => {
      const result = expression.evaluate(attributes);
      return result.value === true && result.errors.length === 0;
    },
    // What the expression's syntax says must hold, so the index can look the trigger up.
    requirements: cesqlRequirements(expression.ast),
    explain(attributes, details, depth) {
      // The verdict comes from evaluate, exactly as on the hot path; the trace only narrates it.
      const result = expression.evaluate(attributes);
      details.push(`${indent(depth)}${path}: ${quote(expression.text)}`);
      writeTrace(expression.trace(attributes), details, depth + 1);
      const first = result.errors[0];
      if (first !== undefined) {
        return { matched: false, clause: `${path}: evaluation error: ${describeError(first)}` };
      }
      const matched = result.value === true;
      return { matched, clause: `${path}: ${quote(expression.text)} is ${matched ? "true" : "false"}` };
    },
  };
}

function compileExpression(text: unknown, path: string): Expression {
  if (typeof text !== "string") {
    throw filterError(FilterErrors.VALUE_TYPE, path, "a CESQL expression must be a string");
  }
  // Knative reads an empty expression as "no filter"; Sluice rejects it rather than guess.
  if (text.trim() === "") throw filterError(FilterErrors.EMPTY_VALUE, path, "the CESQL expression is empty");
  let expression: Expression;
  try {
    expression = compile(text);
  } catch (error) {
    // Knative treats anything the parser throws, even a panic, as an invalid expression.
    const where = errorLocation(error);
    const message = error instanceof Error ? error.message : String(error);
    throw filterError(FilterErrors.CESQL_INVALID, path, `invalid CESQL: ${message}`, where, error);
  }
  if (expression.type !== "Boolean") {
    const hint =
      expression.type === "Any"
        ? "a bare attribute is a String; compare it (x = 'true') or cast it (BOOL(x))"
        : "a filter must be a Boolean expression";
    throw filterError(
      FilterErrors.CESQL_TYPE,
      path,
      `the expression is of type ${expression.type}: ${hint}`,
      {
        type: expression.type,
      },
    );
  }
  return expression;
}

function errorLocation(error: unknown): Record<string, unknown> {
  if (typeof error !== "object" || error === null) return {};
  const { position, line, column } = error as { position?: unknown; line?: unknown; column?: unknown };
  if (typeof position !== "number") return {};
  return { position, line, column };
}

function writeTrace(trace: Trace, details: string[], depth: number): void {
  const pad = indent(depth);
  details.push(`${pad}${trace.text} -> ${show(trace.value)}`);
  for (const error of trace.errors) details.push(`${pad}  error: ${describeError(error)}`);
  for (const child of trace.children) writeTrace(child, details, depth + 1);
}

function describeError(error: EvaluationError): string {
  return `${error.message} (${error.kind})`;
}

function show(value: unknown): string {
  return typeof value === "string" ? quote(value) : String(value);
}
