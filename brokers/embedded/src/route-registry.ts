import type { Logger } from "@sluice/core";
import { AppendFile } from "./append-file.js";
import { ByteReader, ByteWriter } from "./byte-writer.js";
import type { FileSystem } from "./file-system.js";
import { RecordKind } from "./record-codec.js";

const FILE = "routes";
const MAGIC = "SLCROUTE";

/**
 * Interns subscription (trigger) ids as small integers, so records and acks carry a varint
 * instead of the id. Append-only and tiny (one frame per id ever seen); a new id is synced before
 * the first log record that uses it (the commit flushes the registry first). Ids are never reused.
 */
export class RouteRegistry {
  readonly #file: AppendFile;
  readonly #ids = new Map<string, number>();
  readonly #names: string[] = [];
  /** Ids assigned in memory and not yet on disk. */
  readonly #unsaved: number[] = [];

  private constructor(file: AppendFile) {
    this.#file = file;
  }

  static async open(fsys: FileSystem, dir: string, logger: Logger): Promise<RouteRegistry> {
    const existing = await AppendFile.open(fsys, dir, FILE, MAGIC);
    if (existing === undefined) return new RouteRegistry(await AppendFile.create(fsys, dir, FILE, MAGIC));
    const registry = new RouteRegistry(existing.file);
    const result = await existing.file.scan(existing.length, (body) => registry.#load(body));
    if (result.end < existing.length) {
      logger.warn("route registry: cutting a torn tail", {
        file: existing.file.path,
        problem: result.problem,
      });
      await existing.file.truncate(result.end);
    } else existing.file.size = result.end;
    return registry;
  }

  intern(name: string): number {
    let id = this.#ids.get(name);
    if (id === undefined) {
      id = this.#names.length;
      this.#names.push(name);
      this.#ids.set(name, id);
      this.#unsaved.push(id);
    }
    return id;
  }

  idOf(name: string): number | undefined {
    return this.#ids.get(name);
  }

  nameOf(id: number): string | undefined {
    return this.#names[id];
  }

  /** Writes and syncs ids assigned since the last save. */
  async save(): Promise<void> {
    if (this.#unsaved.length === 0) return;
    const count = this.#unsaved.length;
    const writer = new ByteWriter(256);
    for (let i = 0; i < count; i++) {
      const id = this.#unsaved[i] as number;
      const start = writer.beginFrame();
      writer.u8(RecordKind.ROUTE);
      writer.varint(id);
      writer.string(this.#names[id]);
      writer.endFrame(start);
    }
    await this.#file.append(writer.view(), true);
    this.#unsaved.splice(0, count);
  }

  close(): Promise<void> {
    return this.#file.close();
  }

  #load(body: Buffer): boolean {
    const reader = new ByteReader(body);
    if (reader.u8() !== RecordKind.ROUTE) return false;
    const id = reader.varint();
    const name = reader.string() ?? "";
    // Ids are dense and written in order; anything else is a foreign or damaged file.
    if (id !== this.#names.length) return false;
    this.#names.push(name);
    this.#ids.set(name, id);
    return true;
  }
}
