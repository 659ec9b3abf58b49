import type { BinaryOperator, Node } from "./ast.js";
import { parseError, type Token, tokenize } from "./lexer.js";

const KEYWORDS = new Set(["AND", "OR", "XOR", "NOT", "LIKE", "EXISTS", "IN", "TRUE", "FALSE"]);

/**
 * Binding power of the infix and postfix operators, loosest first (§3.6): AND/OR/XOR share one
 * level and, like every level, associate left to right; then comparisons, + -, * / %, IN, LIKE.
 * Unary NOT and - bind tighter than all of them, and function invocations tightest.
 */
const BINARY_POWER: Readonly<Record<string, number>> = {
  AND: 1,
  OR: 1,
  XOR: 1,
  "=": 2,
  "!=": 2,
  "<>": 2,
  "<": 2,
  "<=": 2,
  ">": 2,
  ">=": 2,
  "+": 3,
  "-": 3,
  "*": 4,
  "/": 4,
  "%": 4,
};
const IN_POWER = 5;
const LIKE_POWER = 6;

const MAX_INT = 2147483647;
/** Deeper trees are refused so that compiling and evaluating cannot exhaust the stack. */
const MAX_DEPTH = 500;

const IDENTIFIER = /^[A-Za-z0-9]+$/;
const FUNCTION_NAME = /^[A-Za-z][A-Za-z_]*$/;

/** Parses CESQL text into an AST; throws CesqlError kind "parse" pointing at the offending token. */
export function parse(text: string): Node {
  return new Parser(text).parseRoot();
}

class Parser {
  readonly #text: string;
  readonly #tokens: Token[];
  #index = 0;
  readonly #depths = new WeakMap<Node, number>();

  constructor(text: string) {
    this.#text = text;
    this.#tokens = tokenize(text);
  }

  parseRoot(): Node {
    if (this.#peek().kind === "eof") throw this.#error(this.#peek(), "empty expression");
    const node = this.#expression(1, 0);
    const rest = this.#peek();
    if (rest.kind !== "eof") throw this.#error(rest, `unexpected ${describe(rest)}`);
    return node;
  }

  /**
   * Records the depth of an operator node. Left-deep chains (a AND b AND c ...) grow in a loop,
   * not by recursion, so the parser's own guard does not see them.
   */
  #made(node: Node): Node {
    let depth = 0;
    for (const child of childrenOf(node)) depth = Math.max(depth, this.#depths.get(child) ?? 1);
    if (depth + 1 > MAX_DEPTH) throw parseError(this.#text, node.start, "expression nests too deeply");
    this.#depths.set(node, depth + 1);
    return node;
  }

  #peek(offset = 0): Token {
    return this.#tokens[Math.min(this.#index + offset, this.#tokens.length - 1)]!;
  }

  #next(): Token {
    const token = this.#peek();
    if (token.kind !== "eof") this.#index++;
    return token;
  }

  #error(token: Token, message: string) {
    return parseError(this.#text, token.start, message);
  }

