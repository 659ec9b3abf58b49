import { createEmbeddedBackend } from "@sluice/broker-embedded";
import { createMemoryBackend } from "@sluice/broker-memory";
import type { BrokerBackend, BrokerResource, Logger, SourcePlugin } from "@sluice/core";
import { httpSourcePlugin } from "@sluice/source-http";
import { pingSourcePlugin } from "@sluice/source-ping";
import { processSourcePlugin } from "@sluice/source-process";

/**
 * The one place that knows every concrete plugin: broker backends by Knative broker class, and
 * source kinds. Adding a backend or a source means adding it here (and to package.json).
 */
export const SOURCE_PLUGINS: readonly SourcePlugin[] = [
  pingSourcePlugin,
  httpSourcePlugin,
  processSourcePlugin,
];

export type StorageKind = "embedded" | "memory";

/** Broker class annotation value → backend name, for the classes this build can run. */
export function brokerClasses(storage: StorageKind): ReadonlyMap<string, string> {
  return new Map([["MTChannelBasedBroker", storage]]);
}

export interface Backends {
  backendFor(broker: BrokerResource): BrokerBackend;
  close(): Promise<void>;
}

/** Creates backends lazily, one per kind, the first time a broker needs it. */
export function createBackends(options: { storage: StorageKind; dataDir: string; logger: Logger }): Backends {
  const created = new Map<string, BrokerBackend>();
  const classes = brokerClasses(options.storage);
  return {
    backendFor(broker) {
      const kind = classes.get(broker.brokerClass) ?? options.storage;
      let backend = created.get(kind);
      if (backend === undefined) {
        backend =
          kind === "memory"
            ? createMemoryBackend()
            : createEmbeddedBackend({
                dataDir: options.dataDir,
                logger: options.logger.child({ backend: "embedded" }),
              });
        created.set(kind, backend);
      }
      return backend;
    },
    async close() {
      await Promise.all([...created.values()].map((b) => b.close()));
    },
  };
}
