import { join } from "node:path";
import { type DeadLetterRecord, type ResourceKey, resourceId, SluiceError } from "@sluice/core";
import { emptyDeadLetterFile, readDeadLetterFile } from "./dead-letter-store.js";
import { EmbeddedBrokerErrors } from "./errors.js";
import { errorCode, type FileSystem, nodeFileSystem } from "./file-system.js";
import { acquireLock, type DirectoryLock } from "./lock-file.js";

export interface DeadLetterListing {
  /** The broker, as `namespace/name`. */
  readonly broker: string;
  readonly record: DeadLetterRecord;
}

export interface ListDeadLettersOptions {
  /** Only this broker's records. */
  readonly broker?: ResourceKey;
  /** Where a broker's listing stopped early (a torn or damaged tail), for people. */
  readonly onProblem?: (broker: string, problem: string) => void;
  readonly fs?: FileSystem;
}

/**
 * The durable dead-letter stores of the embedded brokers under `dataDir`
 * (`<dataDir>/brokers/<namespace>/<name>/dead-letters`), broker by broker, oldest record first.
 * Read-only and without the stores' lock, so it can run beside the `sluice run` that writes them.
 */
export async function* listDeadLetters(
  dataDir: string,
  options: ListDeadLettersOptions = {},
): AsyncIterable<DeadLetterListing> {
  const fsys = options.fs ?? nodeFileSystem;
  const root = join(dataDir, "brokers");
  const keys =
    options.broker === undefined
      ? await brokerKeys(fsys, root)
      : [{ namespace: options.broker.namespace, name: options.broker.name }];
  for (const key of keys) {
    const broker = resourceId(key);
    const problem = (text: string) => options.onProblem?.(broker, text);
    for await (const record of readDeadLetterFile(fsys, join(root, key.namespace, key.name), problem)) {
      yield { broker, record };
    }
  }
}

export interface PurgeDeadLettersOptions {
  /** Only this broker's store. */
  readonly broker?: ResourceKey;
  /** Receives every record, oldest first, before any is removed; if it throws, none is. */
  readonly keep: (listing: DeadLetterListing) => void;
  /** Awaited after the last `keep` and before the first removal (e.g. to flush what keep wrote). */
  readonly beforeRemoving?: () => Promise<void>;
  readonly fs?: FileSystem;
}

export interface PurgedStore {
  readonly broker: string;
  readonly removed: number;
}

/**
 * Empties the durable dead-letter stores under `dataDir`, after handing every record to `keep`,
 * so a caller can save what it removes. All or nothing: it takes every selected broker's lock
 * before reading any (refusing with SLUICE_ERR_EMBEDDED_LOCKED while a `sluice run` holds one), and
 * a store whose file cannot be read to its end (SLUICE_ERR_EMBEDDED_DEAD_LETTERS_UNREADABLE)
 * leaves every file as it was. Each emptied file is synced before the locks are released.
 */
export async function purgeDeadLetters(
  dataDir: string,
  options: PurgeDeadLettersOptions,
): Promise<PurgedStore[]> {
  const fsys = options.fs ?? nodeFileSystem;
  const root = join(dataDir, "brokers");
  const keys = options.broker === undefined ? await brokerKeys(fsys, root) : [options.broker];
  const stores = keys.map((key) => ({ broker: resourceId(key), dir: join(root, key.namespace, key.name) }));
  const locks: DirectoryLock[] = [];
  try {
    for (const { dir } of stores) locks.push(await acquireLock(dir));
    const purged: (PurgedStore & { dir: string })[] = [];
    for (const { broker, dir } of stores) {
      let problem: string | undefined;
      let removed = 0;
      for await (const record of readDeadLetterFile(fsys, dir, (text) => (problem = text))) {
        options.keep({ broker, record });
        removed += 1;
      }
      if (problem !== undefined) {
        throw new SluiceError(EmbeddedBrokerErrors.DEAD_LETTERS_UNREADABLE, `broker ${broker}: ${problem}`, {
          details: { broker },
        });
      }
      purged.push({ broker, dir, removed });
    }
    await options.beforeRemoving?.();
    for (const { dir, removed } of purged) if (removed > 0) await emptyDeadLetterFile(fsys, dir);
    return purged.map(({ broker, removed }) => ({ broker, removed }));
  } finally {
    for (const lock of locks) await lock.release();
  }
}

async function brokerKeys(fsys: FileSystem, root: string): Promise<ResourceKey[]> {
  const keys: ResourceKey[] = [];
  for (const namespace of (await entries(fsys, root)).sort()) {
    for (const name of (await entries(fsys, join(root, namespace))).sort()) keys.push({ namespace, name });
  }
  return keys;
}

async function entries(fsys: FileSystem, dir: string): Promise<string[]> {
  try {
    return await fsys.readdir(dir);
  } catch (error) {
    if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") return [];
    throw error;
  }
}
