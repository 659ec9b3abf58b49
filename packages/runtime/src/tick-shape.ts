import { createHook } from "node:async_hooks";

/**
 * Keeps one of Node's own `process.nextTick` queue entries alive for the life of the process, so
 * the hidden class (V8 map) of those entries is never collected.
 *
 * Why: `nextTick` builds each entry with an object literal whose first two keys are computed
 * (`{ [async_id_symbol]: …, [trigger_async_id_symbol]: …, callback, args }`). V8 caches the map
 * such a literal starts from only weakly, so a major GC that runs while no entry is alive drops it
 * and the next entry gets a new one. The store that defines the computed keys sees each new map as
 * another receiver; after a handful of major GCs its feedback is megamorphic for good, and the
 * optimised `nextTick` calls into the runtime (`Runtime_DefineKeyedOwnPropertyInLiteral`, map
 * transitions) for every entry. A broker that starts with thousands of triggers runs several
 * major GCs while loading them, and an HTTP request costs several `nextTick`s: measured with
 * `perf` on `sluice run` with 10,000 triggers at 10,000 events/s, that slow path took ~2–3.5% of
 * the broker's CPU, and none with this pin (docs/benchmarks.md). One live entry holds its map and,
 * through the maps' back pointers, every map on the way to it.
 *
 * Idempotent and cheap: one entry, captured by an async hook enabled for one `nextTick` call.
 * Call it before loading resources (the runtime does, when it is created).
 */
export function pinTickObjectShape(): void {
  if (pinned !== undefined) return;
  const hook = createHook({
    init(_id, type, _trigger, resource) {
      if (type === "TickObject") pinned ??= resource;
    },
  });
  hook.enable();
  try {
    process.nextTick(noop);
  } finally {
    hook.disable();
  }
}

/** The pinned entry (undefined until pinned; also read by its test). */
export function pinnedTickObject(): object | undefined {
  return pinned;
}

let pinned: object | undefined;

function noop(): void {}
