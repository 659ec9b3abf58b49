import type { HttpRequest } from "@sluice/core";

/**
 * Where one attribute of a built event comes from: a fixed value, a request header, or a JSON
 * pointer (RFC 6901) into a JSON body. Header and pointer values get `prefix` prepended; when the
 * header or member is missing, `fallback` (the manifest's `default`) is used, if any.
 */
export type AttributeRule =
  | { readonly from: "value"; readonly value: string }
  | {
      readonly from: "header";
      /** Lower-case header name. */
      readonly header: string;
      readonly prefix: string;
      readonly fallback: string | undefined;
    }
  | {
      readonly from: "jsonPointer";
      readonly pointer: string;
      /** The pointer's reference tokens, unescaped (~1 → /, ~0 → ~). */
      readonly tokens: readonly string[];
      readonly prefix: string;
      readonly fallback: string | undefined;
    };

/** The request as the rules read it: headers, and the JSON body parsed at most once. */
export interface RuleInput {
  readonly request: HttpRequest;
  json(): unknown;
}

/** RFC 6901 §3: "" or a sequence of "/"-prefixed tokens where "~" is followed by 0 or 1. */
const POINTER = /^(?:\/(?:[^~/]|~[01])*)*$/;

export function isJsonPointer(text: string): boolean {
  return POINTER.test(text);
}

export function pointerTokens(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** The attribute's value for this request, or undefined when the header or member is missing. */
export function resolveAttribute(rule: AttributeRule, input: RuleInput): string | undefined {
  if (rule.from === "value") return rule.value;
  const found = rule.from === "header" ? headerValue(input.request, rule.header) : pointerValue(rule, input);
  if (found === undefined || found === "") return rule.fallback;
  return rule.prefix + found;
}

/** A header's value; a repeated header counts as its first value. */
export function headerValue(request: HttpRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function pointerValue(rule: { readonly tokens: readonly string[] }, input: RuleInput): string | undefined {
  let node: unknown = input.json();
  for (const token of rule.tokens) {
    if (Array.isArray(node)) {
      // RFC 6901 §4: array indexes are decimal without leading zeros.
      if (!/^(?:0|[1-9]\d*)$/.test(token)) return undefined;
      node = node[Number(token)];
    } else if (node !== null && typeof node === "object" && Object.hasOwn(node, token)) {
      node = (node as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  // Only scalars make attribute values; objects, arrays and null count as missing.
  if (typeof node === "string") return node;
  if (typeof node === "number" || typeof node === "boolean") return String(node);
  return undefined;
}

/** Describes where a rule looks, for the 400 answer when a required value is missing. */
export function describeRule(rule: AttributeRule): string {
  if (rule.from === "value") return "a fixed value";
  return rule.from === "header" ? `header ${rule.header}` : `JSON pointer "${rule.pointer}" in the body`;
}
