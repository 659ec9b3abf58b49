import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type Scalar,
} from "yaml";
import { splitPointer } from "./pointer.js";

/** Point at the key of a field (unknown or missing fields) or at its value (wrong values). */
export type At = "key" | "value";

export interface Position {
  /** 1-based. */
  readonly line: number;
  /** 1-based, in characters. */
  readonly column: number;
}

/** Maps JSON pointers of one YAML document to positions in its file. */
export interface Locator {
  readonly file: string;
  /**
   * Where the node at `pointer` is. A missing node falls back to its deepest existing ancestor
   * (so a missing `spec.broker` points at `spec:`). `valueOffset` is a character offset inside a
   * string value (a CESQL expression, an embedded YAML text), mapped through quoting and block
   * indentation when that can be done exactly, else the value's start.
   */
  position(pointer: string, at?: At, valueOffset?: number): Position;
  /** The source text of the scalar at `pointer` (for hints such as "quote it"), if there is one. */
  raw(pointer: string): string | undefined;
}

interface Found {
  readonly node: unknown;
  readonly key: Node | undefined;
  readonly complete: boolean;
}

type AnyDocument = Document.Parsed | Document;

function find(doc: AnyDocument, segments: readonly string[]): Found {
  let node: unknown = doc.contents;
  let key: Node | undefined;
  for (const segment of segments) {
    if (isAlias(node)) node = node.resolve(doc as Document);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      if (pair === undefined) return { node, key, complete: false };
      key = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = /^\d+$/.test(segment) ? node.items[Number(segment)] : undefined;
      if (item === undefined) return { node, key, complete: false };
      key = undefined;
      node = item;
    } else {
      return { node, key, complete: false };
    }
  }
  return { node, key, complete: true };
}

function startOf(node: unknown): number | undefined {
  const range = (node as { range?: readonly number[] | null } | null | undefined)?.range;
  return range?.[0];
}

function anchor(found: Found, at: At): number | undefined {
  const { node, key } = found;
  if (!found.complete || at === "key") return startOf(key) ?? startOf(node);
  // A block mapping or list starts on the line after its key: the key is the better place.
  const inline =
    (isScalar(node) && node.value !== null && node.value !== undefined) ||
    ((isMap(node) || isSeq(node)) && node.flow === true);
  return inline ? startOf(node) : (startOf(key) ?? startOf(node));
}

/** Source offset of character `offset` of a string scalar's value, when it can be mapped exactly. */
export function mapScalarOffset(node: Scalar, text: string, offset: number): number | undefined {
  const range = node.range;
  const value = node.value;
  if (range === null || range === undefined || typeof value !== "string") return undefined;
  if (offset < 0 || offset > value.length) return undefined;
  const [start, end] = range;
  const raw = text.slice(start, end);
  switch (node.type) {
    case "PLAIN":
      return raw === value ? start + offset : undefined;
    case "QUOTE_SINGLE":
      return mapQuoted(raw, start, offset, (inner, i) => (inner[i] === "'" && inner[i + 1] === "'" ? 2 : 1));
    case "QUOTE_DOUBLE":
      return mapQuoted(raw, start, offset, (inner, i) => {
        if (inner[i] !== "\\") return 1;
        // \x, \u and \U escapes decode to a varying number of UTF-16 units: give up on those.
        return "xuU".includes(inner[i + 1] ?? "") ? undefined : 2;
      });
    case "BLOCK_LITERAL":
      return mapBlockLiteral(raw, start, value, offset);
    default:
      return undefined;
  }
}

function mapQuoted(
  raw: string,
  start: number,
  offset: number,
  step: (inner: string, i: number) => number | undefined,
): number | undefined {
  const inner = raw.slice(1, -1);
  if (inner.includes("\n")) return undefined; // folded lines: no exact mapping
  let produced = 0;
  let i = 0;
  while (i <= inner.length) {
    if (produced === offset) return start + 1 + i;
    if (i === inner.length) break;
    const width = step(inner, i);
    if (width === undefined) return undefined;
    i += width;
    produced += 1;
  }
  return undefined;
}

function mapBlockLiteral(raw: string, start: number, value: string, offset: number): number | undefined {
  const lines = raw.split("\n");
  const header = lines[0] ?? "";
  // An explicit indentation indicator (|2) is relative to the parent's indentation, unknown here.
  if (/\d/.test(header.split("#")[0] ?? "")) return undefined;
  const content = lines.slice(1);
  const first = content.find((line) => line.trim() !== "");
  if (first === undefined) return undefined;
  const indent = first.length - first.trimStart().length;
  const before = value.slice(0, offset);
  const innerLine = before.split("\n").length - 1;
  const innerColumn = offset - (before.lastIndexOf("\n") + 1);
  const line = content[innerLine];
  if (line === undefined) return undefined;
  let at = start + header.length + 1;
  for (let k = 0; k < innerLine; k++) at += (content[k] as string).length + 1;
  return at + Math.min(indent + innerColumn, line.length);
}

function resolveOffset(
  doc: AnyDocument,
  text: string,
  pointer: string,
  at: At,
  valueOffset: number | undefined,
): number | undefined {
  const found = find(doc, splitPointer(pointer));
  if (found.complete && valueOffset !== undefined && isScalar(found.node)) {
    const mapped = mapScalarOffset(found.node, text, valueOffset);
    if (mapped !== undefined) return mapped;
  }
  return anchor(found, at) ?? startOf(doc.contents);
}

function rawOf(doc: AnyDocument, text: string, pointer: string): string | undefined {
  const found = find(doc, splitPointer(pointer));
  if (!found.complete || !isScalar(found.node) || !found.node.range) return undefined;
  return text.slice(found.node.range[0], found.node.range[1]);
}

/**
 * A locator for a document parsed from a whole file. `doc` is asked for only when a position
 * inside the document is wanted (a diagnostic, a hint): the loader passes a getter that parses the
 * file again then, so no document's syntax tree has to outlive its conversion to plain values.
 * The document's own position (`""`) is answered from `start` (where its contents begin) without it.
 */
export function createDocumentLocator(
  file: string,
  text: string,
  doc: () => AnyDocument,
  lines: LineCounter,
  start: number,
): Locator {
  return {
    file,
    position(pointer, at = "value", valueOffset) {
      const offset =
        pointer === "" && valueOffset === undefined
          ? start
          : (resolveOffset(doc(), text, pointer, at, valueOffset) ?? 0);
      const { line, col } = lines.linePos(offset);
      return { line, column: col };
    },
    raw: (pointer) => rawOf(doc(), text, pointer),
  };
}

/**
 * A locator for a YAML document embedded in a string value of another document (config-br-
 * defaults' `default-br-config`): positions are mapped back into the outer file.
 */
export function createNestedLocator(
  outer: Locator,
  outerPointer: string,
  text: string,
  doc: AnyDocument,
): Locator {
  return {
    file: outer.file,
    position(pointer, at = "value", valueOffset) {
      return outer.position(outerPointer, "value", resolveOffset(doc, text, pointer, at, valueOffset));
    },
    raw: (pointer) => rawOf(doc, text, pointer),
  };
}
