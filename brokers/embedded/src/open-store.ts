import { join } from "node:path";
import {
  type BrokerStoreOptions,
  CoreErrors,
  isSluiceError,
  type Logger,
  type ResourceKey,
  resourceId,
  SluiceError,
} from "@sluice/core";
import { AckJournal, type RecoveredProgress } from "./ack-journal.js";
import { DeadLetterStore } from "./dead-letter-store.js";
import { EmbeddedStore, type StoreSettings } from "./embedded-store.js";
import type { FileSystem } from "./file-system.js";
import { acquireLock, type DirectoryLock } from "./lock-file.js";
import type { LogRecord } from "./log-record.js";
import { readEventEnvelope } from "./record-codec.js";
import { RouteRegistry } from "./route-registry.js";
import { SegmentLog } from "./segment-log.js";

export interface OpenStoreOptions {
  readonly key: ResourceKey;
  readonly dir: string;
  readonly fs: FileSystem;
  readonly logger: Logger;
  readonly segmentBytes: number;
  readonly settings: StoreSettings;
  readonly onCommit: BrokerStoreOptions["onCommit"];
  readonly onClose: () => void;
}

/**
 * Opens a broker's directory and recovers it: registry, ack journal, dead letters, then every
 * segment, in order. A delivery is pending again when its route is in the record, the record is
 * after the journal's checkpoint or listed in it, and no ack or drop recorded since covers it.
 * Finished segments are deleted and a fresh checkpoint compacts the journal before use.
 */
export async function openStore(options: OpenStoreOptions): Promise<EmbeddedStore> {
  const { fs: fsys, dir, logger } = options;
  const opened: { close(): Promise<void> }[] = [];
  let lock: DirectoryLock | undefined;
  try {
    await fsys.mkdir(join(dir, "log"));
    lock = await acquireLock(dir);
    const registry = await RouteRegistry.open(fsys, dir, logger);
    opened.push(registry);
    const { journal, progress } = await AckJournal.open(fsys, dir, logger);
    opened.push(journal);
    const deadLetters = await DeadLetterStore.open(fsys, dir, logger);
    opened.push(deadLetters);
    const store = new EmbeddedStore({ ...options, lock, registry, journal, deadLetters });
    const { log, lastSeq } = await SegmentLog.open(
      fsys,
      join(dir, "log"),
      options.segmentBytes,
      logger,
      (segment, head, body, offset, frameBytes) => {
        const routes = pendingRoutes(head.seq, head.routes, progress);
        if (routes.length === 0) return;
        const record: LogRecord = {
          seq: head.seq,
          envelope: undefined,
          bytes: frameBytes,
          remaining: 0,
          holders: 0,
          behind: 0,
          segment,
          offset,
          frameBytes,
        };
        store.adopt(record, routes, () => readEventEnvelope(body, head.envelopeAt));
      },
    );
    opened.push(log);
    await store.start(log, Math.max(lastSeq, progress.checkpointSeq));
    const stats = store.stats();
    if (stats.pendingEvents > 0)
      logger.info("recovered pending events", { ...stats, segments: log.segmentCount });
    return store;
  } catch (error) {
    for (const part of opened.reverse()) await part.close().catch(() => {});
    await lock?.release();
    if (isSluiceError(error)) throw error;
    throw new SluiceError(
      CoreErrors.BACKEND_UNAVAILABLE,
      `broker ${resourceId(options.key)}: could not open its store in ${dir}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function pendingRoutes(seq: number, routes: readonly number[], progress: RecoveredProgress): number[] {
  const out: number[] = [];
  for (const route of routes) {
    if ((progress.drops.get(route) ?? 0) >= seq) continue;
    if (seq <= progress.checkpointSeq && progress.pending.get(route)?.has(seq) !== true) continue;
    if (progress.acked.get(route)?.has(seq) === true) continue;
    out.push(route);
  }
  return out;
}
