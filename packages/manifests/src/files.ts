import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import type { DiagnosticCollector } from "./diagnostics.js";
import { ManifestErrors } from "./errors.js";

const MANIFEST_FILE = /\.ya?ml$/i;

function readFailed(collector: DiagnosticCollector, file: string, error: unknown): void {
  const code = (error as NodeJS.ErrnoException)?.code;
  collector.add({
    severity: "error",
    code: ManifestErrors.READ_FAILED,
    message:
      code === "ENOENT"
        ? `cannot read "${file}": no such file or directory`
        : `cannot read "${file}": ${(error as Error)?.message ?? String(error)}`,
    hint: "check the path given with -f",
    file,
    line: 1,
    column: 1,
    pointer: "",
  });
}

/** *.yaml / *.yml files under `dir`, recursively, sorted by name; hidden entries and node_modules skipped. */
async function walk(dir: string, seen: Set<string>, out: string[]): Promise<void> {
  const real = await realpath(dir);
  if (seen.has(real)) return; // a symlink loop
  seen.add(real);
  const entries = (await readdir(dir)).filter((e) => !e.startsWith(".") && e !== "node_modules").sort();
  for (const entry of entries) {
    const path = join(dir, entry);
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) await walk(path, seen, out);
    else if (info?.isFile() && MANIFEST_FILE.test(entry)) out.push(path);
  }
}

/**
 * The manifest files named by `paths` (files as given, folders walked), in argument order, each
 * once. Reports unreadable paths, folders without manifests, and an empty result.
 */
export async function collectFiles(
  paths: readonly string[],
  collector: DiagnosticCollector,
): Promise<string[]> {
  const files: string[] = [];
  const seen = new Set<string>();
  let failed = false;
  for (const path of paths) {
    try {
      const info = await stat(path);
      if (!info.isDirectory()) {
        files.push(path);
        continue;
      }
      const found: string[] = [];
      await walk(path, new Set(), found);
      if (found.length === 0) {
        collector.add({
          severity: "warning",
          code: ManifestErrors.NO_MANIFESTS,
          message: `folder "${path}" has no *.yaml or *.yml files`,
          file: path,
          line: 1,
          column: 1,
          pointer: "",
        });
      }
      files.push(...found);
    } catch (error) {
      readFailed(collector, path, error);
      failed = true;
    }
  }
  const unique = files.filter((f) => !seen.has(f) && seen.add(f));
  if (unique.length === 0 && !failed) {
    collector.add({
      severity: "error",
      code: ManifestErrors.NO_MANIFESTS,
      message: "no manifest files found",
      hint: "give manifest files or folders holding *.yaml files with -f",
      file: paths[0] ?? "-f",
      line: 1,
      column: 1,
      pointer: "",
    });
  }
  return unique;
}

/** Reads each file as UTF-8 (a BOM dropped); unreadable files are reported and left out. */
export async function readTexts(
  files: readonly string[],
  collector: DiagnosticCollector,
): Promise<{ file: string; text: string }[]> {
  const read = await Promise.all(
    files.map(async (file) => {
      try {
        const text = await readFile(file, "utf8");
        return { file, text: text.startsWith("\uFEFF") ? text.slice(1) : text };
      } catch (error) {
        readFailed(collector, file, error);
        return undefined;
      }
    }),
  );
  return read.filter((t) => t !== undefined);
}