  #expect(kind: Token["kind"], what: string): Token {
    const token = this.#peek();
    if (token.kind !== kind) throw this.#error(token, `expected ${what}, found ${describe(token)}`);
    return this.#next();
  }

  #expression(minPower: number, depth: number): Node {
    let left = this.#prefix(depth);
    for (;;) {
      const token = this.#peek();
      const keyword = keywordOf(token);
      const negated = keyword === "NOT" && isKeyword(this.#peek(1), "LIKE", "IN");
      const postfix = negated ? keywordOf(this.#peek(1)) : keyword;
      if (postfix === "LIKE" || postfix === "IN") {
        if ((postfix === "LIKE" ? LIKE_POWER : IN_POWER) < minPower) return left;
        if (negated) this.#next();
        this.#next();
        left = this.#made(postfix === "LIKE" ? this.#like(left, negated) : this.#in(left, negated, depth));
        continue;
      }
      const operator = keyword ?? (token.kind === "op" ? token.text : undefined);
      const power = operator === undefined ? undefined : BINARY_POWER[operator];
      if (power === undefined || power < minPower) return left;
      this.#next();
      const right = this.#expression(power + 1, depth + 1);
      left = this.#made({
        kind: "binary",
        operator: operator as BinaryOperator,
        left,
        right,
        start: left.start,
        end: right.end,
      });
    }
  }

  /** §3.4.3: the pattern MUST be a string literal, otherwise a parse error. */
  #like(operand: Node, negated: boolean): Node {
    const pattern = this.#peek();
    if (pattern.kind !== "string") {
      throw this.#error(pattern, `the pattern of LIKE must be a string literal, found ${describe(pattern)}`);
    }
    this.#next();
    return { kind: "like", negated, operand, pattern: pattern.value, start: operand.start, end: pattern.end };
  }

  /** §2.3 set-expression: a parenthesized, non-empty, comma-separated list. */
  #in(operand: Node, negated: boolean, depth: number): Node {
    this.#expect("(", "'(' to open the IN set");
    const set = [this.#expression(1, depth + 1)];
    while (this.#peek().kind === ",") {
      this.#next();
      set.push(this.#expression(1, depth + 1));
    }
    const close = this.#expect(")", "',' or ')' in the IN set");
    return { kind: "in", negated, operand, set, start: operand.start, end: close.end };
  }

  #prefix(depth: number): Node {
    if (depth > MAX_DEPTH) throw this.#error(this.#peek(), "expression nests too deeply");
    const token = this.#next();
    switch (token.kind) {
      case "int":
        return {
          kind: "literal",
          value: this.#integer(token, token.text, false),
          start: token.start,
          end: token.end,
        };
      case "string":
        return { kind: "literal", value: token.value, start: token.start, end: token.end };
      case "(": {
        const inner = this.#expression(1, depth + 1);
        const close = this.#expect(")", "')' to close the '('");
        const grouped = { ...inner, start: token.start, end: close.end };
        this.#depths.set(grouped, this.#depths.get(inner) ?? 1);
        return grouped;
      }
      case "op":
        return this.#sign(token, depth);
      case "word":
        return this.#word(token, depth);
      default:
        throw this.#error(token, `unexpected ${describe(token)}`);
    }
  }

  /**
   * Unary minus, or the sign of an integer literal (§2.2 integer-literal). A minus directly before
   * an integer folds into the literal so that -2147483648 is a valid literal.
   */
  #sign(token: Token, depth: number): Node {
    const next = this.#peek();
    if (token.text === "-" && next.kind === "int") {
      this.#next();
      return {
        kind: "literal",
        value: this.#integer(next, next.text, true),
        start: token.start,
        end: next.end,
      };
    }
    if (token.text === "-") {
      const operand = this.#prefix(depth + 1);
      return this.#made({ kind: "unary", operator: "-", operand, start: token.start, end: operand.end });
    }
    if (token.text === "+" && next.kind === "int" && next.start === token.end) {
      this.#next();
      return {
        kind: "literal",
        value: this.#integer(next, next.text, false),
        start: token.start,
        end: next.end,
      };
    }
    throw this.#error(token, `unexpected ${describe(token)}`);
  }

  /** §2.2: integer literals MUST be valid 32-bit signed integers. */
  #integer(token: Token, digits: string, negative: boolean): number {
    const magnitude = Number(digits);
    if (magnitude > MAX_INT + (negative ? 1 : 0)) {
      throw this.#error(token, `integer literal ${negative ? "-" : ""}${digits} is outside the 32-bit range`);
    }
    return negative ? 0 - magnitude : magnitude;
  }

  #word(token: Token, depth: number): Node {
    const keyword = keywordOf(token);
    if (keyword === "TRUE" || keyword === "FALSE") {
      return { kind: "literal", value: keyword === "TRUE", start: token.start, end: token.end };
    }
    if (keyword === "NOT") {
      const operand = this.#prefix(depth + 1);
      return this.#made({ kind: "unary", operator: "NOT", operand, start: token.start, end: operand.end });
    }
    if (keyword === "EXISTS") {
      const name = this.#next();
      if (name.kind !== "word" || keywordOf(name) !== undefined || !IDENTIFIER.test(name.text)) {
        throw this.#error(name, `EXISTS needs an attribute name, found ${describe(name)}`);
      }
      return { kind: "exists", name: name.text.toLowerCase(), start: token.start, end: name.end };
    }
    if (keyword !== undefined) throw this.#error(token, `unexpected keyword ${keyword}`);
    if (this.#peek().kind === "(") return this.#call(token, depth);
    if (!IDENTIFIER.test(token.text)) {
      throw this.#error(token, `'${token.text}' is not an attribute name: use letters and digits only`);
    }
    return { kind: "attribute", name: token.text.toLowerCase(), start: token.start, end: token.end };
  }

  /** §2.4 function-invocation; names are letters and underscores, starting with a letter. */
  #call(name: Token, depth: number): Node {
    if (!FUNCTION_NAME.test(name.text)) {
      throw this.#error(name, `'${name.text}' is not a function name: use letters and underscores only`);
    }
    this.#next();
    const args: Node[] = [];
    if (this.#peek().kind !== ")") {
      args.push(this.#expression(1, depth + 1));
      while (this.#peek().kind === ",") {
        this.#next();
        args.push(this.#expression(1, depth + 1));
      }
    }
    const close = this.#expect(")", `',' or ')' in the arguments of ${name.text}`);
    return this.#made({
      kind: "call",
      name: name.text.toUpperCase(),
      args,
      start: name.start,
      end: close.end,
    });
  }
}

function keywordOf(token: Token): string | undefined {
  if (token.kind !== "word") return undefined;
  const upper = token.text.toUpperCase();
  return KEYWORDS.has(upper) ? upper : undefined;
}

function isKeyword(token: Token, ...keywords: string[]): boolean {
  const keyword = keywordOf(token);
  return keyword !== undefined && keywords.includes(keyword);
}

function describe(token: Token): string {
  switch (token.kind) {
    case "eof":
      return "end of expression";
    case "string":
      return `string literal ${token.text}`;
    default:
      return `'${token.text}'`;
  }
}

function childrenOf(node: Node): readonly Node[] {
  switch (node.kind) {
    case "binary":
      return [node.left, node.right];
    case "in":
      return [node.operand, ...node.set];
    case "like":
    case "unary":
      return [node.operand];
    case "call":
      return node.args;
    default:
      return [];
  }
}
