/**
 * A bit set that says whether a string may be one of a large set of keys, read before the set's
 * own Map. A Map of thousands of keys lives mostly outside the CPU caches, so a lookup that misses
 * costs several memory reads (the bucket, each entry of its chain, each candidate key's hash); the
 * bits take 2 bytes per key and one read. Most lookups in a broker with many exact-match triggers
 * miss (an event is meant for few of them), so those become a hash of the value and one read.
 *
 * No false negatives: every key added since the last rebuild has its bit set. False positives
 * (about 1 in 16 at the fullest) only cost the Map lookup the filter was there to avoid. Below
 * MIN_KEYS the Map is small enough to stay cached and the filter answers "maybe" without hashing.
 */
export class KeyFilter {
  #bits: Uint32Array | undefined;
  #mask = 0;
  #keys = 0;
  /** Keys removed since the last rebuild whose bits are still set. */
  #stale = 0;
  readonly #source: () => Iterable<string>;

  /** `source` lists the current keys, for a rebuild (the owner's Map keys). */
  constructor(source: () => Iterable<string>) {
    this.#source = source;
  }

  /** False only when `value` is certainly not a key. */
  mayHave(value: string): boolean {
    const bits = this.#bits;
    if (bits === undefined) return true;
    const bit = hash(value) & this.#mask;
    return (bits[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  /** Call after the key joined the source. */
  added(key: string): void {
    this.#keys += 1;
    const bits = this.#bits;
    if (bits === undefined ? this.#keys >= MIN_KEYS : this.#keys * BITS_PER_KEY > bits.length * 32 * 2) {
      this.#rebuild();
    } else if (bits !== undefined) {
      set(bits, hash(key) & this.#mask);
    }
  }

  /** Call after the key left the source. Its bit stays set until enough removals call for a rebuild. */
  removed(): void {
    this.#keys -= 1;
    if (this.#bits === undefined) return;
    this.#stale += 1;
    if (this.#keys < MIN_KEYS / 2 || this.#stale > this.#keys) this.#rebuild();
  }

  #rebuild(): void {
    this.#stale = 0;
    if (this.#keys < MIN_KEYS / 2) {
      this.#bits = undefined;
      this.#mask = 0;
      return;
    }
    let size = 1 << 12;
    while (size < this.#keys * BITS_PER_KEY) size *= 2;
    const bits = new Uint32Array(size / 32);
    this.#mask = size - 1;
    for (const key of this.#source()) set(bits, hash(key) & this.#mask);
    this.#bits = bits;
  }
}

/** Below this many keys, no filter (hysteresis: dropped again below half of it). */
export const MIN_KEYS = 256;
/** Bits per key after a rebuild (16: ~6% false positives); at 8 per key (~12%), a rebuild doubles them. */
const BITS_PER_KEY = 16;
const HASHED_ENDS = 32;

function set(bits: Uint32Array, bit: number): void {
  bits[bit >>> 5]! |= 1 << (bit & 31);
}

/**
 * FNV-1a over the UTF-16 code units (of a long value, its length and its first and last
 * HASHED_ENDS units: values sharing those only cost a false positive), then a final mix so the
 * low bits depend on every unit.
 */
function hash(value: string): number {
  const length = value.length;
  let h = 0x811c9dc5 ^ length;
  if (length <= 2 * HASHED_ENDS) {
    for (let i = 0; i < length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  } else {
    for (let i = 0; i < HASHED_ENDS; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
    for (let i = length - HASHED_ENDS; i < length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}
