import { join } from "node:path";
import { type DeadLetterRecord, type ResourceKey, resourceId } from "@sluice/core";
import { readDeadLetterFile } from "./dead-letter-store.js";
import { errorCode, type FileSystem, nodeFileSystem } from "./file-system.js";

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
