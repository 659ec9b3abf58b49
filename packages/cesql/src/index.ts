export type {
  AttributeNode as CesqlAttributeNode,
  BinaryNode as CesqlBinaryNode,
  BinaryOperator as CesqlBinaryOperator,
  CallNode as CesqlCallNode,
  ExistsNode as CesqlExistsNode,
  InNode as CesqlInNode,
  LikeNode as CesqlLikeNode,
  LiteralNode as CesqlLiteralNode,
  Node as CesqlNode,
  UnaryNode as CesqlUnaryNode,
} from "./ast.js";
export { CesqlError, type CesqlErrorCode, CesqlErrorCodes, type CesqlErrorKind } from "./errors.js";
export { compile } from "./expression.js";
export { type LikePiece, splitPattern as splitLikePattern } from "./like.js";
export type {
  CesqlEvent,
  CesqlExpression,
  CesqlFunction,
  CesqlResult,
  CesqlTrace,
  CesqlType,
  CesqlValue,
  CesqlValueType,
  CompileOptions,
} from "./types.js";
