import { join } from "node:path";
import type { FileSystem } from "./file-system.js";

const FILE = ".probe";

/** Checks that the directory takes a synced write again (after ENOSPC, EIO, ...). */
export async function probeDirectory(fsys: FileSystem, dir: string): Promise<void> {
  const path = join(dir, FILE);
  const fd = await fsys.open(path, "w");
  try {
    await fsys.write(fd, Buffer.from("ok\n"), 0, 3, 0);
    await fsys.fdatasync(fd);
  } finally {
    await fsys.close(fd);
  }
  await fsys.unlink(path);
}

const RETRY_MS = 1_000;

/**
 * Retries a failed component on a timer until `check` succeeds, so a store heals (and health()
 * clears) even when no append comes to try the disk again. One unref'd timer, never more.
 */
export class Retrier {
  readonly #check: () => Promise<void>;
  readonly #healed: () => void;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(check: () => Promise<void>, healed: () => void) {
    this.#check = check;
    this.#healed = healed;
  }

  schedule(): void {
    if (this.#timer !== undefined || this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#check().then(
        () => {
          this.#timer = undefined;
          this.#healed();
        },
        () => {
          this.#timer = undefined;
          this.schedule();
        },
      );
    }, RETRY_MS).unref();
  }

  /** The component works again (a real write succeeded): no more probing. */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  stop(): void {
    this.#stopped = true;
    this.cancel();
  }
}
