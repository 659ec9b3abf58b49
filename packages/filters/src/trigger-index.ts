import { type CloudEvent, isSluiceError, SluiceError } from "@sluice/core";
import { Bucket, type IndexEntry } from "./bucket.js";
import { compileTriggerFilter, type TriggerFilterInput } from "./compile.js";
import type { Atom, Attributes } from "./node.js";
import { chooseRequirement } from "./requirements.js";
import { TrieNode } from "./trie.js";

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
  readonly prefixes: TrieNode;
  /** Keyed by the reversed suffix, walked from the end of the value. */
  readonly suffixes: TrieNode;
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
    if (slot !== undefined) this.#visitSlot(slot, value);
  };

  get size(): number {
    return this.#entries.size;
  }

  match(event: CloudEvent, out: string[]): void {
    const attributes = event.attributes;
    this.#epoch++;
    this.#attributes = attributes;
    this.#out = out;
    const slots = this.#slotList;
    // Walk whichever is shorter: the indexed attribute names or the event's attributes.
    if (slots.length <= attributes.size) {
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i]!;
        const value = attributes.get(slot.name);
        if (value !== undefined) this.#visitSlot(slot, value);
      }
    } else {
      attributes.forEach(this.#visitAttribute);
    }
    this.#visit(this.#residual);
    this.#attributes = EMPTY;
    this.#out = [];
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

  #visitSlot(slot: AttributeSlot, value: string): void {
    if (slot.exact.size > 0) {
      const bucket = slot.exact.get(value);
      if (bucket !== undefined) this.#visit(bucket);
    }
    if (slot.prefixes.children !== undefined) this.#walk(slot.prefixes, value, false);
    if (slot.suffixes.children !== undefined) this.#walk(slot.suffixes, value, true);
    // Legacy "" means present and non-empty; the trigger's own test checks non-empty.
    if (slot.present !== undefined) this.#visit(slot.present);
  }

  /** Visits the bucket of every indexed prefix (or suffix, `reversed`) of `value`. */
  #walk(root: TrieNode, value: string, reversed: boolean): void {
    const length = value.length;
    let node: TrieNode = root;
    for (let i = 0; ; i++) {
      if (node.bucket !== undefined) this.#visit(node.bucket);
      if (i === length || node.children === undefined) return;
      const next = node.children.get(value.charCodeAt(reversed ? length - 1 - i : i));
      if (next === undefined) return;
      node = next;
    }
  }

  /** Evaluates each trigger of a bucket not yet evaluated for this event. */
  #visit(bucket: Bucket): void {
    const items = bucket.items;
    const epoch = this.#epoch;
    const attributes = this.#attributes;
    for (let i = 0; i < items.length; i++) {
      const entry = items[i]!.entry;
      if (entry.seen === epoch) continue;
      entry.seen = epoch;
      if (entry.test(attributes)) this.#out.push(entry.id);
    }
  }

  #bucketFor(atom: Atom): Bucket {
    const slot = this.#slotFor(atom.attribute);
    switch (atom.kind) {
      case "exact": {
        let bucket = slot.exact.get(atom.value);
        if (bucket === undefined) {
          bucket = new Bucket(() => {
            slot.exact.delete(atom.value);
            this.#releaseSlot(slot);
          });
          slot.exact.set(atom.value, bucket);
        }
        return bucket;
      }
      case "prefix":
        return this.#trieBucket(slot, slot.prefixes.descend(atom.value, false));
      case "suffix":
        return this.#trieBucket(slot, slot.suffixes.descend(atom.value, true));
      case "present":
        slot.present ??= new Bucket(() => {
          slot.present = undefined;
          this.#releaseSlot(slot);
        });
        return slot.present;
    }
  }

  #trieBucket(slot: AttributeSlot, node: TrieNode): Bucket {
    node.bucket ??= new Bucket(() => {
      node.bucket = undefined;
      node.prune();
      this.#releaseSlot(slot);
    });
    return node.bucket;
  }

  #slotFor(name: string): AttributeSlot {
    let slot = this.#slots.get(name);
    if (slot === undefined) {
      slot = {
        name,
        exact: new Map(),
        prefixes: new TrieNode(),
        suffixes: new TrieNode(),
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
