import { open, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { SluiceError } from "@sluice/core";
import { EmbeddedBrokerErrors } from "./errors.js";
import { errorCode } from "./file-system.js";

const FILE = "LOCK";

export interface DirectoryLock {
  release(): Promise<void>;
}

/**
 * Makes this process the single writer of a store directory: a LOCK file holding our pid,
 * created exclusively. A lock left by a dead process (kill -9) is taken over; one held by a live
 * process, this one included, refuses the open. Advisory and local: not meant for network file
 * systems, and a recycled pid of an unrelated process makes a stale lock look held (remove the
 * file by hand then).
 */
export async function acquireLock(dir: string): Promise<DirectoryLock> {
  const path = join(dir, FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, "wx");
      try {
        await handle.writeFile(`${process.pid}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return { release: () => releaseLock(path) };
    } catch (error) {
      if (errorCode(error) !== "EEXIST") throw error;
    }
    const content = await readFile(path, "utf8").catch(() => "");
    const holder = Number.parseInt(content, 10);
    if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
      throw new SluiceError(
        EmbeddedBrokerErrors.LOCKED,
        `${dir} is in use by process ${holder}${holder === process.pid ? " (this one)" : ""}`,
        { details: { pid: holder, path } },
      );
    }
    // Stale: move it aside atomically, so of two processes taking over only one succeeds, and
    // check that what was moved is the stale lock we saw (not a fresh one created meanwhile).
    const aside = `${path}.stale-${process.pid}`;
    try {
      await rename(path, aside);
    } catch (error) {
      if (errorCode(error) === "ENOENT") continue;
      throw error;
    }
    const moved = await readFile(aside, "utf8").catch(() => "");
    if (moved !== content) await rename(aside, path).catch(() => {});
    else await unlink(aside).catch(() => {});
  }
  throw new SluiceError(EmbeddedBrokerErrors.LOCKED, `${dir}: could not take its lock`, {
    details: { path },
  });
}

async function releaseLock(path: string): Promise<void> {
  const content = await readFile(path, "utf8").catch(() => "");
  if (Number.parseInt(content, 10) === process.pid) await unlink(path).catch(() => {});
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === "EPERM";
  }
}
