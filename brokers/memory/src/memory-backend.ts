import {
  type BrokerBackend,
  type BrokerStore,
  type BrokerStoreOptions,
  type ResourceKey,
  resourceId,
  SluiceError,
} from "@sluice/core";
import { MemoryBrokerErrors } from "./errors.js";
import { MemoryStore } from "./memory-store.js";

export interface MemoryBackendOptions {
  /** Default bound for stores whose open() sets none. */
  readonly maxPendingEvents?: number;
  /** Default bound for stores whose open() sets none. */
  readonly maxPendingBytes?: number;
}

/**
 * The in-memory backend: events live in this process only, so it is not durable. It is the
 * reference implementation of the BrokerBackend contract and the fake other packages test with.
 */
export function createMemoryBackend(options: MemoryBackendOptions = {}): BrokerBackend {
  const stores = new Map<string, MemoryStore>();
  return {
    kind: "memory",
    durable: false,
    open(key: ResourceKey, storeOptions: BrokerStoreOptions = {}): Promise<BrokerStore> {
      const id = resourceId(key);
      if (stores.has(id)) {
        return Promise.reject(
          new SluiceError(MemoryBrokerErrors.ALREADY_OPEN, `broker ${id}: its store is already open`),
        );
      }
      const bounds: BrokerStoreOptions = {
        ...pick("maxPendingEvents", storeOptions.maxPendingEvents ?? options.maxPendingEvents),
        ...pick("maxPendingBytes", storeOptions.maxPendingBytes ?? options.maxPendingBytes),
      };
      const store = new MemoryStore({ namespace: key.namespace, name: key.name }, bounds, () =>
        stores.delete(id),
      );
      stores.set(id, store);
      return Promise.resolve(store);
    },
    async close(): Promise<void> {
      await Promise.all([...stores.values()].map((store) => store.close()));
    },
  };
}

function pick<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}
