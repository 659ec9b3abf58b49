import type { CesqlValue } from "./types.js";

/** Source span of a node: `text.slice(start, end)`, parentheses included when written. */
interface Span {
  readonly start: number;
  readonly end: number;
}

export type ArithmeticOperator = "+" | "-" | "*" | "/" | "%";
export type EqualityOperator = "=" | "!=" | "<>";
export type OrderOperator = "<" | "<=" | ">" | ">=";
export type LogicOperator = "AND" | "OR" | "XOR";
export type BinaryOperator = ArithmeticOperator | EqualityOperator | OrderOperator | LogicOperator;

export interface LiteralNode extends Span {
  readonly kind: "literal";
  readonly value: CesqlValue;
}

export interface AttributeNode extends Span {
  readonly kind: "attribute";
  /** Lower-cased: identifiers are case-insensitive and attribute names are lower case. */
  readonly name: string;
}

export interface ExistsNode extends Span {
  readonly kind: "exists";
  readonly name: string;
}

export interface UnaryNode extends Span {
  readonly kind: "unary";
  readonly operator: "NOT" | "-";
  readonly operand: Node;
}

export interface BinaryNode extends Span {
  readonly kind: "binary";
  readonly operator: BinaryOperator;
  readonly left: Node;
  readonly right: Node;
}

export interface LikeNode extends Span {
  readonly kind: "like";
  readonly negated: boolean;
  readonly operand: Node;
  /** The pattern's value (escapes of the string literal resolved, LIKE escapes not yet). */
  readonly pattern: string;
}

export interface InNode extends Span {
  readonly kind: "in";
  readonly negated: boolean;
  readonly operand: Node;
  readonly set: readonly Node[];
}

export interface CallNode extends Span {
  readonly kind: "call";
  /** Upper-cased: function names are case-insensitive. */
  readonly name: string;
  readonly args: readonly Node[];
}

export type Node =
  | LiteralNode
  | AttributeNode
  | ExistsNode
  | UnaryNode
  | BinaryNode
  | LikeNode
  | InNode
  | CallNode;
