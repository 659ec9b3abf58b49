import { type CloudEvent, isSluiceError, SluiceError } from "@sluice/core";
import { Bucket, type IndexEntry } from "./bucket.js";
import { compileTriggerFilter, type TriggerFilterInput } from "./compile.js";
import { KeyFilter } from "./key-filter.js";
import type { Atom, Attributes } from "./node.js";
import { type RadixNode, RadixTree } from "./radix-tree.js";
import { chooseRequirement } from "./requirements.js";

/**
 * All triggers of one broker compiled into one matcher. The cost of match() depends on the event
 * and on the triggers whose indexed condition the event meets, not on the others.
 */
export interface TriggerIndex {
  /** Appends the ids of all matching triggers to `out` (no allocation per trigger; each id at most once). */
  match(event: CloudEvent, out: string[]): void;
  /**
   * Compiles and indexes a trigger, replacing the one with the same id. Cost is proportional to
   * that trigger's filter, not to the index size. Throws a SluiceError (FilterErrors, with
   * `details.trigger`) on an invalid filter, leaving the index unchanged.
   */
  add(trigger: TriggerFilterInput): void;
  /** Removes a trigger; unknown ids are ignored. Cost is proportional to that trigger's filter. */
  remove(id: string): void;
  readonly size: number;
}

export function createTriggerIndex(triggers: readonly TriggerFilterInput[] = []): TriggerIndex {
  const index = new IndexedTriggers();
  for (const trigger of triggers) index.add(trigger);
  return index;
}

/** The indexed conditions on one attribute name. */
interface AttributeSlot {
  readonly name: string;
  readonly exact: Map<string, Bucket>;
  /** Read before `exact`: most values an event carries are no key of a large map. */
  readonly exactKeys: KeyFilter;
  readonly prefixes: RadixTree;
  readonly suffixes: RadixTree;
  present: Bucket | undefined;
  /** Position in the slot list, for O(1) removal. */
  position: number;
}

class IndexedTriggers implements TriggerIndex {
  readonly #entries = new Map<string, IndexEntry>();
  readonly #slots = new Map<string, AttributeSlot>();
  readonly #slotList: AttributeSlot[] = [];
  /** Triggers without an indexable necessary condition: evaluated for every event. */
  readonly #residual = new Bucket();
  #epoch = 0;
  // State of the current match() for #visitAttribute, which attributes.forEach calls: keeping it
  // here lets one callback, bound once, serve every event.
  #attributes: Attributes = new Map();
  #out: string[] = [];
  readonly #visitAttribute = (value: string, name: string): void => {
    const slot = this.#slots.get(name);
    if (slot !== undefined) visitSlot(slot, value, this.#attributes, this.#epoch, this.#out);
  };

  get size(): number {
    return this.#entries.size;
  }

  match(event: CloudEvent, out: string[]): void {
    const attributes = event.attributes;
    const epoch = ++this.#epoch;
    const slots = this.#slotList;
    // Walk whichever is shorter: the indexed attribute names or the event's attributes.
    if (slots.length <= attributes.size) {
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i]!;
        const value = attributes.get(slot.name);
        if (value !== undefined) visitSlot(slot, value, attributes, epoch, out);
      }
    } else {
      this.#attributes = attributes;
      this.#out = out;
      attributes.forEach(this.#visitAttribute);
      this.#attributes = EMPTY;
      this.#out = [];
    }
    if (this.#residual.items.length > 0) visit(this.#residual, attributes, epoch, out);
  }

  add(trigger: TriggerFilterInput): void {
    const node = compileFor(trigger);
    this.remove(trigger.id);
    const entry: IndexEntry = { id: trigger.id, test: node.test, seen: 0, registrations: [] };
    this.#entries.set(trigger.id, entry);
    const requirement = chooseRequirement(node.requirements);
    if (requirement === undefined) {
      this.#residual.add(entry);
      return;
    }
    for (const atom of requirement) this.#bucketFor(atom).add(entry);
  }

  remove(id: string): void {
    const entry = this.#entries.get(id);
    if (entry === undefined) return;
    this.#entries.delete(id);
    for (const registration of entry.registrations) registration.bucket.remove(registration);
    entry.registrations.length = 0;
  }

  #bucketFor(atom: Atom): Bucket {
    const slot = this.#slotFor(atom.attribute);
    switch (atom.kind) {
      case "exact": {
        let bucket = slot.exact.get(atom.value);
        if (bucket === undefined) {
          bucket = new Bucket(() => {
            slot.exact.delete(atom.value);
            slot.exactKeys.removed();
            this.#releaseSlot(slot);
          });
          slot.exact.set(atom.value, bucket);
          slot.exactKeys.added(atom.value);
        }
        return bucket;
      }
      case "prefix":
        return this.#treeBucket(slot, slot.prefixes, atom.value);
      case "suffix":
        return this.#treeBucket(slot, slot.suffixes, atom.value);
      case "present":
        slot.present ??= new Bucket(() => {
          slot.present = undefined;
          this.#releaseSlot(slot);
        });
        return slot.present;
    }
  }

  #treeBucket(slot: AttributeSlot, tree: RadixTree, key: string): Bucket {
    const node = tree.insert(key);
    node.bucket ??= new Bucket(() => {
      node.bucket = undefined;
      tree.prune(node);
      this.#releaseSlot(slot);
    });
    return node.bucket;
  }

  #slotFor(name: string): AttributeSlot {
    let slot = this.#slots.get(name);
    if (slot === undefined) {
      const exact = new Map<string, Bucket>();
      slot = {
        name,
        exact,
        exactKeys: new KeyFilter(() => exact.keys()),
        prefixes: new RadixTree(false),
        suffixes: new RadixTree(true),
        present: undefined,
        position: this.#slotList.length,
      };
      this.#slots.set(name, slot);
      this.#slotList.push(slot);
    }
    return slot;
  }

  /** Drops a slot that no longer indexes anything, so match() stops looking at its attribute. */
  #releaseSlot(slot: AttributeSlot): void {
    const empty =
      slot.exact.size === 0 && slot.prefixes.isEmpty && slot.suffixes.isEmpty && slot.present === undefined;
    if (!empty || this.#slots.get(slot.name) !== slot) return;
    this.#slots.delete(slot.name);
    const last = this.#slotList.pop()!;
    if (last !== slot) {
      this.#slotList[slot.position] = last;
      last.position = slot.position;
    }
  }
}

