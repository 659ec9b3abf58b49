import type { Bucket } from "./bucket.js";

/**
 * A radix tree (path-compressed trie) of prefixes, or of suffixes read backwards. Walking it along
 * an event's value reaches the bucket of every indexed prefix (suffix) of that value in at most
 * value.length character comparisons, without allocating, however many keys are indexed; the walk
 * stops where the tree stops matching. Edges compare with native `startsWith`/`endsWith`.
 */
export class RadixNode {
  /** The edge from the parent, in walk order (reversed for suffixes). */
  label: string;
  /** The same characters in the event's order, for startsWith/endsWith. */
  text: string;
  children: Map<number, RadixNode> | undefined = undefined;
  bucket: Bucket | undefined = undefined;
  parent: RadixNode | undefined;

  constructor(label: string, text: string, parent: RadixNode | undefined) {
    this.label = label;
    this.text = text;
    this.parent = parent;
  }
}

export class RadixTree {
  readonly root = new RadixNode("", "", undefined);
  readonly #suffixes: boolean;

  /** `suffixes`: keys are matched at the end of values instead of the start. */
  constructor(suffixes: boolean) {
    this.#suffixes = suffixes;
  }

  get isEmpty(): boolean {
    return this.root.children === undefined && this.root.bucket === undefined;
  }

  /** The node of `key`, created (splitting an edge if needed) when absent. */
  insert(key: string): RadixNode {
    const walk = this.#suffixes ? reverse(key) : key;
    let node = this.root;
    let pos = 0;
    while (pos < walk.length) {
      node.children ??= new Map();
      const code = walk.charCodeAt(pos);
      const child = node.children.get(code);
      if (child === undefined) {
        const leaf = this.#node(walk.slice(pos), node);
        node.children.set(code, leaf);
        return leaf;
      }
      const common = commonLength(child.label, walk, pos);
      if (common < child.label.length) this.#split(child, common);
      node = node.children.get(code)!;
      pos += common;
    }
    return node;
  }

  /** Drops `node` and bucket-less ancestors without children; re-joins edges left with one child. */
  prune(node: RadixNode): void {
    while (node.parent !== undefined && node.bucket === undefined && node.children === undefined) {
      const parent: RadixNode = node.parent;
      parent.children!.delete(node.label.charCodeAt(0));
      if (parent.children!.size === 0) parent.children = undefined;
      node = parent;
    }
    if (node.parent !== undefined && node.bucket === undefined && node.children?.size === 1) this.#join(node);
  }

  /** Cuts the edge into `child` after `at` characters, inserting a node there. */
  #split(child: RadixNode, at: number): void {
    const parent = child.parent!;
    const middle = this.#node(child.label.slice(0, at), parent);
    parent.children!.set(middle.label.charCodeAt(0), middle);
    this.#relabel(child, child.label.slice(at));
    child.parent = middle;
    middle.children = new Map([[child.label.charCodeAt(0), child]]);
  }

  /** Merges a bucket-less node with its only child. */
  #join(node: RadixNode): void {
    const [child] = node.children!.values();
    const parent = node.parent!;
    this.#relabel(child!, node.label + child!.label);
    child!.parent = parent;
    parent.children!.set(node.label.charCodeAt(0), child!);
  }

  #node(label: string, parent: RadixNode): RadixNode {
    return new RadixNode(label, this.#suffixes ? reverse(label) : label, parent);
  }

  #relabel(node: RadixNode, label: string): void {
    node.label = label;
    node.text = this.#suffixes ? reverse(label) : label;
  }
}

/** Reverses UTF-16 code units (not code points): walks compare code units, so that is consistent. */
function reverse(value: string): string {
  let out = "";
  for (let i = value.length - 1; i >= 0; i--) out += value[i];
  return out;
}

function commonLength(label: string, key: string, from: number): number {
  let n = 0;
  while (n < label.length && from + n < key.length && label.charCodeAt(n) === key.charCodeAt(from + n)) n++;
  return n;
}
