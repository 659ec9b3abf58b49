import { join } from "node:path";
import {
  type BrokerBackend,
  type BrokerStore,
  type BrokerStoreOptions,
  CoreErrors,
  type Logger,
  type ResourceKey,
  resourceId,
  SluiceError,
  silentLogger,
} from "@sluice/core";
import type { EmbeddedStore } from "./embedded-store.js";
import { EmbeddedBrokerErrors } from "./errors.js";
import { type FileSystem, nodeFileSystem } from "./file-system.js";
import { openStore } from "./open-store.js";

export interface EmbeddedBackendOptions {
  /** Root of all stores; each broker gets `<dataDir>/brokers/<namespace>/<name>/`. */
  readonly dataDir: string;
  readonly logger?: Logger;
  /** A segment file is closed for appends once it reaches this size. Default 64 MiB. */
  readonly segmentBytes?: number;
  /**
   * Extra wait before a commit starts, to gather more appends into one fsync. Default 0: a commit
   * starts at the next turn of the event loop, and appends arriving during its fsync form the
   * next batch, which is enough batching under concurrent load without adding latency when idle.
   */
  readonly groupCommitMs?: number;
  /** Bytes of event bodies each store keeps in memory; older backlog is read back from disk. Default 64 MiB. */
  readonly cacheBytes?: number;
  /** The ack journal is compacted once it grows past this (or twice its last checkpoint). Default 4 MiB. */
  readonly ackJournalBytes?: number;
  /** Default bound for stores whose open() sets none. */
  readonly maxPendingEvents?: number;
  /** Default bound (encoded bytes of pending events) for stores whose open() sets none. */
  readonly maxPendingBytes?: number;
  /** Internal seam: the file operations, so tests can inject disk errors. */
  readonly fileSystem?: FileSystem;
}

const MIB = 1024 * 1024;

/**
 * The embedded durable backend (the default): a segmented append-only log per broker on local
 * disk, with group commit. append() resolves only once its events are fsynced.
 */
export function createEmbeddedBackend(options: EmbeddedBackendOptions): BrokerBackend {
  const config = validate(options);
  const logger = options.logger ?? silentLogger;
  const fsys = options.fileSystem ?? nodeFileSystem;
  const stores = new Map<string, Promise<EmbeddedStore>>();
  let closed = false;
  return {
    kind: "embedded",
    durable: true,
    open(key: ResourceKey, storeOptions: BrokerStoreOptions = {}): Promise<BrokerStore> {
      const id = resourceId(key);
      if (closed) return Promise.reject(new SluiceError(CoreErrors.CLOSED, "the embedded backend is closed"));
      if (stores.has(id)) {
        return Promise.reject(
          new SluiceError(EmbeddedBrokerErrors.ALREADY_OPEN, `broker ${id}: its store is already open`),
        );
      }
      let dir: string;
      try {
        dir = join(options.dataDir, "brokers", safeSegment(key.namespace), safeSegment(key.name));
      } catch (error) {
        return Promise.reject(error);
      }
      const opening = openStore({
        key: { namespace: key.namespace, name: key.name },
        dir,
        fs: fsys,
        logger: (storeOptions.logger ?? logger).child({ store: "embedded", broker: id }),
        segmentBytes: config.segmentBytes,
        settings: {
          maxPendingEvents:
            storeOptions.maxPendingEvents ?? options.maxPendingEvents ?? Number.POSITIVE_INFINITY,
          maxPendingBytes:
            storeOptions.maxPendingBytes ?? options.maxPendingBytes ?? Number.POSITIVE_INFINITY,
          cacheBytes: config.cacheBytes,
          groupCommitMs: config.groupCommitMs,
          ackJournalBytes: config.ackJournalBytes,
        },
        onCommit: storeOptions.onCommit,
        onClose: () => stores.delete(id),
      });
      stores.set(id, opening);
      opening.catch(() => stores.delete(id));
      return opening;
    },
    async close(): Promise<void> {
      closed = true;
      const opened = await Promise.allSettled(stores.values());
      await Promise.all(
        opened.map((result) => (result.status === "fulfilled" ? result.value.close() : undefined)),
      );
    },
  };
}

function validate(options: EmbeddedBackendOptions) {
  const check = (name: string, value: number | undefined, fallback: number, min: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isFinite(value) || value < min) {
      throw new SluiceError(
        EmbeddedBrokerErrors.INVALID_OPTIONS,
        `${name} must be a number >= ${min}, got ${value}`,
      );
    }
    return value;
  };
  if (typeof options.dataDir !== "string" || options.dataDir === "") {
    throw new SluiceError(EmbeddedBrokerErrors.INVALID_OPTIONS, "dataDir is required");
  }
  return {
    segmentBytes: check("segmentBytes", options.segmentBytes, 64 * MIB, 4096),
    groupCommitMs: check("groupCommitMs", options.groupCommitMs, 0, 0),
    cacheBytes: check("cacheBytes", options.cacheBytes, 64 * MIB, 0),
    ackJournalBytes: check("ackJournalBytes", options.ackJournalBytes, 4 * MIB, 1024),
  };
}

/** Resource names are DNS labels in practice; refuse anything that could leave the data dir. */
function safeSegment(name: string): string {
  if (name === "" || name === "." || name === ".." || /[/\\\0]/.test(name)) {
    throw new SluiceError(
      EmbeddedBrokerErrors.INVALID_OPTIONS,
      `${JSON.stringify(name)} cannot name a store directory`,
    );
  }
  return name;
}