const EMPTY: Attributes = new Map();

function visitSlot(
  slot: AttributeSlot,
  value: string,
  attributes: Attributes,
  epoch: number,
  out: string[],
): void {
  if (slot.exact.size > 0 && slot.exactKeys.mayHave(value)) {
    const bucket = slot.exact.get(value);
    if (bucket !== undefined) visit(bucket, attributes, epoch, out);
  }
  const prefixes = slot.prefixes.root;
  if (prefixes.children !== undefined) walkPrefixes(prefixes, value, attributes, epoch, out);
  const suffixes = slot.suffixes.root;
  if (suffixes.children !== undefined) walkSuffixes(suffixes, value, attributes, epoch, out);
  // Legacy "" means present and non-empty; the trigger's own test checks non-empty.
  if (slot.present !== undefined) visit(slot.present, attributes, epoch, out);
}

/** Visits the bucket of every indexed prefix of `value`. */
function walkPrefixes(
  root: RadixNode,
  value: string,
  attributes: Attributes,
  epoch: number,
  out: string[],
): void {
  let node = root;
  let pos = 0;
  for (;;) {
    if (node.bucket !== undefined) visit(node.bucket, attributes, epoch, out);
    if (node.children === undefined || pos >= value.length) return;
    const child = node.children.get(value.charCodeAt(pos));
    if (child === undefined) return;
    // The map key matched the edge's first character; try its last before comparing it all.
    const text = child.text;
    const last = pos + text.length - 1;
    if (last >= value.length || value.charCodeAt(last) !== text.charCodeAt(text.length - 1)) return;
    if (text.length > 2 && !value.startsWith(text, pos)) return;
    pos = last + 1;
    node = child;
  }
}

/** Visits the bucket of every indexed suffix of `value`, reading it from the end. */
function walkSuffixes(
  root: RadixNode,
  value: string,
  attributes: Attributes,
  epoch: number,
  out: string[],
): void {
  let node = root;
  let end = value.length;
  for (;;) {
    if (node.bucket !== undefined) visit(node.bucket, attributes, epoch, out);
    if (node.children === undefined || end <= 0) return;
    const child = node.children.get(value.charCodeAt(end - 1));
    if (child === undefined) return;
    // The map key matched the edge's last character; try its first before comparing it all.
    const text = child.text;
    const first = end - text.length;
    if (first < 0 || value.charCodeAt(first) !== text.charCodeAt(0)) return;
    if (text.length > 2 && !value.endsWith(text, end)) return;
    end = first;
    node = child;
  }
}

/** Evaluates each trigger of a bucket not yet evaluated for this event (`seen` is the epoch stamp). */
function visit(bucket: Bucket, attributes: Attributes, epoch: number, out: string[]): void {
  const items = bucket.items;
  for (let i = 0; i < items.length; i++) {
    const entry = items[i]!.entry;
    if (entry.seen === epoch) continue;
    entry.seen = epoch;
    if (entry.test(attributes)) out.push(entry.id);
  }
}

/** Compiles a trigger's filter, naming the trigger in the error. */
function compileFor(trigger: TriggerFilterInput) {
  try {
    return compileTriggerFilter(trigger);
  } catch (error) {
    if (!isSluiceError(error)) throw error;
    throw new SluiceError(error.code, `trigger ${trigger.id}: ${error.message}`, {
      details: { ...error.details, trigger: trigger.id },
      cause: error,
    });
  }
}
