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
import { BusyGauge } from "./busy-gauge.js";
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
   * A fixed wait before every commit starts, to gather more appends into one fsync (0: none).
   * Unset (the default), the wait adapts: none while the process is idle — a commit starts at the
   * next turn of the event loop, and appends arriving during its fsync form the next batch — and
   * `busyCommitMs` while its event loop is busy.
   */
  readonly groupCommitMs?: number;
  /** Without `groupCommitMs`: the wait before a commit while the event loop is busy. Default 2 ms. */
  readonly busyCommitMs?: number;
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
  /** Internal seam: what says the process is busy (default: its event-loop utilisation). */
  readonly busyGauge?: Pick<BusyGauge, "busy">;
}

const MIB = 1024 * 1024;

/**
 * The wait before a commit while the process is busy. Every commit costs the process a `write`, an
 * `fdatasync` handed to libuv's pool and its completion, and wakes the subscribers' deliveries for
 * its batch; with none, a store commits as often as its disk syncs (~650–800 times a second
 * here), however few events each commit carries. On a 2-vCPU guest where crossing into the kernel
 * is dear (`getppid` 1.3 µs), 2 ms cut the broker's CPU per 1 KB event by 20–25% at 2,500 and
 * 4,600 ev/s (fewer, larger batches; the sink's and the generator's CPU fell too) and lowered the
 * e2e p99 there, for 1.5–2 ms more at the median. While idle the wait would be pure latency, so
 * none is added then (BusyGauge).
 */
export const BUSY_COMMIT_MS = 2;

/**
 * The embedded durable backend (the default): a segmented append-only log per broker on local
 * disk, with group commit. append() resolves only once its events are fsynced.
 */
export function createEmbeddedBackend(options: EmbeddedBackendOptions): BrokerBackend {
  const config = validate(options);
  const logger = options.logger ?? silentLogger;
  const fsys = options.fileSystem ?? nodeFileSystem;
  const fixed = config.groupCommitMs;
  const gauge = options.busyGauge ?? new BusyGauge();
  const commitDelay = fixed !== undefined ? () => fixed : () => (gauge.busy() ? config.busyCommitMs : 0);
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
          commitDelay,
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
    groupCommitMs:
      options.groupCommitMs === undefined ? undefined : check("groupCommitMs", options.groupCommitMs, 0, 0),
    busyCommitMs: check("busyCommitMs", options.busyCommitMs, BUSY_COMMIT_MS, 0),
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
