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
