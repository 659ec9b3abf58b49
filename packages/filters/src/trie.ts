import type { Bucket } from "./bucket.js";

/**
 * A character trie of prefixes (or of reversed suffixes). Walking it along an event's value
 * visits the buckets of every indexed prefix of that value in at most value.length steps,
 * without allocating, however many prefixes are indexed; the walk stops where the trie does.
 */
export class TrieNode {
  children: Map<number, TrieNode> | undefined = undefined;
  bucket: Bucket | undefined = undefined;
  readonly parent: TrieNode | undefined;
  /** The UTF-16 code unit on the edge from the parent. */
  readonly code: number;

  constructor(parent?: TrieNode, code = -1) {
    this.parent = parent;
    this.code = code;
  }

  get isEmpty(): boolean {
    return this.bucket === undefined && this.children === undefined;
  }

  /** The node for `key` (read backwards when `reversed`), created as needed. */
  descend(key: string, reversed: boolean): TrieNode {
    let node: TrieNode = this;
    for (let i = 0; i < key.length; i++) {
      const code = key.charCodeAt(reversed ? key.length - 1 - i : i);
      node.children ??= new Map();
      let next = node.children.get(code);
      if (next === undefined) {
        next = new TrieNode(node, code);
        node.children.set(code, next);
      }
      node = next;
    }
    return node;
  }

  /** Drops this node and its ancestors while they hold neither a bucket nor children. */
  prune(): void {
    let node: TrieNode = this;
    while (node.isEmpty && node.parent !== undefined) {
      const parent: TrieNode = node.parent;
      parent.children?.delete(node.code);
      if (parent.children?.size === 0) parent.children = undefined;
      node = parent;
    }
  }
}
