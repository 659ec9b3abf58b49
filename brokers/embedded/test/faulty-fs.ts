import type { FileSystem } from "../src/index.js";
import { nodeFileSystem } from "../src/index.js";

export interface Faults {
  writes: boolean;
  syncs: boolean;
  truncates: boolean;
  reads: boolean;
  /** fdatasync calls seen (failed or not). */
  syncCount: number;
  /** Added to every fdatasync, ms (a disk that stalls). */
  syncDelayMs: number;
  /** While set, every fdatasync waits for it (a stall the test ends), then fails or not as `syncs` says. */
  syncGate: Promise<void> | undefined;
  /** The next this many fdatasync calls fail (with `syncs` off): one failure, not a broken disk. */
  syncFailures: number;
  /** Positional reads seen (failed or not). */
  readCount: number;
}

/** The real file system with switchable failures, as a full or broken disk would fail. */
export function faultyFileSystem(): { fs: FileSystem; faults: Faults } {
  const faults: Faults = {
    writes: false,
    syncs: false,
    truncates: false,
    reads: false,
    syncCount: 0,
    syncDelayMs: 0,
    syncGate: undefined,
    syncFailures: 0,
    readCount: 0,
  };
  const fail = (op: string, code = "ENOSPC"): Promise<never> =>
    Promise.reject(Object.assign(new Error(`${code}: injected failure, ${op}`), { code }));
  const fs: FileSystem = {
    ...nodeFileSystem,
    open: (path, flags) =>
      faults.writes && flags.startsWith("w") ? fail(`open ${path}`) : nodeFileSystem.open(path, flags),
    write: (fd, buffer, offset, length, position) =>
      faults.writes ? fail("write") : nodeFileSystem.write(fd, buffer, offset, length, position),
    fdatasync: async (fd) => {
      faults.syncCount += 1;
      if (faults.syncDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.syncDelayMs));
      if (faults.syncGate !== undefined) await faults.syncGate;
      if (faults.syncFailures > 0) {
        faults.syncFailures -= 1;
        return fail("fdatasync", "EIO");
      }
      return faults.syncs ? fail("fdatasync", "EIO") : nodeFileSystem.fdatasync(fd);
    },
    ftruncate: (fd, length) =>
      faults.truncates ? fail("ftruncate", "EIO") : nodeFileSystem.ftruncate(fd, length),
    read: (fd, buffer, offset, length, position) => {
      faults.readCount += 1;
      return faults.reads ? fail("read", "EIO") : nodeFileSystem.read(fd, buffer, offset, length, position);
    },
  };
  return { fs, faults };
}
