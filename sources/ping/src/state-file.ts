import { randomBytes } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** The file under the source's state directory that remembers the last tick sent. */
export const STATE_FILE = "last-tick.json";

/** Reads the last tick (ms since the epoch), or undefined when there is none or it is unreadable. */
export async function readLastTick(stateDir: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(join(stateDir, STATE_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as { lastTick?: unknown };
    const at = typeof parsed.lastTick === "string" ? Date.parse(parsed.lastTick) : Number.NaN;
    return Number.isFinite(at) ? at : undefined;
  } catch {
    return undefined; // a torn or foreign file: treat as no state rather than refuse to start
  }
}

/**
 * Records `tick` atomically: write a temporary file, then rename it over the old one, so a crash
 * leaves either the old or the new state, never a torn file.
 */
export async function writeLastTick(stateDir: string, tick: number): Promise<void> {
  const target = join(stateDir, STATE_FILE);
  const temporary = `${target}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify({ lastTick: new Date(tick).toISOString() })}\n`, {
      flush: true,
    });
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
